// CME Globex session calendar: trading date, daily break, weekends, and regular sessions (equity index
// 09:30-16:00 ET by default; an instrument's own window through RthWindow).

import { DAY_MS, HOUR_MS, MINUTE_MS, dateKeyOfDays, weekdayOfDays, zoneOffsetMinutes } from './time.ts';

export const EXCHANGE_ZONE = 'America/New_York';
/** Globex trading day opens 18:00 ET (previous evening) and ends 17:00 ET. */
export const GLOBEX_OPEN_MINUTE_ET = 18 * 60;
export const GLOBEX_CLOSE_MINUTE_ET = 17 * 60;
export const RTH_OPEN_MINUTE_ET = 9 * 60 + 30;
export const RTH_CLOSE_MINUTE_ET = 16 * 60;

/** Session facts of one instant (a bar's start). */
export interface SessionInfo {
  /** CME trade date as "YYYY-MM-DD": bars at or after 18:00 ET belong to the next weekday. */
  readonly tradingDate: string;
  /** Day number (days since epoch) of the trade date. */
  readonly tradingDay: number;
  /** Regular trading hours 09:30-16:00 ET on a weekday. */
  readonly isRth: boolean;
  /** Within the daily 17:00-18:00 ET maintenance break. */
  readonly inDailyBreak: boolean;
  /** Saturday, Friday after 17:00, or Sunday before 18:00 ET. */
  readonly isWeekend: boolean;
  /** ET minute of day (0..1439). */
  readonly minuteOfDayEt: number;
  /** The ET calendar day is Monday..Friday. */
  readonly isWeekdayEt: boolean;
}

/** An instrument's regular session as ET minutes of day [start, end) on weekdays. */
export interface RthWindow {
  readonly startMinuteEt: number;
  readonly endMinuteEt: number;
}

/** Equity index futures: 09:30-16:00 ET (what `SessionInfo.isRth` reports). */
export const EQUITY_RTH: RthWindow = { startMinuteEt: RTH_OPEN_MINUTE_ET, endMinuteEt: RTH_CLOSE_MINUTE_ET };

/** Whether the instant of `info` is inside the regular session `w`. */
export function inRth(info: SessionInfo, w: RthWindow): boolean {
  if (w === EQUITY_RTH) return info.isRth;
  return info.isWeekdayEt && info.minuteOfDayEt >= w.startMinuteEt && info.minuteOfDayEt < w.endMinuteEt;
}

/** Trade-date day number for an ET local day/minute: evening sessions roll to the next weekday. */
export function tradingDayFor(localDays: number, minuteOfDay: number): number {
  let d = minuteOfDay >= GLOBEX_OPEN_MINUTE_ET ? localDays + 1 : localDays;
  const wd = weekdayOfDays(d);
  if (wd === 6) d += 2;
  else if (wd === 0) d += 1;
  return d;
}

// Two memo slots: the engine asks about a bar's start, the risk manager about its end (the next bar's start).
let lastTs = Number.NaN;
let lastInfo: SessionInfo | null = null;
let prevTs = Number.NaN;
let prevInfo: SessionInfo | null = null;

/**
 * Computes the session facts of an instant (interval start of a bar). The last two answers are
 * memoized: engine, risk manager and features ask about the same bar (and its end) in turn.
 */
export function sessionInfo(tsMs: number): SessionInfo {
  if (tsMs === lastTs && lastInfo) return lastInfo;
  if (tsMs === prevTs && prevInfo) return prevInfo;
  prevTs = lastTs;
  prevInfo = lastInfo;
  lastInfo = computeSessionInfo(tsMs);
  lastTs = tsMs;
  return lastInfo;
}

/**
 * Facts shared by every instant of one UTC hour: the ET offset is whole hours and US DST changes fall
 * on whole UTC hours, so ET midnight, 17:00 and 18:00 (trading date, weekend and break edges) are hour
 * edges too; only the minute of day (and RTH, which opens at 09:30) varies within the hour.
 */
let hourKey = Number.NaN;
let hourStartMs = 0;
let hourMinute0 = 0;
let hourWeekday = 0;
let hourTradingDay = 0;
let hourTradingDate = '';

function computeSessionInfo(tsMs: number): SessionInfo {
  const hour = Math.floor(tsMs / HOUR_MS);
  if (hour !== hourKey) {
    // The ET day number and minute of day at the hour's start (toLocalParts without the calendar fields).
    const h0 = hour * HOUR_MS;
    const localMs = h0 + zoneOffsetMinutes(EXCHANGE_ZONE, h0) * MINUTE_MS;
    const days = Math.floor(localMs / DAY_MS);
    hourMinute0 = Math.floor((localMs - days * DAY_MS) / MINUTE_MS);
    hourWeekday = weekdayOfDays(days);
    hourTradingDay = tradingDayFor(days, hourMinute0);
    hourTradingDate = dateKeyOfDays(hourTradingDay);
    hourStartMs = h0;
    hourKey = hour;
  }
  const m = hourMinute0 + Math.floor((tsMs - hourStartMs) / MINUTE_MS);
  const wd = hourWeekday;
  const isWeekend = wd === 6 || (wd === 5 && m >= GLOBEX_CLOSE_MINUTE_ET) || (wd === 0 && m < GLOBEX_OPEN_MINUTE_ET);
  const isWeekday = wd >= 1 && wd <= 5;
  return {
    tradingDate: hourTradingDate,
    tradingDay: hourTradingDay,
    isRth: isWeekday && m >= RTH_OPEN_MINUTE_ET && m < RTH_CLOSE_MINUTE_ET,
    inDailyBreak: isWeekday && m >= GLOBEX_CLOSE_MINUTE_ET && m < GLOBEX_OPEN_MINUTE_ET,
    isWeekend,
    minuteOfDayEt: m,
    isWeekdayEt: isWeekday,
  };
}

/** Whether Globex is open for equity-index futures at the instant (not weekend, not daily break). */
export function isGlobexOpen(tsMs: number): boolean {
  const s = sessionInfo(tsMs);
  return !s.isWeekend && !s.inDailyBreak;
}
