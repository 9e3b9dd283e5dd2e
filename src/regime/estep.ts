// E-step of Baum-Welch: posteriors per sequence and the sufficient statistics the M-step needs
// (hmmlearn `_accumulate_sufficient_statistics`), over row-major buffers reused across iterations.

import { logEmissions, prepareEmissions } from './emissions.ts';
import { createFbWork, forwardBackward, type FbWork } from './forwardBackward.ts';
import { covarSize, type HmmParams } from './hmmParams.ts';

/**
 * Sufficient statistics, with gamma_tk the smoothed posteriors and xi the transition posteriors:
 * `nk` K: N_k = sum_t gamma_tk; `sumX` K x D: S1_k = sum_t gamma_tk x_t; `sumXX` K x D (diag: sum
 * gamma x^2) or K x D x D (full: sum gamma x x^T); `start` K: sum of gamma at each sequence's first
 * bar; `trans` K x K: sum_t xi_t(i, j); `logProb`: total log-likelihood under the E-step parameters.
 */
export interface SuffStats {
  readonly nk: Float64Array;
  readonly sumX: Float64Array;
  readonly sumXX: Float64Array;
  readonly start: Float64Array;
  readonly trans: Float64Array;
  logProb: number;
}

/** Buffers for repeated E-steps over the same data (T bars, K states, D features). */
export interface EmWork {
  readonly logB: Float64Array;
  readonly alpha: Float64Array;
  readonly gamma: Float64Array;
  readonly fb: FbWork;
  readonly xiScratch: Float64Array;
  readonly stats: SuffStats;
}

/** Allocates E-step buffers for `lengths` sequences of data with `nFeatures` columns. */
export function createEmWork(p: HmmParams, totalLength: number, lengths: ArrayLike<number>): EmWork {
  const k = p.nStates;
  let maxLen = 1;
  for (let i = 0; i < lengths.length; i++) maxLen = Math.max(maxLen, lengths[i]);
  return {
    logB: new Float64Array(totalLength * k),
    alpha: new Float64Array(totalLength * k),
    gamma: new Float64Array(totalLength * k),
    fb: createFbWork(k, maxLen),
    xiScratch: new Float64Array(k * k),
    stats: {
      nk: new Float64Array(k),
      sumX: new Float64Array(k * p.nFeatures),
      sumXX: new Float64Array(k * covarSize(p.covariance, p.nFeatures)),
      start: new Float64Array(k),
      trans: new Float64Array(k * k),
      logProb: 0,
    },
  };
}

function resetStats(s: SuffStats): void {
  s.nk.fill(0);
  s.sumX.fill(0);
  s.sumXX.fill(0);
  s.start.fill(0);
  s.trans.fill(0);
  s.logProb = 0;
}

/**
 * Posterior weights below this are left out of the moment sums (not of N_k): over 10^5 bars they
 * change a sum by < 1e-10 absolute, far inside the 1e-6 EM tolerance, and with well-separated
 * states most weights are this small, so the D x D update is skipped for most (bar, state) pairs.
 */
export const NEGLIGIBLE_WEIGHT = 1e-15;

/** Adds gamma-weighted first and second moments of bars [0, T) into `s` (full: lower triangle, mirrored). */
export function accumulateMoments(p: HmmParams, X: Float64Array, gamma: Float64Array, T: number, s: SuffStats): void {
  const k = p.nStates;
  const d = p.nFeatures;
  if (p.covariance === 'diag' && d === 3) accumulateDiag3(k, X, gamma, T, s);
  else accumulateMomentsAnyShape(p, X, gamma, T, s);
}

/** accumulateMoments as loops over any K, D and covariance type (diag with D = 3 takes accumulateDiag3, bit-for-bit the same). */
export function accumulateMomentsAnyShape(p: HmmParams, X: Float64Array, gamma: Float64Array, T: number, s: SuffStats): void {
  const k = p.nStates;
  const d = p.nFeatures;
  const full = p.covariance === 'full';
  for (let t = 0; t < T; t++) {
    const xo = t * d;
    const go = t * k;
    for (let c = 0; c < k; c++) {
      const g = gamma[go + c];
      s.nk[c] += g;
      if (g < NEGLIGIBLE_WEIGHT) continue;
      const mo = c * d;
      if (!full) {
        for (let a = 0; a < d; a++) {
          const x = X[xo + a];
          const gx = g * x;
          s.sumX[mo + a] += gx;
          s.sumXX[mo + a] += gx * x;
        }
      } else {
        const co = c * d * d;
        for (let a = 0; a < d; a++) {
          const gx = g * X[xo + a];
          s.sumX[mo + a] += gx;
          const ro = co + a * d;
          for (let b = 0; b <= a; b++) s.sumXX[ro + b] += gx * X[xo + b];
        }
      }
    }
  }
  if (full) {
    for (let c = 0; c < k; c++) {
      const co = c * d * d;
      for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) s.sumXX[co + b * d + a] = s.sumXX[co + a * d + b];
    }
  }
}

/**
 * accumulateMoments for diag covariances of 3 features: one pass over the bars per state with the sums in
 * locals. Each sum still adds its terms in bar order from its value in `s`, so the result is bit-for-bit the
 * general loop's.
 */
function accumulateDiag3(k: number, X: Float64Array, gamma: Float64Array, T: number, s: SuffStats): void {
  for (let c = 0; c < k; c++) {
    const mo = c * 3;
    let n = s.nk[c];
    let s0 = s.sumX[mo];
    let s1 = s.sumX[mo + 1];
    let s2 = s.sumX[mo + 2];
    let q0 = s.sumXX[mo];
    let q1 = s.sumXX[mo + 1];
    let q2 = s.sumXX[mo + 2];
    for (let t = 0, go = c, xo = 0; t < T; t++, go += k, xo += 3) {
      const g = gamma[go];
      n += g;
      if (g < NEGLIGIBLE_WEIGHT) continue;
      const x0 = X[xo];
      const x1 = X[xo + 1];
      const x2 = X[xo + 2];
      const g0 = g * x0;
      const g1 = g * x1;
      const g2 = g * x2;
      s0 += g0;
      q0 += g0 * x0;
      s1 += g1;
      q1 += g1 * x1;
      s2 += g2;
      q2 += g2 * x2;
    }
    s.nk[c] = n;
    s.sumX[mo] = s0;
    s.sumX[mo + 1] = s1;
    s.sumX[mo + 2] = s2;
    s.sumXX[mo] = q0;
    s.sumXX[mo + 1] = q1;
    s.sumXX[mo + 2] = q2;
  }
}

/**
 * One E-step over X (T x D) cut into `lengths`: emissions, forward-backward per sequence, then the
 * sufficient statistics in `work.stats` (also returned). Posteriors stay in `work.gamma`.
 */
export function estep(p: HmmParams, X: Float64Array, lengths: ArrayLike<number>, work: EmWork): SuffStats {
  const k = p.nStates;
  const T = X.length / p.nFeatures;
  const s = work.stats;
  resetStats(s);
  logEmissions(prepareEmissions(p), X, 0, T, work.logB);
  let t0 = 0;
  for (let q = 0; q < lengths.length; q++) {
    const t1 = t0 + lengths[q];
    const xi = t1 - t0 > 1 ? s.trans : null;
    s.logProb += forwardBackward(p, work.logB, t0, t1, work.alpha, work.gamma, xi, null, work.fb, work.xiScratch);
    for (let j = 0; j < k; j++) s.start[j] += work.gamma[t0 * k + j];
    t0 = t1;
  }
  accumulateMoments(p, X, work.gamma, T, s);
  return s;
}
