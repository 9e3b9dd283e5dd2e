// Parameter types of a Gaussian HMM (row-major Float64Array), their validation and the free-parameter
// count used by AIC/BIC.

import { ModelError } from '../domain/index.ts';

/** Emission covariance type: one variance per feature, or a full D x D matrix per state. */
export type CovarianceType = 'diag' | 'full';

/**
 * Parameters of a K-state Gaussian HMM over D features, all row-major:
 * `startProb` K, `transMat` K x K (row i = from state i), `means` K x D,
 * `covars` K x D (diag) or K x D x D (full).
 */
export interface HmmParams {
  readonly nStates: number;
  readonly nFeatures: number;
  readonly covariance: CovarianceType;
  readonly startProb: Float64Array;
  readonly transMat: Float64Array;
  readonly means: Float64Array;
  readonly covars: Float64Array;
}

/** Number of covariance values per state: D (diag) or D*D (full). */
export function covarSize(covariance: CovarianceType, nFeatures: number): number {
  return covariance === 'diag' ? nFeatures : nFeatures * nFeatures;
}

/** Deep copy of parameters. */
export function cloneParams(p: HmmParams): HmmParams {
  return {
    nStates: p.nStates,
    nFeatures: p.nFeatures,
    covariance: p.covariance,
    startProb: p.startProb.slice(),
    transMat: p.transMat.slice(),
    means: p.means.slice(),
    covars: p.covars.slice(),
  };
}

/**
 * Free scalar parameters (hmmlearn `_get_n_fit_scalars_per_param`): start K-1, transitions K(K-1),
 * means K·D, covariances K·D (diag) or K·D(D+1)/2 (full).
 */
export function countFreeParameters(nStates: number, nFeatures: number, covariance: CovarianceType): number {
  const k = nStates;
  const d = nFeatures;
  const cov = covariance === 'diag' ? k * d : (k * d * (d + 1)) / 2;
  return k - 1 + k * (k - 1) + k * d + cov;
}

const SUM_TOL = 1e-6;

function fail(where: string, what: string): never {
  throw new ModelError('HMM_PARAMS_INVALID', `${where}: ${what}`);
}

function checkFinite(where: string, name: string, a: Float64Array, expectedLength: number): void {
  if (a.length !== expectedLength) fail(where, `${name} has ${a.length} values (expected ${expectedLength})`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) fail(where, `${name}[${i}] is ${a[i]} (expected a finite number)`);
  }
}

function checkStochastic(where: string, name: string, a: Float64Array, offset: number, k: number): void {
  let s = 0;
  for (let j = 0; j < k; j++) {
    const v = a[offset + j];
    if (v < 0) fail(where, `${name} has a negative probability ${v}`);
    s += v;
  }
  if (Math.abs(s - 1) > SUM_TOL) fail(where, `${name} must sum to 1 (got ${s})`);
}

/**
 * Checks shapes, finiteness, stochastic rows and positive (co)variances; throws ModelError naming
 * the field, the expected value and the value found. `where` names the source (file, "init").
 */
export function validateParams(p: HmmParams, where = 'HMM parameters'): void {
  const { nStates: k, nFeatures: d } = p;
  if (!Number.isInteger(k) || k < 1) fail(where, `nStates is ${k} (expected an integer >= 1)`);
  if (!Number.isInteger(d) || d < 1) fail(where, `nFeatures is ${d} (expected an integer >= 1)`);
  if (p.covariance !== 'diag' && p.covariance !== 'full') fail(where, `covariance is "${String(p.covariance)}" (expected diag or full)`);
  checkFinite(where, 'startProb', p.startProb, k);
  checkFinite(where, 'transMat', p.transMat, k * k);
  checkFinite(where, 'means', p.means, k * d);
  checkFinite(where, 'covars', p.covars, k * covarSize(p.covariance, d));
  checkStochastic(where, 'startProb', p.startProb, 0, k);
  for (let i = 0; i < k; i++) checkStochastic(where, `transMat row ${i}`, p.transMat, i * k, k);
  if (p.covariance === 'diag') {
    for (let i = 0; i < k * d; i++) {
      if (!(p.covars[i] > 0)) fail(where, `covars[${Math.floor(i / d)}][${i % d}] is ${p.covars[i]} (expected a variance > 0)`);
    }
  } else {
    for (let s = 0; s < k; s++) {
      for (let a = 0; a < d; a++) {
        const v = p.covars[s * d * d + a * d + a];
        if (!(v > 0)) fail(where, `covars[${s}][${a}][${a}] is ${v} (expected a variance > 0)`);
        for (let b = 0; b < a; b++) {
          const x = p.covars[s * d * d + a * d + b];
          const y = p.covars[s * d * d + b * d + a];
          if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x))) fail(where, `covars[${s}] is not symmetric at (${a},${b}): ${x} vs ${y}`);
        }
      }
    }
  }
}
