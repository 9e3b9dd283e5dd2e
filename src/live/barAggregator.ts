// Builds fixed-interval OHLCV bars from a stream of trades aligned to the exchange clock: a bar covers
// [start, start + barMs) with start a multiple of barMs since the epoch, and closes when a later trade
// arrives or when the clock passes its end (a timer), so a quiet interval still closes its bar.

import { TxbotError, type Bar } from '../domain/index.ts';

/** How intervals without any trade are reported. */
export type EmptyBarPolicy = 'flat' | 'skip';

export interface BarAggregatorOptions {
  /** Bar length, ms (e.g. 300 000 for 5-minute bars). */
  readonly barMs: number;
  /**
   * 'flat': an interval without trades closes as a bar at the previous close with volume 0 (live);
   * 'skip': it produces no bar (replay parity with a bar file that has no such rows).
   */
  readonly emptyBars?: EmptyBarPolicy;
  /**
   * At most this many consecutive empty bars are reported; longer silences (session breaks, weekends)
   * report none beyond it (default 12, one hour of 5-minute bars).
   */
  readonly maxEmptyBars?: number;
}

interface Building {
  startMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Trade → bar aggregation. Pure: time comes in with the trade or the `closeUntil(nowMs)` call.
 * Trades older than the bar being built (late prints of a closed bar) are counted and dropped.
 * @example const agg = new BarAggregator({ barMs: 300_000 }); const closed = agg.onTrade(ts, 17000.25, 2);
 */
export class BarAggregator {
  readonly barMs: number;
  private readonly emptyBars: EmptyBarPolicy;
  private readonly maxEmptyBars: number;
  private building: Building | null = null;
  /** End of the last bar reported (its successor starts here), or NaN before the first. */
  private lastEndMs = Number.NaN;
  private lastClose = Number.NaN;
  private emptyRun = 0;
  private late = 0;

  constructor(options: BarAggregatorOptions) {
    if (!(options.barMs > 0) || !Number.isInteger(options.barMs)) {
      throw new TxbotError('INVALID_BAR_INTERVAL', `bar aggregator: barMs must be a positive integer (got ${options.barMs})`);
    }
    this.barMs = options.barMs;
    this.emptyBars = options.emptyBars ?? 'flat';
    this.maxEmptyBars = Math.max(0, options.maxEmptyBars ?? 12);
  }

  /** Start of the interval containing `tsMs`. */
  bucketOf(tsMs: number): number {
    return Math.floor(tsMs / this.barMs) * this.barMs;
  }

  /** Trades dropped because their bar had already closed. */
  get lateTrades(): number {
    return this.late;
  }

  /** The bar being built (not yet closed), or null. */
  get current(): Bar | null {
    const b = this.building;
    return b ? { tsMs: b.startMs, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume } : null;
  }

  /** When the next bar closes by time alone (end of the bar being built or of the next empty one), or null. */
  get nextCloseMs(): number | null {
    if (this.building) return this.building.startMs + this.barMs;
    if (Number.isNaN(this.lastEndMs) || this.emptyBars === 'skip' || this.emptyRun >= this.maxEmptyBars) return null;
    return this.lastEndMs + this.barMs;
  }

  /**
   * After a market-data outage: the bars the venue's history has for the gap replace what the stream
   * would have built. The bar being built when the stream broke is dropped (its trades are incomplete),
   * as is every bar from the gap the history lacks (unknown, never made up); trades of the interval in
   * progress at `nowMs` are dropped too (its start was missed), so the next bar built is the next whole
   * one. Returns the history bars to report (oldest first) and the intervals left unknown.
   */
  fillGap(history: readonly Bar[], nowMs: number): { bars: Bar[]; unknown: { fromMs: number; toMs: number }[] } {
    const from = Number.isNaN(this.lastEndMs) ? (this.building?.startMs ?? Number.NaN) : this.lastEndMs;
    const current = this.bucketOf(nowMs);
    this.building = null;
    const bars = history.filter((b) => (Number.isNaN(from) || b.tsMs >= from) && b.tsMs + this.barMs <= current).sort((a, b) => a.tsMs - b.tsMs);
    const unknown: { fromMs: number; toMs: number }[] = [];
    let cursor = from;
    for (const b of bars) {
      if (!Number.isNaN(cursor) && b.tsMs > cursor) unknown.push({ fromMs: cursor, toMs: b.tsMs });
      cursor = b.tsMs + this.barMs;
    }
    if (!Number.isNaN(cursor) && cursor < current) unknown.push({ fromMs: cursor, toMs: current });
    const last = bars.at(-1);
    if (last) this.lastClose = last.close;
    // The interval in progress is unknown too: it starts again with the next one.
    unknown.push({ fromMs: current, toMs: current + this.barMs });
    this.lastEndMs = current + this.barMs;
    this.emptyRun = 0;
    return { bars, unknown };
  }

  /** Sets where the next bar starts and its reference close (after warm-up from history). */
  seed(lastBar: Bar): void {
    this.lastEndMs = lastBar.tsMs + this.barMs;
    this.lastClose = lastBar.close;
  }

  /** Adds one trade; returns the bars it closes (oldest first). */
  onTrade(tsMs: number, price: number, volume: number): Bar[] {
    const start = this.bucketOf(tsMs);
    const closed: Bar[] = [];
    const b = this.building;
    if (b && start < b.startMs) {
      this.late++;
      return closed;
    }
    if (!b && !Number.isNaN(this.lastEndMs) && start < this.lastEndMs) {
      this.late++;
      return closed;
    }
    if (b && start > b.startMs) closed.push(this.closeBuilding());
    if (!this.building) {
      this.fillEmpty(start, closed);
      this.emptyRun = 0;
      this.building = { startMs: start, open: price, high: price, low: price, close: price, volume };
      return closed;
    }
    const cur = this.building;
    if (price > cur.high) cur.high = price;
    if (price < cur.low) cur.low = price;
    cur.close = price;
    cur.volume += volume;
    return closed;
  }

  /** Closes every bar that ends at or before `nowMs` (the timer path); returns them oldest first. */
  closeUntil(nowMs: number): Bar[] {
    const closed: Bar[] = [];
    if (this.building && this.building.startMs + this.barMs <= nowMs) closed.push(this.closeBuilding());
    if (!this.building) this.fillEmpty(this.bucketOf(nowMs), closed);
    return closed;
  }

  private closeBuilding(): Bar {
    const b = this.building!;
    this.building = null;
    this.lastEndMs = b.startMs + this.barMs;
    this.lastClose = b.close;
    return { tsMs: b.startMs, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
  }

  /** Reports empty intervals from the last bar's end up to (not including) `untilStartMs`. */
  private fillEmpty(untilStartMs: number, closed: Bar[]): void {
    if (Number.isNaN(this.lastEndMs)) return;
    if (this.emptyBars === 'skip') {
      if (untilStartMs > this.lastEndMs) this.lastEndMs = untilStartMs;
      return;
    }
    while (this.lastEndMs < untilStartMs) {
      const c = this.lastClose;
      if (this.emptyRun < this.maxEmptyBars) {
        closed.push({ tsMs: this.lastEndMs, open: c, high: c, low: c, close: c, volume: 0 });
        this.emptyRun++;
      }
      this.lastEndMs += this.barMs;
    }
  }
}
