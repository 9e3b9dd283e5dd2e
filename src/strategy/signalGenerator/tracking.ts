// Small per-instrument trackers the engine keeps for the generator: regime-run start and entries per regime per session.

import type { RegimeLabel } from '../../domain/index.ts';

/**
 * Start instant of the current regime run: the tsMs of the first bar of the latest uninterrupted
 * stretch with the same label (e.g. the crash start, for the anchored VWAP).
 */
export class RegimeRunTracker {
  private label: RegimeLabel | null = null;
  private start = 0;

  /** Feeds one bar's regime; returns the current run's start tsMs. */
  update(tsMs: number, regime: RegimeLabel): number {
    if (regime !== this.label) {
      this.label = regime;
      this.start = tsMs;
    }
    return this.start;
  }

  get runStartTsMs(): number | null {
    return this.label === null ? null : this.start;
  }
}

/** Entries per regime label within one session (keyed by trading date); resets when the date changes. */
export class SessionTradeCounter {
  private date: string | null = null;
  private readonly counts = new Map<RegimeLabel, number>();

  /** Entries taken in `regime` on `tradingDate`. */
  count(tradingDate: string, regime: RegimeLabel): number {
    return tradingDate === this.date ? (this.counts.get(regime) ?? 0) : 0;
  }

  /** Records one entry (call when the risk manager commits it). */
  record(tradingDate: string, regime: RegimeLabel): void {
    if (tradingDate !== this.date) {
      this.date = tradingDate;
      this.counts.clear();
    }
    this.counts.set(regime, (this.counts.get(regime) ?? 0) + 1);
  }
}
