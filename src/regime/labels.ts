// Regime labels for HMM states: states ordered by `hmm.label_by` (default: the mean of the return feature,
// highest first) take the configured labels in order (5: STRONG_BULL..CRASH, 7: with SOFT_* states).

import type { Config } from '../config/index.ts';
import { DataError, DAY_MS, regimeLabelsFor, type RegimeLabel } from '../domain/index.ts';
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

/** How states are ordered before they take the labels (config `hmm.label_by`). */
export type LabelBy = 'mean_return' | 'sharpe' | 'volatility_then_return';

/** Mean and standard deviation of the return feature of each state, in original units. */
function returnMoments(p: HmmParams, returnIndex: number, std: { readonly mean: ArrayLike<number>; readonly std: ArrayLike<number> }) {
  const d = p.nFeatures;
  const m = std.mean[returnIndex]!;
  const s = std.std[returnIndex]!;
  return Array.from({ length: p.nStates }, (_, k) => {
    const v = p.covariance === 'diag' ? p.covars[k * d + returnIndex]! : p.covars[k * d * d + returnIndex * d + returnIndex]!;
    return { mean: m + s * p.means[k * d + returnIndex]!, sd: s * Math.sqrt(v) };
  });
}

/**
 * State indices in label order (most bullish first) by `labelBy`:
 * - mean_return: mean of the return feature, highest first (the seed's rule);
 * - sharpe: mean ÷ standard deviation of the return feature, highest first;
 * - volatility_then_return: the most volatile state takes the last label (CRASH), the others are
 *   ordered by mean return.
 * Ties: lower index first. `standardization` maps the standardized parameters back to original units.
 */
export function statesInLabelOrder(
  p: HmmParams,
  returnIndex: number,
  labelBy: LabelBy,
  standardization: { readonly mean: ArrayLike<number>; readonly std: ArrayLike<number> },
): number[] {
  if (labelBy === 'mean_return') return statesByMeanReturn(p, returnIndex);
  const mo = returnMoments(p, returnIndex, standardization);
  const idx = Array.from({ length: p.nStates }, (_, i) => i);
  if (labelBy === 'sharpe') return idx.sort((a, b) => mo[b]!.mean / mo[b]!.sd - mo[a]!.mean / mo[a]!.sd || a - b);
  let wild = 0;
  for (const i of idx) if (mo[i]!.sd > mo[wild]!.sd) wild = i;
  return [...statesByMeanReturn(p, returnIndex).filter((i) => i !== wild), wild];
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
