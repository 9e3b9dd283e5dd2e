// CME holiday early closes: the days the equity-index and metals sessions end early (about 12:15 CT) and the flat time moves up.

import { civilFromDays } from './time.ts';

/**
 * Whether a local calendar date (in the exchange/flat zone) is a CME early-close day: the Friday after US
 * Thanksgiving (fourth Thursday of November), December 24 and July 3 when they fall on a weekday. Checked
 * against the shared ES 5-minute data 2013-2022: on each such day the last bar starts 13:10 ET (the
 * session halts 12:15 CT / 13:15 ET). Full holidays need no rule: they have no bars.
 */
export function isEarlyCloseDate(year: number, month: number, day: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if ((month === 12 && day === 24) || (month === 7 && day === 3)) return true;
  if (month !== 11 || weekday !== 5) return false;
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const fourthThursday = 1 + ((4 - firstWeekday + 7) % 7) + 21;
  return day === fourthThursday + 1;
}

let lastDays = Number.NaN;
let lastEarly = false;

/** isEarlyCloseDate of a local day number (days since 1970-01-01); the last answer is memoized (asked at every bar). */
export function isEarlyCloseDay(days: number): boolean {
  if (days !== lastDays) {
    const { year, month, day } = civilFromDays(days);
    lastEarly = isEarlyCloseDate(year, month, day);
    lastDays = days;
  }
  return lastEarly;
}
