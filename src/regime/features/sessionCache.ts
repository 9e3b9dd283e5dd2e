// Per-bar session facts (trading day, RTH) without per-bar allocation: caches the UTC interval in
// which the answer is constant (between local midnight, the session start and end, and 18:00 ET).

import {
  EQUITY_RTH,
  EXCHANGE_ZONE,
  GLOBEX_OPEN_MINUTE_ET,
  inRth,
  sessionInfo,
  DAY_MS,
  MINUTE_MS,
  localToUtc,
  toLocalParts,
  type RthWindow,
} from '../../domain/index.ts';

/**
 * `lookup(tsMs)` sets `tradingDay` and `isRth` as `sessionInfo(tsMs)` would. A miss (about five per
 * day) calls sessionInfo and computes the interval's UTC ends with the exchange zone's DST rules;
 * none of the boundaries falls in the 02:00-03:00 DST switch hour, so each maps to one instant.
 */
export class SessionCache {
  tradingDay = Number.NaN;
  isRth = false;
  private fromMs = Number.POSITIVE_INFINITY;
  private toMs = Number.NEGATIVE_INFINITY;
  /** Local minutes at which the trading day or the RTH flag can change (plus the day ends). */
  private readonly boundaries: readonly number[];

  constructor(private readonly rth: RthWindow = EQUITY_RTH) {
    this.boundaries = [...new Set([0, rth.startMinuteEt, rth.endMinuteEt, GLOBEX_OPEN_MINUTE_ET, 24 * 60])].sort((a, b) => a - b);
  }

  lookup(tsMs: number): void {
    if (tsMs >= this.fromMs && tsMs < this.toMs) return;
    const info = sessionInfo(tsMs);
    this.tradingDay = info.tradingDay;
    this.isRth = inRth(info, this.rth);
    const p = toLocalParts(EXCHANGE_ZONE, tsMs);
    const b = this.boundaries;
    let i = 0;
    while (b[i + 1]! <= p.minuteOfDay) i++;
    const from = localToUtc(EXCHANGE_ZONE, p.days * DAY_MS + b[i]! * MINUTE_MS);
    const to = localToUtc(EXCHANGE_ZONE, p.days * DAY_MS + b[i + 1]! * MINUTE_MS);
    // Fall back to no caching if a boundary is ambiguous or skipped (not expected for US zones).
    this.fromMs = from !== null && from <= tsMs ? from : tsMs;
    this.toMs = to !== null && to > tsMs ? to : tsMs;
  }
}
