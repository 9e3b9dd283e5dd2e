// Regime labels for 5- and 7-state models (most bullish first), what a detector reports per bar, and the
// regime source the engine reads.

import type { Bar } from './bar.ts';

export const REGIME_LABELS_5 = ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'] as const;
export const REGIME_LABELS_7 = ['STRONG_BULL', 'BULL', 'SOFT_BULL', 'NEUTRAL', 'SOFT_BEAR', 'BEAR', 'CRASH'] as const;
export const ALL_REGIME_LABELS = ['STRONG_BULL', 'BULL', 'SOFT_BULL', 'NEUTRAL', 'SOFT_BEAR', 'BEAR', 'CRASH'] as const;

export type RegimeLabel = (typeof ALL_REGIME_LABELS)[number];

/** Labels in use for a model with `nStates` states (5 or 7), most bullish first. */
export function regimeLabelsFor(nStates: number): readonly RegimeLabel[] {
  if (nStates === 5) return REGIME_LABELS_5;
  if (nStates === 7) return REGIME_LABELS_7;
  throw new RangeError(`n_states must be 5 or 7 (got ${nStates})`);
}

/** What the regime detector reports for one bar (filtered, no look-ahead). */
export interface RegimeInfo {
  /** Label of the most probable state. */
  readonly regime: RegimeLabel;
  /** Index of that state in the model. */
  readonly state: number;
  /** max filtered probability, in [0, 1]. */
  readonly confidence: number;
  /** Filtered probability per state index. */
  readonly probs: readonly number[];
  /** log p(x_t | x_1..x_{t-1}) under the model (per-bar log-likelihood). */
  readonly logLikelihood: number;
}

/**
 * Gives the filtered regime of each bar (null during warm-up or for bars it ignores). Bars come in time
 * order; the answer for a bar never depends on later bars. Implemented by RegimeDetector (fixed model),
 * SwappableRegimeDetector and the retraining controller's source.
 */
export interface RegimeSource {
  predictRegime(bar: Bar): RegimeInfo | null;
}
