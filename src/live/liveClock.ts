// The live loop's time seam: an exchange clock that follows the market's own timestamps (trade times)
// on top of a base Clock, so bar timers fire on exchange time whether the feed is real or replayed.

import type { Clock } from '../domain/index.ts';

export type { Clock } from '../domain/index.ts';
export { systemClock, ManualClock } from '../domain/index.ts';

/**
 * Exchange time estimated from the last market timestamp seen:
 * now = anchorExchangeMs + (base.now − anchorBaseMs) · rate, re-anchored by `observe(tsMs)`.
 * The first observation anchors unconditionally (a replayed feed may be years behind the wall clock);
 * later ones only move it forward, so the estimate never runs backwards. Before any observation it is
 * the base clock. `sleep(ms)` waits ms of exchange time (ms / rate of base time).
 */
export class ExchangeClock implements Clock {
  private anchorExchangeMs: number | null = null;
  private anchorBaseMs = 0;

  constructor(
    private readonly base: Clock,
    /** Exchange ms per base ms (1 for a live feed). */
    private readonly rate = 1,
  ) {}

  nowMs(): number {
    if (this.anchorExchangeMs === null) return this.base.nowMs();
    return this.anchorExchangeMs + (this.base.nowMs() - this.anchorBaseMs) * this.rate;
  }

  sleep(ms: number): Promise<void> {
    return this.base.sleep(Math.max(0, ms) / this.rate);
  }

  /** Feeds an exchange timestamp (UTC ms) from a trade or quote. */
  observe(tsMs: number): void {
    if (!Number.isFinite(tsMs)) return;
    if (this.anchorExchangeMs === null || tsMs > this.nowMs()) {
      this.anchorExchangeMs = tsMs;
      this.anchorBaseMs = this.base.nowMs();
    }
  }
}
