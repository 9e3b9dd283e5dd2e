// Session boundaries the engine needs per trading date: entry session start/end and the forced-flat instant.

import type { Config } from '../config/index.ts';
import { localToUtc, minutesOfClock, DAY_MS, MINUTE_MS, isEarlyCloseDate } from '../domain/index.ts';

/** Computes (and caches per trading day) when positions must be flat on a trading date. */
export class SessionClock {
  private readonly rthOnly: boolean;
  private readonly rthEndMin: number;
  private readonly zone: string;
  private readonly flatMin: number;
  private readonly flatZone: string;
  private readonly earlyMin: number | null;
  private cacheDay = Number.NaN;
  private cacheEnd = 0;

  constructor(session: Config['session']) {
    this.rthOnly = session.rth_only;
    this.rthEndMin = minutesOfClock(session.rth_end);
    this.zone = session.timezone;
    this.flatMin = minutesOfClock(session.flat_time);
    this.flatZone = session.flat_timezone;
    this.earlyMin = session.early_close_time === null ? null : minutesOfClock(session.early_close_time);
  }

  /**
   * Instant by which every position must be flat on the trading day `tradingDay` (days since epoch):
   * the Topstep flat time (the early close on a CME early-close date, session.early_close_time), or the
   * regular-session end when trading RTH only, whichever is earlier.
   */
  sessionEndMs(tradingDay: number): number {
    if (tradingDay !== this.cacheDay) {
      this.cacheDay = tradingDay;
      const date = new Date(tradingDay * DAY_MS);
      const early = this.earlyMin !== null && isEarlyCloseDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      const flatMin = early ? Math.min(this.flatMin, this.earlyMin!) : this.flatMin;
      const flat = localToUtc(this.flatZone, tradingDay * DAY_MS + flatMin * MINUTE_MS)!;
      const rthEnd = localToUtc(this.zone, tradingDay * DAY_MS + this.rthEndMin * MINUTE_MS)!;
      this.cacheEnd = this.rthOnly ? Math.min(flat, rthEnd) : flat;
    }
    return this.cacheEnd;
  }
}
