// Selecting bars by CME trading date, and listing the trading dates a series covers.

import {
  lowerBoundTs,
  sliceBarSeries,
  UsageError,
  daysOfDateKey,
  localToUtc,
  DAY_MS,
  HOUR_MS,
  dateKeyOfDays,
  sessionInfo,
  EXCHANGE_ZONE,
  type BarSeries,
} from '../domain/index.ts';

/** First instant of a trading date: 18:00 ET on the previous calendar day. */
export function tradingDateStartMs(dateKey: string): number {
  const days = daysOfDateKey(dateKey);
  if (Number.isNaN(days)) throw new UsageError(`date must be YYYY-MM-DD (got "${dateKey}")`);
  return localToUtc(EXCHANGE_ZONE, (days - 1) * DAY_MS + 18 * HOUR_MS)!;
}

/** Bars whose trading date lies in [from, to] (either bound optional, inclusive). */
export function selectTradingDates(s: BarSeries, from?: string, to?: string): BarSeries {
  if (!from && !to) return s;
  const start = from ? lowerBoundTs(s, tradingDateStartMs(from)) : 0;
  let end = s.length;
  if (to) {
    const toDays = daysOfDateKey(to);
    if (Number.isNaN(toDays)) throw new UsageError(`date must be YYYY-MM-DD (got "${to}")`);
    // Bars from 18:00 ET on `to` onwards belong to a later trading date.
    end = lowerBoundTs(s, tradingDateStartMs(dateKeyOfDays(toDays + 1)));
  }
  return sliceBarSeries(s, start, Math.max(start, end));
}

/** Per-bar trading-day numbers (days since epoch) and RTH flags, computed once for a series. */
export interface SessionColumns {
  tradingDay: Int32Array;
  isRth: Uint8Array;
  minuteOfDayEt: Int16Array;
}

/** Computes session columns for every bar of a series. */
export function sessionColumns(s: BarSeries): SessionColumns {
  const tradingDay = new Int32Array(s.length);
  const isRth = new Uint8Array(s.length);
  const minuteOfDayEt = new Int16Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const info = sessionInfo(s.tsMs[i]!);
    tradingDay[i] = info.tradingDay;
    isRth[i] = info.isRth ? 1 : 0;
    minuteOfDayEt[i] = info.minuteOfDayEt;
  }
  return { tradingDay, isRth, minuteOfDayEt };
}

/**
 * Per-bar trading-day numbers alone (sessionColumns' `tradingDay`): the session facts are asked once
 * per UTC hour, within which the trading day cannot change (it turns at 18:00 ET, on the hour).
 */
export function tradingDayColumn(s: BarSeries): Int32Array {
  const out = new Int32Array(s.length);
  let hour = Number.NaN;
  let day = 0;
  for (let i = 0; i < s.length; i++) {
    const h = Math.floor(s.tsMs[i]! / HOUR_MS);
    if (h !== hour) {
      hour = h;
      day = sessionInfo(s.tsMs[i]!).tradingDay;
    }
    out[i] = day;
  }
  return out;
}

/** Distinct trading-date keys of a series, ascending. */
export function tradingDatesOf(s: BarSeries): string[] {
  const out: string[] = [];
  let last = Number.NaN;
  for (let i = 0; i < s.length; i++) {
    const d = sessionInfo(s.tsMs[i]!).tradingDay;
    if (d !== last) {
      out.push(dateKeyOfDays(d));
      last = d;
    }
  }
  return out;
}
