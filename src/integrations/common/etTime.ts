// Exchange-time (America/New_York) helpers the integration schedules share: date keys, clock times, session closes.

import { DAY_MS, dateKeyOfDays, daysOfDateKey, localToUtc, minutesOfClock, MINUTE_MS, toLocalParts, weekdayOfDays } from '../../domain/index.ts';

export const ET_ZONE = 'America/New_York';

/** "YYYY-MM-DD" of the ET calendar day containing `tsMs`. */
export function etDateKey(tsMs: number): string {
  return dateKeyOfDays(toLocalParts(ET_ZONE, tsMs).days);
}

/** Minute of the ET day (0..1439) of `tsMs`. */
export function etMinuteOfDay(tsMs: number): number {
  return toLocalParts(ET_ZONE, tsMs).minuteOfDay;
}

/** UTC ms of "HH:MM" ET on ET date `dateKey` (DST-correct); NaN when either is malformed. */
export function etClockToUtc(dateKey: string, hhmm: string): number {
  const days = daysOfDateKey(dateKey);
  const minutes = minutesOfClock(hhmm);
  if (Number.isNaN(days) || Number.isNaN(minutes)) return Number.NaN;
  return localToUtc(ET_ZONE, days * DAY_MS + minutes * MINUTE_MS) ?? Number.NaN;
}

/** ET date key `n` days after `dateKey` (n may be negative). */
export function addDays(dateKey: string, n: number): string {
  return dateKeyOfDays(daysOfDateKey(dateKey) + n);
}

/** Weekday (0 = Sunday) of an ET date key. */
export function weekdayOf(dateKey: string): number {
  return weekdayOfDays(daysOfDateKey(dateKey));
}

/**
 * The previous session close before or at `tsMs`: the latest weekday `closeEt` ("HH:MM" ET) that is
 * <= tsMs. Tuesday 10:00 gives Monday's close, Tuesday 16:30 gives Tuesday's, Monday 10:00 Friday's.
 */
export function previousCloseMs(tsMs: number, closeEt: string): number {
  let day = etDateKey(tsMs);
  for (let i = 0; i < 8; i++) {
    const wd = weekdayOf(day);
    if (wd !== 0 && wd !== 6) {
      const close = etClockToUtc(day, closeEt);
      if (close <= tsMs) return close;
    }
    day = addDays(day, -1);
  }
  throw new RangeError(`previousCloseMs: no weekday close ${closeEt} found before ${new Date(tsMs).toISOString()}`);
}
