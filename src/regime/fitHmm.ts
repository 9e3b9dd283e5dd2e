// Baum-Welch (EM) for a Gaussian HMM: input checks, k-means++ initialisation, and the EM loop
// (E-step, log-likelihood, M-step, convergence test) as in hmmlearn `BaseHMM.fit`.

import { DataError, type Rng } from '../domain/index.ts';
import { choleskyInto } from './emissions.ts';
import { createEmWork, estep } from './estep.ts';
import { cloneParams, covarSize, type CovarianceType, type HmmParams } from './hmmParams.ts';
import { kMeans } from './kmeans.ts';
import { DEFAULT_PRIORS, mstep, type MstepPriors } from './mstep.ts';

/** Progress of one EM iteration (for progress bars and logs). */
export interface EmIteration {
  readonly restart: number;
  readonly iteration: number;
  /** Log-likelihood under the parameters before this iteration's M-step. */
  readonly logProb: number;
  /** logProb minus the previous iteration's (NaN at the first). */
  readonly gain: number;
}

/** EM settings. `tol: null` runs all `nIter` iterations (parity mode). */
export interface EmOptions {
  readonly nIter: number;
  readonly tol: number | null;
  readonly priors?: MstepPriors;
  readonly onIteration?: (it: EmIteration) => void;
  /** Restart index reported in `onIteration`. */
  readonly restart?: number;
}

/** Outcome of an EM run: final parameters and the per-iteration log-likelihood history. */
export interface EmResult {
  readonly params: HmmParams;
  /** history[i] = log-likelihood with the parameters before M-step i (hmmlearn monitor). */
  readonly history: number[];
  /** True when the gain fell below `tol` before `nIter` iterations. */
  readonly converged: boolean;
  readonly iterations: number;
}

/**
 * Checks X (T x D row-major, finite) and `lengths` (positive integers summing to T); returns the
 * lengths to use (one sequence when omitted). Throws DataError saying what was expected and found.
 */
export function checkObservations(X: Float64Array, nFeatures: number, lengths?: ArrayLike<number>): Int32Array {
  if (X.length === 0) throw new DataError('HMM_INPUT_EMPTY', 'HMM input has no observations (expected at least 1 bar)');
  if (X.length % nFeatures !== 0) {
    throw new DataError('HMM_INPUT_SHAPE', `HMM input has ${X.length} values, not a multiple of ${nFeatures} features`);
  }
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i])) {
      throw new DataError(
        'HMM_INPUT_NOT_FINITE',
        `HMM input bar ${Math.floor(i / nFeatures)} feature ${i % nFeatures} is ${X[i]} (expected a finite number)`,
      );
    }
  }
  const T = X.length / nFeatures;
  if (!lengths) return Int32Array.of(T);
  let s = 0;
  for (let q = 0; q < lengths.length; q++) {
    const n = lengths[q];
    if (!Number.isInteger(n) || n < 1) throw new DataError('HMM_LENGTHS_INVALID', `HMM lengths[${q}] is ${n} (expected an integer >= 1)`);
    s += n;
  }
  if (s !== T) throw new DataError('HMM_LENGTHS_INVALID', `HMM lengths sum to ${s} but the input has ${T} bars`);
  return Int32Array.from(lengths);
}

/**
 * hmmlearn-style initial parameters: means by k-means++ (on at most KMEANS_MAX_ROWS rows), every state's covariance = cov(X) +
 * minCovar·I (sample covariance, ddof 1; its diagonal for diag), uniform start and uniform
 * transitions, or sticky ones when `selfTransition` (in (0, 1)) is given. Needs T >= K bars.
 */
export function initFromData(
  X: Float64Array,
  nFeatures: number,
  nStates: number,
  covariance: CovarianceType,
  minCovar: number,
  rng: Rng,
  selfTransition: number | null = null,
): HmmParams {
  const d = nFeatures;
  const T = X.length / d;
  if (T < nStates || T < 2) {
    throw new DataError('HMM_TOO_FEW_BARS', `cannot fit ${nStates} states on ${T} bars (expected at least ${Math.max(2, nStates)})`);
  }
  const { centroids } = kMeans(strideSample(X, d, KMEANS_MAX_ROWS), d, nStates, rng);
  const mean = new Float64Array(d);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) mean[j] += X[t * d + j];
  for (let j = 0; j < d; j++) mean[j] /= T;
  const cov = new Float64Array(d * d);
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < d; a++) {
      const za = X[t * d + a] - mean[a];
      for (let b = 0; b < d; b++) cov[a * d + b] += za * (X[t * d + b] - mean[b]);
    }
  }
  for (let i = 0; i < d * d; i++) cov[i] /= T - 1;
  for (let a = 0; a < d; a++) cov[a * d + a] += minCovar;
  const cs = covarSize(covariance, d);
  const covars = new Float64Array(nStates * cs);
  for (let s = 0; s < nStates; s++) {
    if (covariance === 'full') covars.set(cov, s * cs);
    else for (let a = 0; a < d; a++) covars[s * d + a] = cov[a * d + a];
  }
  return {
    nStates,
    nFeatures: d,
    covariance,
    startProb: new Float64Array(nStates).fill(1 / nStates),
    transMat: initialTransitions(nStates, selfTransition),
    means: centroids,
    covars,
  };
}

/** k-means for initial means runs on at most this many rows (an even stride through the data). */
export const KMEANS_MAX_ROWS = 10_000;

/**
 * Every ceil(T / maxRows)-th row of X (T x D), or X itself when T <= maxRows. Initial means need
 * only approximate centroids (EM moves them anyway), while full Lloyd iterations on 70k rows cost
 * about as much as 5 EM iterations (measured 0.7 s); a fixed stride keeps it deterministic.
 */
export function strideSample(X: Float64Array, d: number, maxRows: number): Float64Array {
  const T = X.length / d;
  if (T <= maxRows) return X;
  const step = Math.ceil(T / maxRows);
  const n = Math.ceil(T / step);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) out.set(X.subarray(i * step * d, i * step * d + d), i * d);
  return out;
}

/** Uniform transitions (hmmlearn), or `selfTransition` on the diagonal and the rest spread evenly. */
function initialTransitions(k: number, selfTransition: number | null): Float64Array {
  if (selfTransition === null || k === 1) return new Float64Array(k * k).fill(1 / k);
  const a = new Float64Array(k * k).fill((1 - selfTransition) / (k - 1));
  for (let i = 0; i < k; i++) a[i * k + i] = selfTransition;
  return a;
}

/** Adds `ridge`·I to full covariances that are not positive definite (training safety net). */
function repairCovariances(p: HmmParams, ridge: number): void {
  if (p.covariance !== 'full' || ridge <= 0) return;
  const d = p.nFeatures;
  const l = new Float64Array(d * d);
  for (let s = 0; s < p.nStates; s++) {
    if (choleskyInto(p.covars, s * d * d, d, 0, l)) continue;
    for (let a = 0; a < d; a++) p.covars[s * d * d + a * d + a] += ridge;
  }
}

/**
 * Runs Baum-Welch from `init` (not mutated): per iteration an E-step (log-likelihood recorded),
 * then the M-step; stops after `nIter` or when the gain is below `tol` (hmmlearn ConvergenceMonitor).
 */
export function runEm(X: Float64Array, lengths: Int32Array, init: HmmParams, opts: EmOptions): EmResult {
  const p = cloneParams(init);
  const priors = opts.priors ?? DEFAULT_PRIORS;
  const T = X.length / p.nFeatures;
  const work = createEmWork(p, T, lengths);
  const history: number[] = [];
  let converged = false;
  for (let it = 0; it < opts.nIter; it++) {
    const stats = estep(p, X, lengths, work);
    if (!Number.isFinite(stats.logProb)) {
      throw new DataError('HMM_FIT_DIVERGED', `EM iteration ${it + 1}: log-likelihood is ${stats.logProb}`, [], {
        hint: 'the data may contain extreme outliers; standardize the features or use diag covariance',
      });
    }
    history.push(stats.logProb);
    const gain = it > 0 ? stats.logProb - history[it - 1] : Number.NaN;
    mstep(p, stats, priors);
    repairCovariances(p, priors.varianceFloor);
    opts.onIteration?.({ restart: opts.restart ?? 0, iteration: it + 1, logProb: stats.logProb, gain });
    if (opts.tol !== null && it > 0 && gain < opts.tol) {
      converged = true;
      break;
    }
  }
  return { params: p, history, converged, iterations: history.length };
}
