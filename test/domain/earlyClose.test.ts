// Issue 13 (smaller): CME holiday early closes move the flat time to session.early_close_time (12:00 CT) on those days.
import { describe, expect, it } from 'vitest';
import { isEarlyCloseDate, isEarlyCloseDay } from '../../src/domain/earlyClose.ts';
import { civilFromDays, daysFromCivil, localToUtc, naiveLocalMs } from '../../src/domain/time.ts';
import { validateConfig } from '../../src/config/index.ts';
import { SessionClock } from '../../src/engine/sessionClock.ts';
import { isAfterFlatTime } from '../../src/strategy/riskManager/flatTime.ts';
import { checkEntryWindow } from '../../src/strategy/filters/sessionWindow.ts';
import { filterSettingsFromConfig } from '../../src/strategy/filters/index.ts';
import { riskSettingsFromConfig } from '../../src/strategy/riskManager/index.ts';
import { sessionInfo } from '../../src/domain/session.ts';

const ct = (y: number, mo: number, d: number, h: number, mi: number) => localToUtc('America/Chicago', naiveLocalMs(y, mo, d, h, mi))!;

describe('CME early closes', () => {
  it('isEarlyCloseDay (memoized, by day number) agrees with isEarlyCloseDate on every day 2000-2030, in order and out of order', () => {
    const first = daysFromCivil(2000, 1, 1);
    const last = daysFromCivil(2030, 12, 31);
    let early = 0;
    for (let d = first; d <= last; d++) {
      const { year, month, day } = civilFromDays(d);
      const want = isEarlyCloseDate(year, month, day);
      expect(isEarlyCloseDay(d)).toBe(want);
      expect(isEarlyCloseDay(d)).toBe(want); // memo hit
      if (want) early++;
    }
    expect(early).toBeGreaterThan(60); // about 2.5 a year over 31 years
    expect(isEarlyCloseDay(daysFromCivil(2022, 11, 25))).toBe(true);
    expect(isEarlyCloseDay(daysFromCivil(2022, 11, 24))).toBe(false);
    expect(isEarlyCloseDay(daysFromCivil(2022, 11, 25))).toBe(true);
  });

  it('knows the days the shared ES data ends at 13:15 ET, and not the others', () => {
    for (const [y, m, d] of [
      [2022, 11, 25],
      [2021, 11, 26],
      [2017, 11, 24],
      [2016, 11, 25],
      [2020, 12, 24],
      [2018, 12, 24],
      [2015, 12, 24],
      [2019, 7, 3],
      [2018, 7, 3],
      [2014, 7, 3],
      [2020, 7, 3],
    ])
      expect(isEarlyCloseDate(y!, m!, d!), `${y}-${m}-${d}`).toBe(true);
    // a normal Friday, Thanksgiving itself, Dec 24 on a Saturday, Dec 23
    for (const [y, m, d] of [
      [2022, 11, 18],
      [2022, 11, 24],
      [2022, 12, 24],
      [2022, 12, 23],
      [2022, 7, 1],
    ])
      expect(isEarlyCloseDate(y!, m!, d!), `${y}-${m}-${d}`).toBe(false);
  });

  it('the engine, the risk manager and the entry window use 12:00 CT on those days (default) and 15:10 CT otherwise', () => {
    const config = validateConfig({}, 'test');
    const clock = new SessionClock(config.session);
    const black = ct(2022, 11, 25, 9, 0);
    expect(clock.sessionEndMs(sessionInfo(black).tradingDay)).toBe(ct(2022, 11, 25, 12, 0));
    expect(clock.sessionEndMs(sessionInfo(ct(2022, 11, 18, 9, 0)).tradingDay)).toBe(ct(2022, 11, 18, 15, 0));
    const risk = riskSettingsFromConfig(config);
    expect(isAfterFlatTime(ct(2022, 11, 25, 12, 0), risk)).toBe(true);
    expect(isAfterFlatTime(ct(2022, 11, 25, 11, 55), risk)).toBe(false);
    expect(isAfterFlatTime(ct(2022, 11, 18, 12, 0), risk)).toBe(false);
    const win = filterSettingsFromConfig(config).window;
    expect(checkEntryWindow(ct(2022, 11, 25, 11, 45), win)).toMatchObject({ allowed: false, code: 'NEAR_FLAT_TIME' });
    expect(checkEntryWindow(ct(2022, 11, 18, 11, 45), win)).toEqual({ allowed: true });
    // null: not modelled (the old behaviour)
    const off = validateConfig({ session: { early_close_time: null } }, 'test');
    expect(new SessionClock(off.session).sessionEndMs(sessionInfo(black).tradingDay)).toBe(ct(2022, 11, 25, 15, 0));
    expect(isAfterFlatTime(ct(2022, 11, 25, 12, 0), riskSettingsFromConfig(off))).toBe(false);
  });
});
