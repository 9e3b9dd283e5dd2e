// Sentiment input in [-1, 1] (a plug-in source, neutral by default) and its size modifier per regime.

import type { RegimeLabel } from '../../domain/index.ts';

/** Where the session's news sentiment comes from; the default returns 0 (neutral). */
// PLUG: sentiment_score
export interface SentimentSource {
  /** Sentiment in [-1, 1] known at `tsMs` (no look-ahead). */
  scoreAt(tsMs: number): number;
}

/** The default source: always neutral. */
export const NEUTRAL_SENTIMENT: SentimentSource = { scoreAt: () => 0 };

/** Settings: config `filters.sentiment`. */
export interface SentimentConfig {
  /** |score| at or above which news counts as strong. */
  readonly threshold: number;
  /** Multiplier applied against strong opposing news. */
  readonly reduceMultiplier: number;
}

const BULLISH: ReadonlySet<RegimeLabel> = new Set(['STRONG_BULL', 'BULL', 'SOFT_BULL']);
const BEARISH: ReadonlySet<RegimeLabel> = new Set(['BEAR', 'CRASH', 'SOFT_BEAR']);

/**
 * News size multiplier: `reduceMultiplier` when news strongly opposes the regime's trade —
 * score <= −threshold in a bullish regime (STRONG_BULL, BULL, SOFT_BULL: long size), or
 * score >= +threshold in a bearish one (BEAR, CRASH, SOFT_BEAR: short or bounce size); else 1.
 * A non-finite score counts as 0; scores are clamped to [-1, 1]; a score of 0 never reduces.
 */
export function sentimentSizeMultiplier(score: number, regime: RegimeLabel, cfg: SentimentConfig): number {
  const s = Number.isFinite(score) ? Math.max(-1, Math.min(1, score)) : 0;
  if (BULLISH.has(regime) && s < 0 && s <= -cfg.threshold) return cfg.reduceMultiplier;
  if (BEARISH.has(regime) && s > 0 && s >= cfg.threshold) return cfg.reduceMultiplier;
  return 1;
}
