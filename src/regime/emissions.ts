// Gaussian emission log-densities log N(x_t | mu_k, Sigma_k) for all bars and states, with per-state
// normalisers and inverse Cholesky factors precomputed once per parameter set.

import { ModelError } from '../domain/index.ts';
import type { HmmParams } from './hmmParams.ts';

const LOG_2PI = Math.log(2 * Math.PI);
/** Ridge added when a full covariance is not positive definite (hmmlearn `stats.py` min_covar=1e-7). */
export const CHOLESKY_RIDGE = 1e-7;

/**
 * Precomputed emission terms. diag: `scale` K x D holds 1/var. full: `scale` K x D x D holds
 * L_k^{-1} (lower triangular, Sigma_k = L_k L_k^T). `logNorm` K holds -0.5 (D log 2pi + log|Sigma_k|).
 */
export interface EmissionModel {
  readonly nStates: number;
  readonly nFeatures: number;
  readonly full: boolean;
  readonly means: Float64Array;
  readonly scale: Float64Array;
  readonly logNorm: Float64Array;
  /** Scratch of length D (full only). */
  readonly work: Float64Array;
}

/**
 * Lower Cholesky factor of the D x D matrix at `a[off..]` into `l` (row-major); false when the
 * matrix is not positive definite.
 */
export function choleskyInto(a: Float64Array, off: number, d: number, ridge: number, l: Float64Array): boolean {
  l.fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[off + i * d + j] + (i === j ? ridge : 0);
      for (let m = 0; m < j; m++) s -= l[i * d + m] * l[j * d + m];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return true;
}

/** Inverse of a lower-triangular D x D matrix (forward substitution per column). */
function invertLower(l: Float64Array, d: number, out: Float64Array, outOff: number): void {
  for (let c = 0; c < d; c++) {
    for (let r = 0; r < d; r++) {
      if (r < c) {
        out[outOff + r * d + c] = 0;
        continue;
      }
      let s = r === c ? 1 : 0;
      for (let m = c; m < r; m++) s -= l[r * d + m] * out[outOff + m * d + c];
      out[outOff + r * d + c] = s / l[r * d + r];
    }
  }
}

/**
 * Builds the emission model of `p`. A full covariance that is not positive definite is retried with
 * a ridge of CHOLESKY_RIDGE on the diagonal (as the reference does); if that fails too, ModelError.
 */
export function prepareEmissions(p: HmmParams): EmissionModel {
  const k = p.nStates;
  const d = p.nFeatures;
  const full = p.covariance === 'full';
  const scale = new Float64Array(full ? k * d * d : k * d);
  const logNorm = new Float64Array(k);
  const l = new Float64Array(d * d);
  for (let s = 0; s < k; s++) {
    let logDet = 0;
    if (full) {
      const off = s * d * d;
      if (!choleskyInto(p.covars, off, d, 0, l) && !choleskyInto(p.covars, off, d, CHOLESKY_RIDGE, l)) {
        throw new ModelError('HMM_SINGULAR_COVARIANCE', `covariance of state ${s} is not positive definite, even with a ridge of ${CHOLESKY_RIDGE}`, {
          hint: 'the state has (nearly) collinear or constant data; use fewer states, other features or a larger min_covar',
        });
      }
      for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i]);
      invertLower(l, d, scale, off);
    } else {
      for (let j = 0; j < d; j++) {
        const v = p.covars[s * d + j];
        if (!(v > 0)) throw new ModelError('HMM_SINGULAR_COVARIANCE', `variance of state ${s} feature ${j} is ${v} (expected > 0)`);
        logDet += Math.log(v);
        scale[s * d + j] = 1 / v;
      }
    }
    logNorm[s] = -0.5 * (d * LOG_2PI + logDet);
  }
  return { nStates: k, nFeatures: d, full, means: p.means, scale, logNorm, work: new Float64Array(d) };
}

/**
 * Log-densities of one observation `x[xOff..xOff+D)` under every state into `out[outOff..outOff+K)`:
 * log N(x | mu_k, Sigma_k) = logNorm_k - 0.5 (x - mu_k)^T Sigma_k^{-1} (x - mu_k).
 */
export function logEmissionRow(em: EmissionModel, x: ArrayLike<number>, xOff: number, out: Float64Array, outOff: number): void {
  const { nStates: k, nFeatures: d, means, scale, logNorm } = em;
  if (!em.full) {
    for (let s = 0; s < k; s++) {
      let q = 0;
      const mo = s * d;
      for (let j = 0; j < d; j++) {
        const z = x[xOff + j] - means[mo + j];
        q += z * z * scale[mo + j];
      }
      out[outOff + s] = logNorm[s] - 0.5 * q;
    }
    return;
  }
  const w = em.work;
  for (let s = 0; s < k; s++) {
    const mo = s * d;
    for (let j = 0; j < d; j++) w[j] = x[xOff + j] - means[mo + j];
    const lo = s * d * d;
    let q = 0;
    for (let r = 0; r < d; r++) {
      let z = 0;
      const ro = lo + r * d;
      for (let c = 0; c <= r; c++) z += scale[ro + c] * w[c];
      q += z * z;
    }
    out[outOff + s] = logNorm[s] - 0.5 * q;
  }
}

/** Log-densities of bars [t0, t1) of X (T x D) into `out` (rows t0..t1 of a T x K matrix). */
export function logEmissions(em: EmissionModel, X: Float64Array, t0: number, t1: number, out: Float64Array): void {
  const d = em.nFeatures;
  const k = em.nStates;
  if (!em.full && d === 3) {
    // logEmissionRow's diag branch with the bar's values loaded once (same operations, same order)
    const { means, scale, logNorm } = em;
    for (let t = t0; t < t1; t++) {
      const xo = t * 3;
      const x0 = X[xo];
      const x1 = X[xo + 1];
      const x2 = X[xo + 2];
      const oo = t * k;
      for (let s = 0, mo = 0; s < k; s++, mo += 3) {
        const z0 = x0 - means[mo];
        const z1 = x1 - means[mo + 1];
        const z2 = x2 - means[mo + 2];
        out[oo + s] = logNorm[s] - 0.5 * (0 + z0 * z0 * scale[mo] + z1 * z1 * scale[mo + 1] + z2 * z2 * scale[mo + 2]);
      }
    }
    return;
  }
  for (let t = t0; t < t1; t++) logEmissionRow(em, X, t * d, out, t * k);
}
