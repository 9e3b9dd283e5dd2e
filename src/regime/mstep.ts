// M-step of Baum-Welch with hmmlearn's priors (GaussianHMM `_do_mstep`), plus defined results for
// degenerate cases (a state with no weight keeps its previous parameters instead of becoming NaN).

import type { SuffStats } from './estep.ts';
import type { HmmParams } from './hmmParams.ts';

/** Priors of the M-step (hmmlearn names); the defaults give plain maximum likelihood plus covars_prior. */
export interface MstepPriors {
  /** Added to covariance numerators (every element for full), hmmlearn `covars_prior`. Default 1e-2. */
  readonly covarsPrior: number;
  /** hmmlearn `covars_weight`. Default 1. */
  readonly covarsWeight: number;
  /** Dirichlet concentration of start and transition probabilities (1 = no prior). */
  readonly startProbPrior: number;
  readonly transMatPrior: number;
  /**
   * Extra pseudo-counts added to the diagonal of the transition statistics (a "sticky" Dirichlet
   * prior, Fox et al. 2011), favouring persistent regimes; 0 = reference behaviour.
   */
  readonly selfTransitionPseudoCount: number;
  /** Optional floor on variances (diagonals), applied after the update; 0 = reference behaviour. */
  readonly varianceFloor: number;
}

export const DEFAULT_PRIORS: MstepPriors = {
  covarsPrior: 1e-2,
  covarsWeight: 1,
  startProbPrior: 1,
  transMatPrior: 1,
  selfTransitionPseudoCount: 0,
  varianceFloor: 0,
};

/** A state whose total posterior weight is below this keeps its emission parameters. */
export const MIN_STATE_WEIGHT = 1e-10;

/** Normalises a[off..off+n) in place to sum 1; returns false (and leaves it) when the sum is 0. */
function normalizeRow(a: Float64Array, off: number, n: number): boolean {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[off + i];
  if (!(s > 0) || !Number.isFinite(s)) return false;
  for (let i = 0; i < n; i++) a[off + i] /= s;
  return true;
}

/**
 * Start and transition update: pi ∝ max(prior - 1 + start, 0), A_ij ∝ max(prior - 1 + [i = j]·kappa + trans_ij, 0),
 * keeping zeros of the current parameters (hmmlearn `BaseHMM._do_mstep`). A row with no
 * transition mass keeps its previous values.
 */
export function mstepMarkov(p: HmmParams, s: SuffStats, pr: MstepPriors): void {
  const k = p.nStates;
  const newStart = new Float64Array(k);
  for (let j = 0; j < k; j++) newStart[j] = p.startProb[j] === 0 ? 0 : Math.max(pr.startProbPrior - 1 + s.start[j], 0);
  if (normalizeRow(newStart, 0, k)) p.startProb.set(newStart);
  const row = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const sticky = i === j ? pr.selfTransitionPseudoCount : 0;
      row[j] = p.transMat[i * k + j] === 0 ? 0 : Math.max(pr.transMatPrior - 1 + sticky + s.trans[i * k + j], 0);
    }
    if (normalizeRow(row, 0, k)) p.transMat.set(row, i * k);
  }
}

/**
 * Gaussian update with mu_k = S1_k / N_k and
 * diag: var_kd = (c + S2_kd - 2 mu_kd S1_kd + mu_kd^2 N_k) / max(max(w - 1, 0) + N_k, 1e-5);
 * full: Sigma_k = (c + S2_k - S1_k mu_k^T - mu_k S1_k^T + N_k mu_k mu_k^T) / (max(w - D, 0) + N_k),
 * c added to every element (hmmlearn `GaussianHMM._do_mstep`, means prior weight 0).
 */
export function mstepGaussian(p: HmmParams, s: SuffStats, pr: MstepPriors): void {
  const k = p.nStates;
  const d = p.nFeatures;
  const full = p.covariance === 'full';
  const c0 = pr.covarsPrior;
  for (let c = 0; c < k; c++) {
    const n = s.nk[c];
    if (!(n >= MIN_STATE_WEIGHT)) continue;
    const mo = c * d;
    for (let a = 0; a < d; a++) p.means[mo + a] = s.sumX[mo + a] / n;
    if (!full) {
      const den = Math.max(Math.max(pr.covarsWeight - 1, 0) + n, 1e-5);
      for (let a = 0; a < d; a++) {
        const mu = p.means[mo + a];
        const num = c0 + s.sumXX[mo + a] - 2 * mu * s.sumX[mo + a] + mu * mu * n;
        p.covars[mo + a] = Math.max(num / den, pr.varianceFloor);
      }
    } else {
      const den = Math.max(pr.covarsWeight - d, 0) + n;
      const co = c * d * d;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const ma = p.means[mo + a];
          const mb = p.means[mo + b];
          const num = c0 + s.sumXX[co + a * d + b] - s.sumX[mo + a] * mb - ma * s.sumX[mo + b] + n * ma * mb;
          p.covars[co + a * d + b] = num / den;
        }
      }
      if (pr.varianceFloor > 0) {
        for (let a = 0; a < d; a++) p.covars[co + a * d + a] = Math.max(p.covars[co + a * d + a], pr.varianceFloor);
      }
    }
  }
}

/** Full M-step: Markov chain, then emissions. Mutates `p`. */
export function mstep(p: HmmParams, s: SuffStats, pr: MstepPriors = DEFAULT_PRIORS): void {
  mstepMarkov(p, s, pr);
  mstepGaussian(p, s, pr);
}
