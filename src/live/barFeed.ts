// Live bar source: market trades → one BarAggregator per instrument on the exchange clock, with a timer
// that closes bars at their end (plus a grace for late prints) even when no further trade arrives. The
// bars of one instant are released together as one step once every instrument is known through it (a
// later trade of that instrument, or the timer), so a several-instrument session processes them in the
// same groups and order as a backtest of the merged files. While the market stream is down the timer
// makes no bars (none are made up); after it is back the gap is filled from history.

import type { Logger } from 'pino';
import type { Bar } from '../domain/index.ts';
import type { LaneBar } from '../engine/index.ts';
import type { BarAggregator } from './barAggregator.ts';
import type { ExchangeClock } from './liveClock.ts';

/** One instrument of the feed. */
export interface FeedLane {
  readonly symbol: string;
  readonly aggregator: BarAggregator;
}

export interface LiveBarFeedOptions {
  /** One instrument (its symbol defaults to '') … */
  readonly aggregator?: BarAggregator;
  /** … or several, in the order bars of one instant are processed (the session's lane order). */
  readonly lanes?: readonly FeedLane[];
  readonly clock: ExchangeClock;
  /** Closed bars, oldest first, one call per bar (a single-instrument feed's consumer). */
  readonly onBar?: (bar: Bar, symbol: string) => void;
  /** The bars of one instant, in lane order, oldest instant first (a several-instrument session). */
  readonly onStep?: (bars: readonly LaneBar[]) => void;
  /** Called after each timer wake-up, bar or not (the runner's risk clock: flat time during an outage). */
  readonly onTick?: () => void;
  /** Exchange ms after a bar's end before the timer closes it (late prints still count); default 500. */
  readonly graceMs?: number;
  /** Longest single timer wait, exchange ms (default 1 000; bounds how late `stop` is noticed). */
  readonly maxWaitMs?: number;
  readonly logger: Logger;
}

interface LaneState {
  readonly symbol: string;
  readonly aggregator: BarAggregator;
  /** Every interval starting before this is closed for the lane (its bar, if any, is pending or out). */
  knownMs: number;
  /** Trades that arrived while paused (after the stream came back, before the gap was filled). */
  held: { tsMs: number; price: number; volume: number }[];
}

/** Feeds trades in, emits closed bars by instant; `start()` runs the close timer until `stop()`. */
export class LiveBarFeed {
  private readonly o: LiveBarFeedOptions;
  private readonly lanes: LaneState[];
  private readonly bySymbol = new Map<string, LaneState>();
  private readonly barMs: number;
  /** Closed bars not yet released, by bar start. */
  private readonly pending = new Map<number, (Bar | null)[]>();
  /** The newest instant released: a bar at or before it is late (never released twice or out of order). */
  private releasedThroughMs = Number.NEGATIVE_INFINITY;
  private lateBars = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private lastTradeMs = Number.NaN;
  private paused = false;

  constructor(options: LiveBarFeedOptions) {
    this.o = options;
    const lanes = options.lanes ?? (options.aggregator ? [{ symbol: '', aggregator: options.aggregator }] : []);
    if (lanes.length === 0) throw new Error('LiveBarFeed: an aggregator or at least one lane is required');
    this.lanes = lanes.map((l) => ({ symbol: l.symbol, aggregator: l.aggregator, knownMs: Number.NEGATIVE_INFINITY, held: [] }));
    for (const l of this.lanes) this.bySymbol.set(l.symbol, l);
    this.barMs = lanes[0]!.aggregator.barMs;
    if (lanes.some((l) => l.aggregator.barMs !== this.barMs)) throw new Error('LiveBarFeed: every lane must have the same bar length');
  }

  /** Closed bars dropped because their instant had already been released (a lane without a start point, late prints). */
  get lateBarCount(): number {
    return this.lateBars;
  }

  /** Exchange time of the last trade seen, any instrument (NaN before the first). */
  get lastTradeTsMs(): number {
    return this.lastTradeMs;
  }

  /** One market trade (exchange timestamp, UTC ms) of `symbol` (omit for a single-instrument feed). */
  trade(tsMs: number, price: number, volume: number, symbol?: string): void {
    const lane = this.lane(symbol);
    this.o.clock.observe(tsMs);
    this.lastTradeMs = tsMs;
    if (this.paused) {
      lane.held.push({ tsMs, price, volume });
      return;
    }
    this.take(lane, lane.aggregator.onTrade(tsMs, price, volume));
    // Later trades of a closed interval are dropped as late: every interval before this one is known.
    lane.knownMs = Math.max(lane.knownMs, lane.aggregator.bucketOf(tsMs));
    this.release();
  }

  /** A quote only moves the exchange clock (bars are built from trades). */
  quote(tsMs: number): void {
    this.o.clock.observe(tsMs);
  }

  /** Closes every bar whose end plus the grace has passed on the exchange clock (nothing while paused). */
  poll(): void {
    if (this.paused) return;
    const until = this.o.clock.nowMs() - (this.o.graceMs ?? 500);
    for (const lane of this.lanes) {
      this.take(lane, lane.aggregator.closeUntil(until));
      lane.knownMs = Math.max(lane.knownMs, lane.aggregator.bucketOf(until));
    }
    this.release();
  }

  /** The market stream broke: no bar is closed by time until `resume` (an outage is not a quiet market). */
  pause(): void {
    this.paused = true;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * The stream is back: the bars `history` has for the gap (per symbol for several instruments; a plain
   * list for one) are reported as closed bars, the rest of the gap (and the interval in progress) is
   * unknown; returns those intervals (with the symbol).
   */
  resume(history: readonly Bar[] | ReadonlyMap<string, readonly Bar[]>): { symbol: string; fromMs: number; toMs: number }[] {
    const nowMs = this.o.clock.nowMs();
    const unknownAll: { symbol: string; fromMs: number; toMs: number }[] = [];
    this.paused = false;
    for (const lane of this.lanes) {
      const own = Array.isArray(history) ? history : ((history as ReadonlyMap<string, readonly Bar[]>).get(lane.symbol) ?? []);
      const { bars, unknown } = lane.aggregator.fillGap(own, nowMs);
      this.take(lane, bars);
      // The interval in progress is dropped too: nothing before its successor can come any more.
      lane.knownMs = Math.max(lane.knownMs, lane.aggregator.bucketOf(nowMs) + this.barMs);
      for (const u of unknown) unknownAll.push({ symbol: lane.symbol, ...u });
    }
    this.release();
    // Held trades of the interval in progress are late now (dropped); later ones build the next bars.
    for (const lane of this.lanes) {
      const held = lane.held;
      lane.held = [];
      for (const t of held) {
        this.take(lane, lane.aggregator.onTrade(t.tsMs, t.price, t.volume));
        lane.knownMs = Math.max(lane.knownMs, lane.aggregator.bucketOf(t.tsMs));
      }
    }
    this.release();
    return unknownAll;
  }

  /** Starts the close timer. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the timer (resolves once its current wait ended). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private lane(symbol: string | undefined): LaneState {
    if (symbol === undefined) {
      if (this.lanes.length !== 1) throw new Error('LiveBarFeed: a several-instrument feed needs the symbol of each trade');
      return this.lanes[0]!;
    }
    const lane = this.bySymbol.get(symbol);
    if (!lane) throw new Error(`LiveBarFeed: no lane for ${symbol}`);
    return lane;
  }

  /** Holds closed bars until their instant is known for every lane. */
  private take(lane: LaneState, bars: readonly Bar[]): void {
    const i = this.lanes.indexOf(lane);
    for (const b of bars) {
      if (b.tsMs <= this.releasedThroughMs) {
        this.lateBars++;
        this.o.logger.warn(
          { symbol: lane.symbol, tsMs: b.tsMs, releasedThroughMs: this.releasedThroughMs },
          'bar of an instant already released: dropped',
        );
        continue;
      }
      let slots = this.pending.get(b.tsMs);
      if (!slots) {
        slots = this.lanes.map(() => null);
        this.pending.set(b.tsMs, slots);
      }
      slots[i] = b;
    }
  }

  /** Releases every pending instant that every lane is known through, oldest first. */
  private release(): void {
    if (this.pending.size === 0) return;
    let known = Number.POSITIVE_INFINITY;
    for (const l of this.lanes) known = Math.min(known, l.knownMs);
    const ready = [...this.pending.keys()].filter((t) => t < known).sort((a, b) => a - b);
    for (const t of ready) {
      const slots = this.pending.get(t)!;
      this.pending.delete(t);
      this.releasedThroughMs = t;
      const step: LaneBar[] = [];
      for (let i = 0; i < slots.length; i++) if (slots[i]) step.push({ symbol: this.lanes[i]!.symbol, bar: slots[i]! });
      for (const { symbol, bar } of step) this.o.logger.debug({ symbol, tsMs: bar.tsMs, close: bar.close, volume: bar.volume }, 'bar closed');
      if (this.o.onStep) this.o.onStep(step);
      if (this.o.onBar) for (const { symbol, bar } of step) this.o.onBar(bar, symbol);
    }
  }

  private async run(): Promise<void> {
    const grace = this.o.graceMs ?? 500;
    const maxWait = this.o.maxWaitMs ?? 1_000;
    while (this.running) {
      this.poll();
      this.o.onTick?.();
      let next: number | null = null;
      for (const l of this.lanes) {
        const n = l.aggregator.nextCloseMs;
        if (n !== null && (next === null || n < next)) next = n;
      }
      const wait = next === null ? maxWait : Math.max(1, next + grace - this.o.clock.nowMs());
      await this.o.clock.sleep(Math.min(wait, maxWait));
    }
  }
}
