// The session sentiment in [-1, 1] from journaled articles: since the previous close, deduplicated, relevance- and time-weighted.

import { previousCloseMs } from '../common/etTime.ts';
import type { PollRecord, ScoredArticle } from './article.ts';

/** Parameters of the aggregation (config `filters.sentiment`). */
export interface AggregationParams {
  readonly minArticles: number;
  readonly halfLifeMs: number;
  /** Weighted mean score that maps to ±1 (Alpha Vantage "Bullish" starts at 0.35). */
  readonly bullishScore: number;
  readonly staleAfterMs: number;
  /** "HH:MM" ET of the session close articles are counted from. */
  readonly sessionCloseEt: string;
}

/** Why a reading is what it is. */
export type ReadingReason = 'OK' | 'NO_POLL' | 'STALE' | 'TOO_FEW_ARTICLES';

/** A sentiment value with the facts behind it. */
export interface SentimentReading {
  readonly value: number;
  readonly reason: ReadingReason;
  /** Distinct articles counted. */
  readonly articles: number;
  /** Latest successful poll known at the instant (null when none since the previous close). */
  readonly lastPollMs: number | null;
  /** Previous session close: articles published before it are not counted. */
  readonly sinceMs: number;
  /** Weighted mean vendor score before scaling (NaN when not computed). */
  readonly weightedMean: number;
}

const normTitle = (t: string): string => t.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The distinct articles of `records` (ascending knownAtMs, all known by `tsMs`) published in
 * [sinceMs, tsMs]. An article seen again (same id or same normalised title) keeps its first-known
 * version, so later re-scorings by the vendor never change what an earlier instant saw.
 */
export function distinctArticles(records: readonly PollRecord[], sinceMs: number, tsMs: number): ScoredArticle[] {
  const ids = new Set<string>();
  const titles = new Set<string>();
  const out: ScoredArticle[] = [];
  for (const r of records) {
    if (r.knownAtMs > tsMs) break;
    for (const a of r.articles) {
      if (a.publishedMs < sinceMs || a.publishedMs > tsMs) continue;
      const t = normTitle(a.title);
      if (ids.has(a.id) || (t !== '' && titles.has(t))) continue;
      ids.add(a.id);
      if (t !== '') titles.add(t);
      out.push(a);
    }
  }
  return out;
}

/**
 * Session sentiment at `tsMs` from the polls known by then (`records` ascending by knownAtMs):
 *
 *   A   = distinct articles published in [previous close, tsMs]           (distinctArticles)
 *   w_a = relevance_a · 2^(−(tsMs − published_a) / halfLife)
 *   m   = Σ w_a · score_a / Σ w_a
 *   S   = clamp(m / bullishScore, −1, 1)
 *
 * and S = 0 (neutral) when no poll succeeded since the previous close (NO_POLL), the latest one is
 * older than staleAfter (STALE), or |A| < minArticles (TOO_FEW_ARTICLES).
 */
export function aggregateSentiment(records: readonly PollRecord[], tsMs: number, p: AggregationParams): SentimentReading {
  const sinceMs = previousCloseMs(tsMs, p.sessionCloseEt);
  let lastPollMs: number | null = null;
  for (const r of records) {
    if (r.knownAtMs > tsMs) break;
    if (r.knownAtMs >= sinceMs) lastPollMs = r.knownAtMs;
  }
  const neutral = (reason: ReadingReason, articles = 0): SentimentReading => ({
    value: 0,
    reason,
    articles,
    lastPollMs,
    sinceMs,
    weightedMean: Number.NaN,
  });
  if (lastPollMs === null) return neutral('NO_POLL');
  if (tsMs - lastPollMs > p.staleAfterMs) return neutral('STALE');
  const articles = distinctArticles(
    records.filter((r) => r.knownAtMs >= sinceMs),
    sinceMs,
    tsMs,
  );
  if (articles.length < p.minArticles) return neutral('TOO_FEW_ARTICLES', articles.length);
  let sw = 0;
  let sws = 0;
  for (const a of articles) {
    const w = a.relevance * Math.pow(2, -(tsMs - a.publishedMs) / p.halfLifeMs);
    sw += w;
    sws += w * a.score;
  }
  if (!(sw > 0)) return neutral('TOO_FEW_ARTICLES', articles.length);
  const m = sws / sw;
  const value = Math.max(-1, Math.min(1, m / p.bullishScore));
  return { value, reason: 'OK', articles: articles.length, lastPollMs, sinceMs, weightedMean: m };
}
