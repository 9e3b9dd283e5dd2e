// Tests of the entry filters: VIX tiers and previous-close lookup, session windows (DST), news blackout edges, sentiment.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/index.ts';
import { localToUtc, MINUTE_MS, naiveLocalMs } from '../../../src/domain/time.ts';
import {
  checkEntryWindow,
  evaluateFilters,
  filterSettingsFromConfig,
  getVixMultiplier,
  InMemoryCalendar,
  isBlackoutPeriod,
  sentimentSizeMultiplier,
  vixForTradingDate,
  type BlackoutConfig,
  type SessionWindowConfig,
} from '../../../src/strategy/filters/index.ts';

function et(y: number, mo: number, d: number, h: number, mi: number, s = 0): number {
  return localToUtc('America/New_York', naiveLocalMs(y, mo, d, h, mi, s))!;
}

const config = validateConfig({}, 'test');
const settings = filterSettingsFromConfig(config);

describe('getVixMultiplier', () => {
  const tiers = config.filters.vix.tiers;
  it.each([
    [12, 1],
    [19.99, 1],
    [20, 0.5],
    [29.99, 0.5],
    [30, 0.25],
    [34.99, 0.25],
    [35, 0],
    [82.69, 0],
  ])('VIX %f gives multiplier %f with the default tiers', (vix, m) => {
    expect(getVixMultiplier(vix, tiers)).toBe(m);
  });
  it('gives 1 when VIX is unknown', () => {
    expect(getVixMultiplier(null, tiers)).toBe(1);
  });
});

describe('vixForTradingDate', () => {
  const table = { dates: ['2024-01-02', '2024-01-03', '2024-01-05'], closes: [13.2, 14.1, 12.9] };
  it('returns the last close strictly before the date, never the same day', () => {
    expect(vixForTradingDate(table, '2024-01-03')).toBe(13.2);
    expect(vixForTradingDate(table, '2024-01-04')).toBe(14.1);
    expect(vixForTradingDate(table, '2024-01-05')).toBe(14.1);
    expect(vixForTradingDate(table, '2024-01-08')).toBe(12.9);
  });
  it('returns null before the first row and rejects a malformed date', () => {
    expect(vixForTradingDate(table, '2024-01-02')).toBeNull();
    expect(() => vixForTradingDate(table, '2024/01/05')).toThrow(RangeError);
  });
});

describe('checkEntryWindow', () => {
  const w: SessionWindowConfig = {
    entryStart: '09:35',
    entryCutoff: '16:00',
    timeZone: 'America/New_York',
    flatTime: '15:10',
    flatTimeZone: 'America/Chicago',
    noEntryMinutesBeforeFlat: 20,
  };
  it('allows exactly the start minute and blocks the minute before', () => {
    expect(checkEntryWindow(et(2024, 1, 3, 9, 35), w)).toEqual({ allowed: true });
    const r = checkEntryWindow(et(2024, 1, 3, 9, 34), w);
    expect(r.allowed).toBe(false);
    expect(!r.allowed && r.code).toBe('BEFORE_ENTRY_START');
  });
  it('blocks from flat − N minutes: 15:10 CT − 20 = 15:50 ET', () => {
    expect(checkEntryWindow(et(2024, 1, 3, 15, 49), w).allowed).toBe(true);
    const r = checkEntryWindow(et(2024, 1, 3, 15, 50), w);
    expect(!r.allowed && r.code).toBe('NEAR_FLAT_TIME');
  });
  it('blocks at and after the cutoff', () => {
    const r = checkEntryWindow(et(2024, 1, 3, 15, 30), { ...w, entryCutoff: '15:30' });
    expect(!r.allowed && r.code).toBe('AFTER_ENTRY_CUTOFF');
    expect(checkEntryWindow(et(2024, 1, 3, 15, 29), { ...w, entryCutoff: '15:30' }).allowed).toBe(true);
  });
  it('follows DST: 09:35 ET is 14:35 UTC in winter and 13:35 UTC after the March switch', () => {
    expect(checkEntryWindow(Date.UTC(2024, 2, 8, 14, 35), w).allowed).toBe(true);
    expect(checkEntryWindow(Date.UTC(2024, 2, 8, 14, 34), w).allowed).toBe(false);
    expect(checkEntryWindow(Date.UTC(2024, 2, 11, 13, 35), w).allowed).toBe(true);
    expect(checkEntryWindow(Date.UTC(2024, 2, 11, 13, 34), w).allowed).toBe(false);
    // Monday after the November fall-back: 15:50 ET = 20:50 UTC
    expect(checkEntryWindow(Date.UTC(2024, 10, 4, 20, 49), w).allowed).toBe(true);
    expect(checkEntryWindow(Date.UTC(2024, 10, 4, 20, 50), w).allowed).toBe(false);
  });
});

describe('isBlackoutPeriod', () => {
  const cfg: BlackoutConfig = { highImpactTimesEt: ['08:30'], minutesBefore: 5, minutesAfter: 15, calendarTiers: ['big'] };
  it('covers [time − before, time + after) around a daily ET time', () => {
    expect(isBlackoutPeriod(et(2024, 1, 3, 8, 24), cfg).blackout).toBe(false);
    expect(isBlackoutPeriod(et(2024, 1, 3, 8, 24, 59), cfg).blackout).toBe(false);
    expect(isBlackoutPeriod(et(2024, 1, 3, 8, 25), cfg).blackout).toBe(true);
    expect(isBlackoutPeriod(et(2024, 1, 3, 8, 44), cfg).blackout).toBe(true);
    expect(isBlackoutPeriod(et(2024, 1, 3, 8, 45), cfg).blackout).toBe(false);
  });
  it('uses ET wall time on both sides of DST (08:30 ET = 13:30 UTC in winter, 12:30 UTC in summer)', () => {
    expect(isBlackoutPeriod(Date.UTC(2024, 2, 8, 13, 30), cfg).blackout).toBe(true);
    expect(isBlackoutPeriod(Date.UTC(2024, 2, 11, 13, 30), cfg).blackout).toBe(false);
    expect(isBlackoutPeriod(Date.UTC(2024, 2, 11, 12, 30), cfg).blackout).toBe(true);
  });
  it('handles a daily time near midnight', () => {
    const c = { ...cfg, highImpactTimesEt: ['00:05'], minutesBefore: 10 };
    expect(isBlackoutPeriod(et(2024, 1, 3, 23, 55), c).blackout).toBe(true);
    expect(isBlackoutPeriod(et(2024, 1, 3, 23, 54), c).blackout).toBe(false);
  });
  it('blacks out around dated calendar events of configured tiers only', () => {
    const cal = new InMemoryCalendar([
      { tsMs: et(2024, 1, 31, 14, 0), name: 'FOMC', tier: 'big' },
      { tsMs: et(2024, 1, 30, 10, 0), name: 'JOLTS', tier: 'normal' },
    ]);
    const c = { ...cfg, highImpactTimesEt: [] };
    expect(isBlackoutPeriod(et(2024, 1, 31, 13, 54), c, cal).blackout).toBe(false);
    const hit = isBlackoutPeriod(et(2024, 1, 31, 13, 55), c, cal);
    expect(hit.blackout && hit.event).toBe('FOMC');
    expect(isBlackoutPeriod(et(2024, 1, 31, 14, 14), c, cal).blackout).toBe(true);
    expect(isBlackoutPeriod(et(2024, 1, 31, 14, 15), c, cal).blackout).toBe(false);
    expect(isBlackoutPeriod(et(2024, 1, 30, 10, 0), c, cal).blackout).toBe(false);
    expect(isBlackoutPeriod(et(2024, 1, 30, 10, 0), { ...c, calendarTiers: ['big', 'normal'] }, cal).blackout).toBe(true);
  });
});

describe('sentimentSizeMultiplier', () => {
  const s = { threshold: 0.5, reduceMultiplier: 0.5 };
  it.each([
    [-0.6, 'STRONG_BULL', 0.5],
    [-0.5, 'BULL', 0.5],
    [-0.49, 'BULL', 1],
    [0.9, 'BULL', 1],
    [0.5, 'BEAR', 0.5],
    [0.7, 'CRASH', 0.5],
    [-0.9, 'BEAR', 1],
    [-0.9, 'NEUTRAL', 1],
    [0.9, 'NEUTRAL', 1],
    [Number.NaN, 'BULL', 1],
  ] as const)('score %f in %s gives %f', (score, regime, m) => {
    expect(sentimentSizeMultiplier(score, regime, s)).toBe(m);
  });
  it('never reduces on a neutral score even with threshold 0', () => {
    expect(sentimentSizeMultiplier(0, 'BULL', { threshold: 0, reduceMultiplier: 0.5 })).toBe(1);
  });
});

describe('evaluateFilters', () => {
  const table = { dates: ['2024-01-02'], closes: [36] };
  const base = { tradingDate: '2024-01-03', regime: 'BULL' as const, settings };
  it('passes mid-session with multipliers filled in', () => {
    const v = evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 11, 0) });
    expect(v).toMatchObject({ allowEntry: true, code: 'OK', vix: null, vixMultiplier: 1, sentiment: 0, newsMultiplier: 1 });
  });
  it('blocks in the default 10:00 ET blackout and before the entry start', () => {
    expect(evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 10, 5) }).code).toBe('NEWS_BLACKOUT');
    expect(evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 9, 31) }).code).toBe('BEFORE_ENTRY_START');
  });
  it('blocks on a zero VIX tier using the previous close', () => {
    const v = evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 11, 0), vixTable: table });
    expect(v).toMatchObject({ allowEntry: false, code: 'VIX_TOO_HIGH', vix: 36, vixMultiplier: 0 });
  });
  it('falls back to neutral sentiment when the source throws or is out of range', () => {
    const v = evaluateFilters({
      ...base,
      tsMs: et(2024, 1, 3, 11, 0),
      sentiment: {
        scoreAt: () => {
          throw new Error('down');
        },
      },
    });
    expect(v.sentiment).toBe(0);
    expect(v.pluginErrors.map((e) => e.code)).toEqual(['PLUGIN_FAILED']);
    const w = evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 11, 0), sentiment: { scoreAt: () => -7 } });
    expect(w.sentiment).toBe(0);
    const n = evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 11, 0), sentiment: { scoreAt: () => -0.8 } });
    expect(n.newsMultiplier).toBe(0.5);
  });
  it('fails closed (blackout) when the calendar plug-in throws', () => {
    const v = evaluateFilters({
      ...base,
      tsMs: et(2024, 1, 3, 11, 0),
      calendar: {
        eventsBetween: () => {
          throw new Error('api');
        },
      },
    });
    expect(v.code).toBe('NEWS_BLACKOUT');
    expect(v.pluginErrors).toHaveLength(1);
  });
  it('is exact at one minute granularity over a whole day (no other minute blocked than expected)', () => {
    let allowed = 0;
    for (let m = 0; m < 1440; m++) if (evaluateFilters({ ...base, tsMs: et(2024, 1, 3, 0, 0) + m * MINUTE_MS }).allowEntry) allowed++;
    // [09:35, 15:30) = 355 minutes, minus [09:55, 10:15) and [13:55, 14:15) = 20 minutes each
    expect(allowed).toBe(355 - 20 - 20);
  });
});
