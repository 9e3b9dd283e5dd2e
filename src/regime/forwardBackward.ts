// Forward-backward passes over one sequence: scaled (normalised per step) for speed, with a log-space
// version used as a fallback when scaling underflows. Outputs filtered and smoothed state probabilities.

import type { HmmParams } from './hmmParams.ts';
import { backwardScaled5, forwardScaled5 } from './forwardBackward5.ts';

/** Below this a step normaliser counts as underflow and the log-space path is used. */
const UNDERFLOW = 1e-280;

/** Reusable buffers for one sequence of up to `maxLength` bars and K states. */
export interface FbWork {
  readonly nStates: number;
  /** Scaled emissions b_tk = exp(logB_tk - max_k logB_tk), maxLength x K. */
  readonly b: Float64Array;
  /** Log-space lattices (fallback), maxLength x K each. */
  readonly logAlpha: Float64Array;
  readonly logBeta: Float64Array;
  readonly beta: Float64Array;
  readonly betaPrev: Float64Array;
  readonly v: Float64Array;
  readonly tmp: Float64Array;
  readonly logA: Float64Array;
  readonly logStart: Float64Array;
}

/** Allocates work buffers for sequences up to `maxLength` bars. */
export function createFbWork(nStates: number, maxLength: number): FbWork {
  const k = nStates;
  const n = Math.max(1, maxLength) * k;
  return {
    nStates: k,
    b: new Float64Array(n),
    logAlpha: new Float64Array(n),
    logBeta: new Float64Array(n),
    beta: new Float64Array(k),
    betaPrev: new Float64Array(k),
    v: new Float64Array(k),
    tmp: new Float64Array(k),
    logA: new Float64Array(k * k),
    logStart: new Float64Array(k),
  };
}

/** log(sum(exp(a[off..off+n)))), -Infinity when all are -Infinity. */
export function logSumExp(a: Float64Array, off: number, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (a[off + i] > m) m = a[off + i];
  if (m === -Infinity) return m;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(a[off + i] - m);
  return m + Math.log(s);
}

function setLogParams(p: HmmParams, w: FbWork): void {
  for (let i = 0; i < p.nStates; i++) w.logStart[i] = Math.log(p.startProb[i]);
  for (let i = 0; i < p.nStates * p.nStates; i++) w.logA[i] = Math.log(p.transMat[i]);
}

/**
 * Scaled forward pass (Rabiner 1989 §V.A) over bars [t0, t1): alpha_t ∝ (alpha_{t-1} A) ∘ b_t,
 * normalised to sum 1, so row t of `alpha` (T x K, absolute rows) is P(state | x_t0..x_t).
 * `logC[t]` (optional) receives log p(x_t | x_t0..x_{t-1}). Returns the sequence log-likelihood,
 * or NaN when a step underflowed (the caller then uses `forwardLog`).
 */
export function forwardScaled(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  alpha: Float64Array,
  logC: Float64Array | null,
  w: FbWork,
): number {
  return p.nStates === 5 ? forwardScaled5(p, logB, t0, t1, alpha, logC, w) : forwardScaledAnyK(p, logB, t0, t1, alpha, logC, w);
}

/** forwardScaled as loops over any K (K = 5 takes the unrolled forwardScaled5, bit-for-bit the same). */
export function forwardScaledAnyK(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  alpha: Float64Array,
  logC: Float64Array | null,
  w: FbWork,
): number {
  const k = p.nStates;
  const A = p.transMat;
  const b = w.b;
  let total = 0;
  for (let t = t0; t < t1; t++) {
    const r = t * k;
    const br = (t - t0) * k;
    let m = -Infinity;
    for (let j = 0; j < k; j++) if (logB[r + j] > m) m = logB[r + j];
    if (!Number.isFinite(m)) return Number.NaN;
    let c = 0;
    if (t === t0) {
      for (let j = 0; j < k; j++) {
        const bj = Math.exp(logB[r + j] - m);
        b[br + j] = bj;
        const a = p.startProb[j] * bj;
        alpha[r + j] = a;
        c += a;
      }
    } else {
      const pr = r - k;
      for (let j = 0; j < k; j++) {
        const bj = Math.exp(logB[r + j] - m);
        b[br + j] = bj;
        let s = 0;
        for (let i = 0; i < k; i++) s += alpha[pr + i] * A[i * k + j];
        const a = s * bj;
        alpha[r + j] = a;
        c += a;
      }
    }
    if (!(c > UNDERFLOW) || !Number.isFinite(c)) return Number.NaN;
    const inv = 1 / c;
    for (let j = 0; j < k; j++) alpha[r + j] *= inv;
    const lc = Math.log(c) + m;
    if (logC) logC[t] = lc;
    total += lc;
  }
  return total;
}

/**
 * Log-space forward pass: log alpha_t(j) = logsumexp_i(log alpha_{t-1}(i) + log A_ij) + log b_t(j)
 * into `w.logAlpha` (rows relative to t0). Writes normalised filtered probabilities into `alpha`
 * and per-bar log-likelihood increments into `logC`. Returns the sequence log-likelihood.
 */
export function forwardLog(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  alpha: Float64Array | null,
  logC: Float64Array | null,
  w: FbWork,
): number {
  const k = p.nStates;
  setLogParams(p, w);
  const la = w.logAlpha;
  const tmp = w.tmp;
  let prevTotal = 0;
  for (let t = t0; t < t1; t++) {
    const r = (t - t0) * k;
    for (let j = 0; j < k; j++) {
      if (t === t0) la[r + j] = w.logStart[j] + logB[t * k + j];
      else {
        for (let i = 0; i < k; i++) tmp[i] = la[r - k + i] + w.logA[i * k + j];
        la[r + j] = logSumExp(tmp, 0, k) + logB[t * k + j];
      }
    }
    const total = logSumExp(la, r, k);
    if (logC) logC[t] = total - prevTotal;
    prevTotal = total;
    if (alpha) for (let j = 0; j < k; j++) alpha[t * k + j] = Math.exp(la[r + j] - total);
  }
  return prevTotal;
}

/**
 * Log-space backward pass and posteriors after `forwardLog`: log beta_t(i) =
 * logsumexp_j(log A_ij + log b_{t+1}(j) + log beta_{t+1}(j)); gamma_t ∝ alpha_t beta_t into `gamma`;
 * xi sums sum_t exp(log alpha_t(i) + log A_ij + log b_{t+1}(j) + log beta_{t+1}(j) - log L) added
 * into `xiSum` (K x K) when given.
 */
export function backwardLog(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  logProb: number,
  gamma: Float64Array,
  xiSum: Float64Array | null,
  w: FbWork,
): void {
  const k = p.nStates;
  const la = w.logAlpha;
  const lb = w.logBeta;
  const tmp = w.tmp;
  const n = t1 - t0;
  for (let j = 0; j < k; j++) lb[(n - 1) * k + j] = 0;
  for (let t = n - 2; t >= 0; t--) {
    const nb = (t + 1) * k;
    const ab = (t0 + t + 1) * k;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) tmp[j] = w.logA[i * k + j] + logB[ab + j] + lb[nb + j];
      lb[t * k + i] = logSumExp(tmp, 0, k);
    }
    if (xiSum) {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          xiSum[i * k + j] += Math.exp(la[t * k + i] + w.logA[i * k + j] + logB[ab + j] + lb[nb + j] - logProb);
        }
      }
    }
  }
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < k; j++) tmp[j] = la[t * k + j] + lb[t * k + j];
    const z = logSumExp(tmp, 0, k);
    for (let j = 0; j < k; j++) gamma[(t0 + t) * k + j] = Math.exp(tmp[j] - z);
  }
}

/**
 * Scaled backward pass after a successful `forwardScaled`. beta is renormalised to sum 1 per step
 * (any per-step scale cancels in gamma and xi): u_t(i) = sum_j A_ij b_{t+1}(j) beta_{t+1}(j),
 * xi_t(i,j) = alpha_t(i) A_ij b_{t+1}(j) beta_{t+1}(j) / sum_i alpha_t(i) u_t(i),
 * gamma_t ∝ alpha_t ∘ beta_t. `xiSum` receives sum_t xi_t(i,j) / A_ij (A_ij factored out of the
 * sum; `forwardBackward` multiplies it back). Returns false on underflow (caller falls back to log space).
 */
export function backwardScaled(
  p: HmmParams,
  t0: number,
  t1: number,
  alpha: Float64Array,
  gamma: Float64Array,
  xiSum: Float64Array | null,
  w: FbWork,
): boolean {
  return p.nStates === 5 ? backwardScaled5(p, t0, t1, alpha, gamma, xiSum, w) : backwardScaledAnyK(p, t0, t1, alpha, gamma, xiSum, w);
}

/** backwardScaled as loops over any K (K = 5 takes the unrolled backwardScaled5, bit-for-bit the same). */
export function backwardScaledAnyK(
  p: HmmParams,
  t0: number,
  t1: number,
  alpha: Float64Array,
  gamma: Float64Array,
  xiSum: Float64Array | null,
  w: FbWork,
): boolean {
  const k = p.nStates;
  const A = p.transMat;
  const b = w.b;
  let beta = w.beta;
  let next = w.betaPrev;
  const v = w.v;
  const u = w.tmp;
  const inv0 = 1 / k;
  for (let j = 0; j < k; j++) beta[j] = inv0;
  writeGamma(alpha, beta, gamma, (t1 - 1) * k, k);
  for (let t = t1 - 2; t >= t0; t--) {
    const br = (t + 1 - t0) * k;
    for (let j = 0; j < k; j++) v[j] = b[br + j] * beta[j];
    const r = t * k;
    let z = 0;
    let su = 0;
    for (let i = 0; i < k; i++) {
      let s = 0;
      const ro = i * k;
      for (let j = 0; j < k; j++) s += A[ro + j] * v[j];
      u[i] = s;
      su += s;
      z += alpha[r + i] * s;
    }
    if (!(z > UNDERFLOW) || !Number.isFinite(z) || !(su > UNDERFLOW)) return false;
    if (xiSum) {
      // Accumulates sum_t alpha_t(i) v_{t+1}(j) / z_t; the caller multiplies by A_ij once at the end.
      const iz = 1 / z;
      for (let i = 0; i < k; i++) {
        const ai = alpha[r + i] * iz;
        if (ai === 0) continue;
        const ro = i * k;
        for (let j = 0; j < k; j++) xiSum[ro + j] += ai * v[j];
      }
    }
    const isu = 1 / su;
    for (let i = 0; i < k; i++) next[i] = u[i] * isu;
    const sw = beta;
    beta = next;
    next = sw;
    writeGamma(alpha, beta, gamma, r, k);
  }
  return true;
}

function writeGamma(alpha: Float64Array, beta: Float64Array, gamma: Float64Array, r: number, k: number): void {
  let s = 0;
  for (let j = 0; j < k; j++) {
    const g = alpha[r + j] * beta[j];
    gamma[r + j] = g;
    s += g;
  }
  const inv = 1 / s;
  for (let j = 0; j < k; j++) gamma[r + j] *= inv;
}

/**
 * Forward-backward over bars [t0, t1): fills filtered `alpha`, smoothed `gamma` (absolute rows of
 * T x K arrays), adds transition posteriors into `xiSum` and returns log p(x_t0..x_{t1-1}).
 * Uses the scaled passes and falls back to log space for the whole sequence on underflow.
 */
export function forwardBackward(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  alpha: Float64Array,
  gamma: Float64Array,
  xiSum: Float64Array | null,
  logC: Float64Array | null,
  w: FbWork,
  xiScratch: Float64Array | null,
): number {
  const k = p.nStates;
  const ll = forwardScaled(p, logB, t0, t1, alpha, logC, w);
  if (!Number.isNaN(ll)) {
    if (xiSum && xiScratch) xiScratch.fill(0);
    if (backwardScaled(p, t0, t1, alpha, gamma, xiSum ? xiScratch : null, w)) {
      if (xiSum && xiScratch) for (let i = 0; i < k * k; i++) xiSum[i] += p.transMat[i] * xiScratch[i];
      return ll;
    }
  }
  const lp = forwardLog(p, logB, t0, t1, alpha, logC, w);
  backwardLog(p, logB, t0, t1, lp, gamma, xiSum, w);
  return lp;
}
