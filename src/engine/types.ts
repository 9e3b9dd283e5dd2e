// The regime source the engine depends on, and the decision record it produces per bar.

import type { Bar } from '../domain/bar.ts';
import type { RegimeInfo, RegimeLabel } from '../domain/regime.ts';

/** Gives the filtered regime of each bar (null during warm-up or for bars it ignores). */
export interface RegimeSource {
  predictRegime(bar: Bar): RegimeInfo | null;
}

/** One line of decisions.jsonl: the bar, its regime and what the engine did or why not. */
export interface DecisionRecord {
  /** Decision instant: the bar's close (UTC ms). */
  readonly tsMs: number;
  readonly close: number;
  readonly regime: RegimeLabel | null;
  readonly confidence: number | null;
  readonly probs: readonly number[] | null;
  readonly action: 'none' | 'enter' | 'flatten' | 'hold' | 'cancel';
  readonly code: string;
  readonly reason: string;
}
