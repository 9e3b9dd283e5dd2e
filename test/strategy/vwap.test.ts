// Tests of the session/anchored VWAP: hand-computed values, session reset at the anchor (DST), anchored ranges.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bar } from '../../src/domain/bar.ts';
import { localToUtc, MINUTE_MS, naiveLocalMs } from '../../src/domain/time.ts';
import { bandPrice, SessionVwap, vwapPrice } from '../../src/domain/vwap.ts';

/** UTC instant of an ET wall-clock time. */
function et(y: number, mo: number, d: number, h: number, mi: number): number {
  return localToUtc('America/New_York', naiveLocalMs(y, mo, d, h, mi))!;
}
function flat(tsMs: number, p: number, v: number): Bar {
  return { tsMs, open: p, high: p, low: p, close: p, volume: v };
}

describe('SessionVwap', () => {
  it('computes VWAP and volume-weighted sigma by hand', () => {
    const v = new SessionVwap();
    const t0 = et(2024, 3, 11, 9, 30);
    v.update(flat(t0, 100, 1));
    v.update(flat(t0 + MINUTE_MS, 102, 1));
    const s = v.update(flat(t0 + 2 * MINUTE_MS, 104, 2));
    // VWAP = (100 + 102 + 2*104) / 4 = 102.5; σ² = (6.25 + 0.25 + 2*2.25) / 4 = 2.75
    expect(s.vwap).toBeCloseTo(102.5, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(2.75), 12);
    expect(s.bands.map((b) => b.multiplier)).toEqual([1, 2]);
    expect(s.bands[1]!.upper).toBeCloseTo(102.5 + 2 * Math.sqrt(2.75), 12);
    expect(s.bands[0]!.lower).toBeCloseTo(102.5 - Math.sqrt(2.75), 12);
    expect(s.volume).toBe(4);
    expect(s.barCount).toBe(3);
    expect(bandPrice(s, -2)).toBeCloseTo(s.bands[1]!.lower, 12);
  });

  it('uses the typical price (H+L+C)/3 by default and other sources on request', () => {
    const bar: Bar = { tsMs: 0, open: 98, high: 103, low: 99, close: 101, volume: 5 };
    expect(vwapPrice(bar, 'typical')).toBe(101);
    expect(vwapPrice(bar, 'close')).toBe(101);
    expect(vwapPrice(bar, 'ohlc4')).toBe(100.25);
    const v = new SessionVwap();
    expect(v.update({ ...bar, tsMs: et(2024, 1, 3, 10, 0) }).vwap).toBe(101);
  });

  it('resets at 09:30 ET: a 09:29 bar continues the old session, 09:30 starts a new one', () => {
    const v = new SessionVwap();
    v.update(flat(et(2024, 1, 3, 9, 30), 100, 1));
    v.update(flat(et(2024, 1, 3, 15, 59), 110, 1));
    const pre = v.update(flat(et(2024, 1, 4, 9, 29), 120, 2));
    expect(pre.barCount).toBe(3);
    expect(pre.vwap).toBeCloseTo((100 + 110 + 240) / 4, 12);
    const open = v.update(flat(et(2024, 1, 4, 9, 30), 130, 3));
    expect(open.barCount).toBe(1);
    expect(open.vwap).toBe(130);
    expect(open.std).toBe(0);
    expect(v.sessionStartTsMs).toBe(et(2024, 1, 4, 9, 30));
  });

  it('resets at the ET anchor across the DST switch (14:30 UTC in winter, 13:30 UTC in summer)', () => {
    const v = new SessionVwap();
    v.update(flat(Date.UTC(2024, 2, 7, 14, 30), 100, 1)); // Thu 7 Mar 2024 09:30 EST
    expect(v.update(flat(Date.UTC(2024, 2, 8, 14, 29), 100, 1)).barCount).toBe(2); // Fri 09:29 EST
    expect(v.update(flat(Date.UTC(2024, 2, 8, 14, 30), 100, 1)).barCount).toBe(1); // Fri 09:30 EST
    expect(v.update(flat(Date.UTC(2024, 2, 11, 13, 30), 101, 1)).barCount).toBe(1); // Mon 09:30 EDT
    expect(v.update(flat(Date.UTC(2024, 2, 12, 13, 29), 101, 1)).barCount).toBe(2); // Tue 09:29 EDT
    expect(v.update(flat(Date.UTC(2024, 2, 12, 13, 30), 102, 1)).barCount).toBe(1); // Tue 09:30 EDT
  });

  it('supports a configured anchor time and time zone', () => {
    const v = new SessionVwap({ anchorTime: '08:30', timeZone: 'America/Chicago', bandMultipliers: [1.5] });
    v.update(flat(et(2024, 1, 3, 9, 29), 100, 1));
    const s = v.update(flat(et(2024, 1, 3, 9, 30), 104, 1)); // 08:30 CT
    expect(s.barCount).toBe(1);
    expect(s.bands).toHaveLength(1);
    expect(s.bands[0]!.multiplier).toBe(1.5);
  });

  it('gives VWAP anchored at an earlier bar, across a session reset', () => {
    const v = new SessionVwap();
    const t0 = et(2024, 3, 11, 9, 30);
    v.update(flat(t0, 100, 1));
    v.update(flat(t0 + MINUTE_MS, 102, 1));
    v.update(flat(t0 + 2 * MINUTE_MS, 104, 2));
    const a = v.getAnchored(t0 + MINUTE_MS)!;
    // bars 2..3: VWAP = (102 + 208) / 3; σ² = ((4/3)² + 2(2/3)²) / 3 = 8/9
    expect(a.vwap).toBeCloseTo(310 / 3, 12);
    expect(a.std).toBeCloseTo(Math.sqrt(8 / 9), 12);
    expect(a.anchorTsMs).toBe(t0 + MINUTE_MS);
    // an anchor between bars starts at the next bar
    expect(v.getAnchored(t0 + 30_000)!.barCount).toBe(2);
    // next day's session: anchored at the first bar still spans both days
    const next = et(2024, 3, 12, 9, 30);
    expect(v.update(flat(next, 110, 4)).barCount).toBe(1);
    const all = v.getAnchored(t0)!;
    expect(all.barCount).toBe(4);
    expect(all.vwap).toBeCloseTo((100 + 102 + 208 + 440) / 8, 12);
    expect(v.getAnchored(next + 1)).toBeNull();
  });

  it('returns null for an anchor older than the kept history', () => {
    const v = new SessionVwap({ maxHistoryBars: 4 });
    const days = [3, 4, 5, 8, 9];
    for (const d of days) v.update(flat(et(2024, 1, d, 10, 0), 100 + d, 1));
    expect(v.getAnchored(et(2024, 1, 3, 10, 0))).toBeNull();
    expect(v.getAnchored(et(2024, 1, 8, 10, 0))!.vwap).toBeCloseTo((108 + 109) / 2, 12);
    expect(v.current!.barCount).toBe(1);
  });

  it('keeps the last price as VWAP while no volume has traded and ignores out-of-order bars', () => {
    const v = new SessionVwap();
    const t0 = et(2024, 1, 3, 9, 30);
    expect(v.update(flat(t0, 100, 0)).vwap).toBe(100);
    const s = v.update(flat(t0 + MINUTE_MS, 101, 0));
    expect(s.vwap).toBe(101);
    expect(s.std).toBe(0);
    expect(v.update(flat(t0, 500, 9))).toBe(s);
  });

  it('rejects a malformed anchor time', () => {
    expect(() => new SessionVwap({ anchorTime: '9h30' })).toThrow(RangeError);
  });

  it('matches a two-pass computation at index-level prices (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ p: fc.double({ min: 18000, max: 22000, noNaN: true }), v: fc.integer({ min: 0, max: 5000 }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        (rows) => {
          const v = new SessionVwap();
          const t0 = et(2024, 1, 3, 9, 30);
          let snap = null;
          rows.forEach((r, i) => (snap = v.update(flat(t0 + i * MINUTE_MS, r.p, r.v))));
          const V = rows.reduce((a, r) => a + r.v, 0);
          if (V === 0) return;
          const mean = rows.reduce((a, r) => a + r.v * r.p, 0) / V;
          const varr = rows.reduce((a, r) => a + r.v * (r.p - mean) ** 2, 0) / V;
          expect(snap!.vwap).toBeCloseTo(mean, 6);
          expect(snap!.std).toBeCloseTo(Math.sqrt(varr), 4);
        },
      ),
    );
  });
});

describe('SessionVwap with an anchor in the skipped spring-forward hour', () => {
  it('starts the new session at the first bar after the gap', () => {
    const v = new SessionVwap({ anchorTime: '02:30' });
    v.update(flat(Date.UTC(2024, 2, 9, 7, 30), 100, 1)); // Sat 9 Mar 02:30 EST
    v.update(flat(Date.UTC(2024, 2, 10, 6, 59), 100, 1)); // Sun 10 Mar 01:59 EST
    expect(v.update(flat(Date.UTC(2024, 2, 10, 7, 0), 100, 1)).barCount).toBe(1); // 03:00 EDT, after the gap
  });
});
