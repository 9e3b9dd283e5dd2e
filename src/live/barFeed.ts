// Live bar source: market trades → BarAggregator on the exchange clock, with a timer that closes a bar
// at its end (plus a grace for late prints) even when no further trade arrives. While the market stream
// is down the timer makes no bars (none are made up); after it is back the gap is filled from history.

import type { Logger } from 'pino';
import type { Bar } from '../domain/index.ts';
import type { BarAggregator } from './barAggregator.ts';
import type { ExchangeClock } from './liveClock.ts';

export interface LiveBarFeedOptions {
  readonly aggregator: BarAggregator;
  readonly clock: ExchangeClock;
  /** Closed bars, oldest first (the runner queues them). */
  readonly onBar: (bar: Bar) => void;
  /** Called after each timer wake-up, bar or not (the runner's risk clock: flat time during an outage). */
  readonly onTick?: () => void;
  /** Exchange ms after a bar's end before the timer closes it (late prints still count); default 500. */
  readonly graceMs?: number;
  /** Longest single timer wait, exchange ms (default 1 000; bounds how late `stop` is noticed). */
  readonly maxWaitMs?: number;
  readonly logger: Logger;
}

/** Feeds trades in, emits closed bars; `start()` runs the close timer until `stop()`. */
export class LiveBarFeed {
  private readonly o: LiveBarFeedOptions;
  private running = false;
  private loop: Promise<void> | null = null;
  private lastTradeMs = Number.NaN;
  private paused = false;
  /** Trades that arrived while paused (after the stream came back, before the gap was filled). */
  private held: { tsMs: number; price: number; volume: number }[] = [];

  constructor(options: LiveBarFeedOptions) {
    this.o = options;
  }

  /** Exchange time of the last trade seen (NaN before the first). */
  get lastTradeTsMs(): number {
    return this.lastTradeMs;
  }

  /** One market trade (exchange timestamp, UTC ms). */
  trade(tsMs: number, price: number, volume: number): void {
    this.o.clock.observe(tsMs);
    this.lastTradeMs = tsMs;
    if (this.paused) this.held.push({ tsMs, price, volume });
    else this.emit(this.o.aggregator.onTrade(tsMs, price, volume));
  }

  /** A quote only moves the exchange clock (bars are built from trades). */
  quote(tsMs: number): void {
    this.o.clock.observe(tsMs);
  }

  /** Closes every bar whose end plus the grace has passed on the exchange clock (nothing while paused). */
  poll(): void {
    if (this.paused) return;
    this.emit(this.o.aggregator.closeUntil(this.o.clock.nowMs() - (this.o.graceMs ?? 500)));
  }

  /** The market stream broke: no bar is closed by time until `resume` (an outage is not a quiet market). */
  pause(): void {
    this.paused = true;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * The stream is back: the bars `history` has for the gap are reported as closed bars, the rest of the
   * gap (and the interval in progress) is unknown; returns those intervals.
   */
  resume(history: readonly Bar[]): { fromMs: number; toMs: number }[] {
    const { bars, unknown } = this.o.aggregator.fillGap(history, this.o.clock.nowMs());
    this.paused = false;
    this.emit(bars);
    // Held trades of the interval in progress are late now (dropped); later ones build the next bars.
    const held = this.held;
    this.held = [];
    for (const t of held) this.emit(this.o.aggregator.onTrade(t.tsMs, t.price, t.volume));
    return unknown;
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

  private async run(): Promise<void> {
    const grace = this.o.graceMs ?? 500;
    const maxWait = this.o.maxWaitMs ?? 1_000;
    while (this.running) {
      this.poll();
      this.o.onTick?.();
      const next = this.o.aggregator.nextCloseMs;
      const wait = next === null ? maxWait : Math.max(1, next + grace - this.o.clock.nowMs());
      await this.o.clock.sleep(Math.min(wait, maxWait));
    }
  }

  private emit(bars: readonly Bar[]): void {
    for (const b of bars) {
      this.o.logger.debug({ tsMs: b.tsMs, close: b.close, volume: b.volume }, 'bar closed');
      this.o.onBar(b);
    }
  }
}
