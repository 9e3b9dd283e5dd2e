// Regime labels for HMM states: states sorted by the mean of the return feature (highest first) take
// the configured labels in order (5: STRONG_BULL..CRASH, 7: STRONG_BULL..CRASH with SOFT_* states).

import type { Config } from '../config/index.ts';
import { DataError } from '../domain/errors.ts';
import { DAY_MS } from '../domain/time.ts';
import { regimeLabelsFor, type RegimeLabel } from '../domain/regime.ts';
import { covarSize, type HmmParams } from './hmmParams.ts';

/** Minimum span of training data for a 7-state model: 3 months (taken as 90 calendar days). */
export const MIN_DAYS_FOR_7_STATES = 90;

/** Labels most bullish first for `nStates` (5 or 7), from config `state_labels.five/seven` when given. */
export function labelsInOrder(nStates: number, stateLabels?: Config['state_labels']): readonly RegimeLabel[] {
  if (stateLabels && nStates === 5) return stateLabels.five;
  if (stateLabels && nStates === 7) return stateLabels.seven;
  return regimeLabelsFor(nStates);
}

/** State indices ordered by the mean of feature `returnIndex`, highest first (ties: lower index first). */
export function statesByMeanReturn(p: HmmParams, returnIndex: number): number[] {
  const d = p.nFeatures;
  const idx = Array.from({ length: p.nStates }, (_, i) => i);
  return idx.sort((a, b) => p.means[b * d + returnIndex] - p.means[a * d + returnIndex] || a - b);
}

/** Parameters with states renumbered so new state i is old state `order[i]`. */
export function permuteStates(p: HmmParams, order: readonly number[]): HmmParams {
  const k = p.nStates;
  const d = p.nFeatures;
  const cs = covarSize(p.covariance, d);
  const startProb = new Float64Array(k);
  const transMat = new Float64Array(k * k);
  const means = new Float64Array(k * d);
  const covars = new Float64Array(k * cs);
  for (let i = 0; i < k; i++) {
    const o = order[i];
    startProb[i] = p.startProb[o];
    for (let j = 0; j < k; j++) transMat[i * k + j] = p.transMat[o * k + order[j]];
    means.set(p.means.subarray(o * d, o * d + d), i * d);
    covars.set(p.covars.subarray(o * cs, o * cs + cs), i * cs);
  }
  return { ...p, startProb, transMat, means, covars };
}

/**
 * Refuses a 7-state model on less than 3 months of data (too few regime episodes to tell seven
 * states apart); DataError naming the span found.
 */
export function requireDataForStates(nStates: number, fromTsMs: number, toTsMs: number): void {
  if (nStates !== 7) return;
  const days = (toTsMs - fromTsMs) / DAY_MS;
  if (days < MIN_DAYS_FOR_7_STATES) {
    throw new DataError(
      'HMM_TOO_LITTLE_DATA',
      `hmm.n_states: 7 needs at least 3 months (${MIN_DAYS_FOR_7_STATES} days) of training data (got ${days.toFixed(1)} days)`,
      [],
      {
        hint: 'use hmm.n_states: 5, or widen --from/--to',
      },
    );
  }
}
