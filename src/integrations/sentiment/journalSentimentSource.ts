// SentimentSource over the journal: the value at an instant from the polls known by then (live and replay alike).

import type { SentimentSource } from '../../strategy/index.ts';
import { previousCloseMs } from '../common/etTime.ts';
import { aggregateSentiment, type AggregationParams, type SentimentReading } from './aggregateSentiment.ts';
import type { SentimentJournal } from './sentimentJournal.ts';

/**
 * The session sentiment of one instrument from `journal`. Live, the feed appends each poll before the
 * next bar asks; in a backtest the same records are read back from disk. Both answer with
 * aggregateSentiment over the records with knownAtMs <= tsMs, so a replay returns, for each bar time,
 * exactly what the live source returned then. Reads memory (and at most a day file once): no network.
 */
export class JournalSentimentSource implements SentimentSource {
  private lastTsMs = Number.NaN;
  private lastReading: SentimentReading | null = null;
  private lastCount = -1;

  constructor(
    private readonly journal: SentimentJournal,
    readonly symbol: string,
    private readonly params: AggregationParams,
  ) {}

  scoreAt(tsMs: number): number {
    return this.readingAt(tsMs).value;
  }

  /** The value at `tsMs` with the facts behind it (for decisions, the CLI and tests). */
  readingAt(tsMs: number): SentimentReading {
    const since = previousCloseMs(tsMs, this.params.sessionCloseEt);
    const records = this.journal.recordsBetween(this.symbol, since, tsMs);
    if (tsMs === this.lastTsMs && records.length === this.lastCount && this.lastReading) return this.lastReading;
    const reading = aggregateSentiment(records, tsMs, this.params);
    this.lastTsMs = tsMs;
    this.lastCount = records.length;
    this.lastReading = reading;
    return reading;
  }
}
