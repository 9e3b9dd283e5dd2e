// Tests of the hand-written US time-zone arithmetic against known DST instants and Intl as a reference.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  civilFromDays,
  daysFromCivil,
  formatIsoInZone,
  localToUtc,
  localToUtcCandidates,
  naiveLocalMs,
  toLocalParts,
  zoneOffsetMinutes,
} from '../../src/domain/time.ts';

const utc = (s: string) => Date.parse(s);

describe('civil date arithmetic', () => {
  it('round-trips day numbers for any date from 1900 to 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(1900, 1, 1), max: daysFromCivil(2100, 12, 31) }), (d) => {
        const c = civilFromDays(d);
        expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
      }),
    );
  });

  it('agrees with Date.UTC', () => {
    expect(daysFromCivil(2024, 2, 29) * 86_400_000).toBe(Date.UTC(2024, 1, 29));
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });
});

describe('US Eastern DST', () => {
  it('switches to EDT at 07:00 UTC on the second Sunday of March 2023', () => {
    expect(zoneOffsetMinutes('America/New_York', utc('2023-03-12T06:59:59Z'))).toBe(-300);
    expect(zoneOffsetMinutes('America/New_York', utc('2023-03-12T07:00:00Z'))).toBe(-240);
  });

  it('switches back to EST at 06:00 UTC on the first Sunday of November 2023', () => {
    expect(zoneOffsetMinutes('America/New_York', utc('2023-11-05T05:59:59Z'))).toBe(-240);
    expect(zoneOffsetMinutes('America/New_York', utc('2023-11-05T06:00:00Z'))).toBe(-300);
  });

  it('uses the pre-2007 rule (first Sunday of April, last Sunday of October)', () => {
    expect(zoneOffsetMinutes('America/New_York', utc('2006-04-02T06:59:00Z'))).toBe(-300);
    expect(zoneOffsetMinutes('America/New_York', utc('2006-04-02T07:00:00Z'))).toBe(-240);
    expect(zoneOffsetMinutes('America/New_York', utc('2006-10-29T05:59:00Z'))).toBe(-240);
    expect(zoneOffsetMinutes('America/New_York', utc('2006-10-29T06:00:00Z'))).toBe(-300);
  });

  it('Chicago switches one hour later in UTC terms and is always one hour behind New York', () => {
    expect(zoneOffsetMinutes('America/Chicago', utc('2023-03-12T07:59:00Z'))).toBe(-360);
    expect(zoneOffsetMinutes('America/Chicago', utc('2023-03-12T08:00:00Z'))).toBe(-300);
    expect(zoneOffsetMinutes('America/Chicago', utc('2023-07-01T12:00:00Z'))).toBe(-300);
  });

  it('matches Intl for random instants between 2008 and 2030 (both zones)', () => {
    const fmt = (zone: string) =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    const fNy = fmt('America/New_York');
    const fCh = fmt('America/Chicago');
    fc.assert(
      fc.property(fc.integer({ min: utc('2008-01-01T00:00:00Z') / 60000, max: utc('2030-12-31T00:00:00Z') / 60000 }), (minute) => {
        const ms = minute * 60000;
        for (const [zone, f] of [
          ['America/New_York', fNy],
          ['America/Chicago', fCh],
        ] as const) {
          const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
          const p = toLocalParts(zone, ms);
          expect([p.year, p.month, p.day, p.hour, p.minute]).toEqual([
            Number(parts.year),
            Number(parts.month),
            Number(parts.day),
            Number(parts.hour),
            Number(parts.minute),
          ]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('local to UTC', () => {
  it('finds no instant for 02:30 on the spring-forward day', () => {
    expect(localToUtcCandidates('America/New_York', naiveLocalMs(2023, 3, 12, 2, 30))).toEqual([]);
    expect(localToUtc('America/New_York', naiveLocalMs(2023, 3, 12, 2, 30))).toBeNull();
  });

  it('finds two instants for 01:30 on the fall-back day, EDT first', () => {
    const c = localToUtcCandidates('America/New_York', naiveLocalMs(2023, 11, 5, 1, 30));
    expect(c).toEqual([utc('2023-11-05T05:30:00Z'), utc('2023-11-05T06:30:00Z')]);
    expect(localToUtc('America/New_York', naiveLocalMs(2023, 11, 5, 1, 30), 'later')).toBe(utc('2023-11-05T06:30:00Z'));
  });

  it('converts a summer and a winter open both ways', () => {
    expect(localToUtc('America/New_York', naiveLocalMs(2023, 7, 3, 9, 30))).toBe(utc('2023-07-03T13:30:00Z'));
    expect(localToUtc('America/New_York', naiveLocalMs(2023, 1, 3, 9, 30))).toBe(utc('2023-01-03T14:30:00Z'));
    expect(formatIsoInZone('America/New_York', utc('2023-07-03T13:30:00Z'))).toBe('2023-07-03T09:30:00-04:00');
    expect(formatIsoInZone('America/Chicago', utc('2023-01-03T14:30:00Z'))).toBe('2023-01-03T08:30:00-06:00');
  });

  it('formats ISO times like the field-by-field formula, across DST changes, zones taken in turn and half-hour offsets', () => {
    const pad = (n: number) => String(n).padStart(2, '0');
    const reference = (zone: string, ms: number) => {
      const off = zoneOffsetMinutes(zone, ms);
      const p = toLocalParts(zone, ms);
      const a = Math.abs(off);
      return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
    };
    const zones = ['America/New_York', 'America/Chicago', 'UTC', '+05:30', '-03:45'];
    // Every 7 minutes 13 seconds through both 2023 DST changes in New York, the zones interleaved.
    for (const start of [utc('2023-03-12T04:00:00Z'), utc('2023-11-05T03:00:00Z')])
      for (let ms = start; ms < start + 6 * 3_600_000; ms += 433_000)
        for (const zone of zones) expect(formatIsoInZone(zone, ms)).toBe(reference(zone, ms));
    expect(formatIsoInZone('+05:30', utc('2023-01-01T18:45:30Z'))).toBe('2023-01-02T00:15:30+05:30');
  });

  it('handles fixed offsets and UTC', () => {
    expect(localToUtc('+02:00', naiveLocalMs(2023, 1, 1, 2, 0))).toBe(utc('2023-01-01T00:00:00Z'));
    expect(localToUtc('UTC', naiveLocalMs(2023, 1, 1, 2, 0))).toBe(utc('2023-01-01T02:00:00Z'));
    expect(() => zoneOffsetMinutes('Mars/Olympus', 0)).toThrow(/unknown time zone/);
  });
});
