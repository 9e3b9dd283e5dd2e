// Tests of the VIX and calendar CSV readers: hand-written files, error messages with line numbers, shared data when present.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/domain/errors.ts';
import { readCalendarCsv, SHARED_CALENDAR_FILE } from '../../src/integrations/calendar.ts';
import { readVixCsv, resolveVixFile, SHARED_VIX_FILE } from '../../src/integrations/vix.ts';
import { vixForTradingDate } from '../../src/strategy/filters/vix.ts';

const dir = mkdtempSync(join(tmpdir(), 'txbot-readers-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const sharedDir = resolve(import.meta.dirname, '../../../shared/data');

describe('readVixCsv', () => {
  it('reads date and close columns', () => {
    const t = readVixCsv(file('v.csv', 'date,open,high,low,close\n2024-01-02,13,14,12,13.2\n2024-01-03,13,15,12,14.1\n'));
    expect(t).toEqual({ dates: ['2024-01-02', '2024-01-03'], closes: [13.2, 14.1] });
  });
  it('names file, line and value on bad rows', () => {
    const bad = file('bad.csv', 'date,close\n2024-01-02,13.2\n01/03/2024,14\n');
    expect(() => readVixCsv(bad)).toThrow(/line 3: date must be YYYY-MM-DD \(got "01\/03\/2024"\)/);
    const unsorted = file('uns.csv', 'date,close\n2024-01-03,13.2\n2024-01-02,14\n');
    expect(() => readVixCsv(unsorted)).toThrow(DataError);
    const noClose = file('nc.csv', 'date,open\n2024-01-03,13.2\n');
    expect(() => readVixCsv(noClose)).toThrow(/missing column "close"/);
    expect(() => readVixCsv(join(dir, 'absent.csv'))).toThrow(/file not found/);
  });
  it('resolves a configured relative path against the config folder', () => {
    expect(resolveVixFile('data/vix.csv', '/etc/txbot')).toBe('/etc/txbot/data/vix.csv');
  });
  it.skipIf(!existsSync(join(sharedDir, SHARED_VIX_FILE)))('reads the shared Cboe file (skipped when /work/shared/data is absent)', () => {
    const t = readVixCsv(join(sharedDir, SHARED_VIX_FILE));
    expect(t.dates.length).toBe(9241);
    // 2020-03-16 closed at 82.69, the value used on the next trading date
    expect(vixForTradingDate(t, '2020-03-17')).toBe(82.69);
  });
});

describe('readCalendarCsv', () => {
  it('parses ET times DST-correctly', () => {
    const cal = readCalendarCsv(file('c.csv', 'datetime_et,event,tier\n2024-01-31 14:00,FOMC,big\n2024-03-12 08:30,CPI,big\n'));
    expect(cal.size).toBe(2);
    const evs = cal.eventsBetween(0, Number.MAX_SAFE_INTEGER);
    expect(evs.map((e) => e.tsMs)).toEqual([Date.UTC(2024, 0, 31, 19, 0), Date.UTC(2024, 2, 12, 12, 30)]);
    expect(cal.eventsBetween(Date.UTC(2024, 2, 12, 12, 30), Date.UTC(2024, 2, 12, 12, 30)).map((e) => e.name)).toEqual(['CPI']);
  });
  it('names file and line on a malformed time', () => {
    expect(() => readCalendarCsv(file('cb.csv', 'datetime_et,event,tier\n2024-01-31 2pm,FOMC,big\n'))).toThrow(/line 2: datetime_et/);
  });
  it.skipIf(!existsSync(join(sharedDir, SHARED_CALENDAR_FILE)))('reads the shared calendar (skipped when /work/shared/data is absent)', () => {
    expect(readCalendarCsv(join(sharedDir, SHARED_CALENDAR_FILE)).size).toBe(563);
  });
});
