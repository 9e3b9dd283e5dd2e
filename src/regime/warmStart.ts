// Warm start: a trained model's HMM parameters re-expressed in another standardization, as the EM start of
// the next fit on overlapping data (walk-forward `walk_forward.warm_start_every`): one EM run, no k-means restarts.

import { ModelError } from '../domain/index.ts';
import type { Standardization } from './features/index.ts';
import type { HmmParams } from './hmmParams.ts';
import type { RegimeModel } from './modelStore.ts';

/** Share of uniform mixed into the start and transition probabilities, so no probability starts at exactly 0 (EM keeps zeros). */
export const WARM_START_SMOOTHING = 1e-3;

/**
 * `prev`'s parameters for data standardized by `to`: means (x - mean) / std and covariances scaled per feature,
 * from `prev`'s own standardization; start and transition probabilities smoothed by WARM_START_SMOOTHING.
 * Throws ModelError when the feature lists differ.
 */
export function warmStartParams(prev: RegimeModel, featureNames: readonly string[], to: Standardization): HmmParams {
  const p = prev.params;
  if (prev.features.names.join(',') !== featureNames.join(',')) {
    throw new ModelError(
      'HMM_WARM_START_SHAPE',
      `warm start: the previous model has features ${prev.features.names.join(', ')} (expected ${featureNames.join(', ')})`,
    );
  }
  const k = p.nStates;
  const d = p.nFeatures;
  const from = prev.standardization;
  const ratio = from.std.map((s, j) => s / to.std[j]);
  const means = new Float64Array(k * d);
  for (let s = 0; s < k; s++) {
    for (let j = 0; j < d; j++) means[s * d + j] = (p.means[s * d + j] * from.std[j] + from.mean[j] - to.mean[j]) / to.std[j];
  }
  const covars = new Float64Array(p.covars.length);
  for (let s = 0; s < k; s++) {
    for (let a = 0; a < d; a++) {
      if (p.covariance === 'diag') covars[s * d + a] = p.covars[s * d + a] * ratio[a] * ratio[a];
      else for (let b = 0; b < d; b++) covars[s * d * d + a * d + b] = p.covars[s * d * d + a * d + b] * ratio[a] * ratio[b];
    }
  }
  const smooth = (x: number): number => (1 - WARM_START_SMOOTHING) * x + WARM_START_SMOOTHING / k;
  return {
    nStates: k,
    nFeatures: d,
    covariance: p.covariance,
    startProb: Float64Array.from(p.startProb, smooth),
    transMat: Float64Array.from(p.transMat, smooth),
    means,
    covars,
  };
}
