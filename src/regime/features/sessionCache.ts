// Per-bar session facts (trading day, RTH) without per-bar allocation: caches the UTC interval in
// which sessionInfo's answer is constant (between local midnight, 09:30, 16:00 and 18:00 ET).

import { EXCHANGE_ZONE, GLOBEX_OPEN_MINUTE_ET, RTH_CLOSE_MINUTE_ET, RTH_OPEN_MINUTE_ET, sessionInfo } from '../../domain/session.ts';
import { DAY_MS, MINUTE_MS, localToUtc, toLocalParts } from '../../domain/time.ts';

/** Local minutes at which the trading day or the RTH flag can change (plus the day ends). */
const BOUNDARY_MINUTES = [0, RTH_OPEN_MINUTE_ET, RTH_CLOSE_MINUTE_ET, GLOBEX_OPEN_MINUTE_ET, 24 * 60];

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

  lookup(tsMs: number): void {
    if (tsMs >= this.fromMs && tsMs < this.toMs) return;
    const info = sessionInfo(tsMs);
    this.tradingDay = info.tradingDay;
    this.isRth = info.isRth;
    const p = toLocalParts(EXCHANGE_ZONE, tsMs);
    let i = 0;
    while (BOUNDARY_MINUTES[i + 1] <= p.minuteOfDay) i++;
    const from = localToUtc(EXCHANGE_ZONE, p.days * DAY_MS + BOUNDARY_MINUTES[i] * MINUTE_MS);
    const to = localToUtc(EXCHANGE_ZONE, p.days * DAY_MS + BOUNDARY_MINUTES[i + 1] * MINUTE_MS);
    // Fall back to no caching if a boundary is ambiguous or skipped (not expected for US zones).
    this.fromMs = from !== null && from <= tsMs ? from : tsMs;
    this.toMs = to !== null && to > tsMs ? to : tsMs;
  }
}
