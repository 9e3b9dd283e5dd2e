// Tests of the CME Globex session calendar: trade dates, RTH, the daily break, weekends, DST days.

import { describe, expect, it } from 'vitest';
import { sessionInfo, isGlobexOpen, tradingDayFor } from '../../src/domain/session.ts';
import { dateKeyOfDays, toLocalParts } from '../../src/domain/time.ts';

/** The session facts computed field by field from toLocalParts (the reference for the hour-cached sessionInfo). */
function reference(tsMs: number) {
  const p = toLocalParts('America/New_York', tsMs);
  const wd = p.weekday;
  const m = p.minuteOfDay;
  const tradingDay = tradingDayFor(p.days, m);
  const isWeekday = wd >= 1 && wd <= 5;
  return {
    tradingDate: dateKeyOfDays(tradingDay),
    tradingDay,
    isRth: isWeekday && m >= 570 && m < 960,
    inDailyBreak: isWeekday && m >= 1020 && m < 1080,
    isWeekend: wd === 6 || (wd === 5 && m >= 1020) || (wd === 0 && m < 1080),
    minuteOfDayEt: m,
    isWeekdayEt: isWeekday,
  };
}

const utc = (s: string) => Date.parse(s);

describe('sessionInfo', () => {
  it('equals the field-by-field reference at every minute around both 2023 DST changes and every 7 minutes (+ 13 s) 2008-2023', () => {
    const check = (ts: number) => expect(sessionInfo(ts), new Date(ts).toISOString()).toEqual(reference(ts));
    for (const [from, to] of [
      ['2023-03-10T00:00:00Z', '2023-03-14T00:00:00Z'],
      ['2023-11-03T00:00:00Z', '2023-11-07T00:00:00Z'],
    ])
      for (let ts = utc(from!); ts < utc(to!); ts += 60_000) check(ts);
    for (let ts = utc('2008-01-01T00:00:00Z'); ts < utc('2024-01-01T00:00:00Z'); ts += 7 * 60_000 + 13_000) if (ts % 97 < 3) check(ts);
  });

  it('answers correctly when callers alternate between instants (the memo keeps two)', () => {
    const a = utc('2023-03-07T22:55:00Z'); // 17:55 ET: break, trade date 03-07
    const b = utc('2023-03-07T23:00:00Z'); // 18:00 ET: trade date 03-08
    const c = utc('2023-03-08T15:00:00Z'); // 10:00 ET: RTH
    for (const ts of [a, b, a, b, c, a, c, b, b, a]) {
      const info = sessionInfo(ts);
      expect(info.tradingDate).toBe(ts === a ? '2023-03-07' : '2023-03-08');
      expect(info.inDailyBreak).toBe(ts === a);
      expect(info.isRth).toBe(ts === c);
    }
  });

  it('puts bars from 18:00 ET into the next trading date', () => {
    expect(sessionInfo(utc('2023-03-07T22:59:00Z')).tradingDate).toBe('2023-03-07'); // 17:59 ET, in break
    expect(sessionInfo(utc('2023-03-07T23:00:00Z')).tradingDate).toBe('2023-03-08'); // 18:00 ET
  });

  it('maps Sunday evening to Monday and Friday to itself', () => {
    expect(sessionInfo(utc('2023-03-05T23:00:00Z')).tradingDate).toBe('2023-03-06'); // Sun 18:00 ET
    expect(sessionInfo(utc('2023-03-10T20:00:00Z')).tradingDate).toBe('2023-03-10'); // Fri 15:00 ET
  });

  it('knows RTH edges 09:30 inclusive and 16:00 exclusive in winter and summer', () => {
    expect(sessionInfo(utc('2023-01-04T14:29:00Z')).isRth).toBe(false); // 09:29 EST
    expect(sessionInfo(utc('2023-01-04T14:30:00Z')).isRth).toBe(true); // 09:30 EST
    expect(sessionInfo(utc('2023-01-04T20:55:00Z')).isRth).toBe(true); // 15:55 EST
    expect(sessionInfo(utc('2023-01-04T21:00:00Z')).isRth).toBe(false); // 16:00 EST
    expect(sessionInfo(utc('2023-07-05T13:30:00Z')).isRth).toBe(true); // 09:30 EDT
    expect(sessionInfo(utc('2023-07-05T14:29:00Z')).minuteOfDayEt).toBe(10 * 60 + 29);
  });

  it('keeps RTH at 09:30 local on both DST change weeks', () => {
    // Monday after spring forward: 09:30 EDT = 13:30 UTC; Monday after fall back: 09:30 EST = 14:30 UTC.
    expect(sessionInfo(utc('2023-03-13T13:30:00Z')).isRth).toBe(true);
    expect(sessionInfo(utc('2023-03-13T13:25:00Z')).isRth).toBe(false);
    expect(sessionInfo(utc('2023-11-06T14:30:00Z')).isRth).toBe(true);
    expect(sessionInfo(utc('2023-11-06T13:30:00Z')).isRth).toBe(false);
  });

  it('recognises the daily break and weekends', () => {
    expect(sessionInfo(utc('2023-03-07T22:30:00Z')).inDailyBreak).toBe(true); // 17:30 ET
    expect(isGlobexOpen(utc('2023-03-07T22:30:00Z'))).toBe(false);
    expect(sessionInfo(utc('2023-03-11T15:00:00Z')).isWeekend).toBe(true); // Saturday
    expect(sessionInfo(utc('2023-03-10T22:00:00Z')).isWeekend).toBe(true); // Fri 17:00 ET
    expect(sessionInfo(utc('2023-03-12T21:59:00Z')).isWeekend).toBe(true); // Sun 17:59 EDT
    expect(isGlobexOpen(utc('2023-03-12T22:00:00Z'))).toBe(true); // Sun 18:00 EDT
  });
});
