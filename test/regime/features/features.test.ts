// Tests of the regime features: hand-computed values, batch = streaming, causality, session handling
// (RTH filter, no overnight gap in returns, warm-up once per stream), standardization.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { barAt, barSeriesFromBars, type Bar } from '../../../src/domain/bar.ts';
import { localToUtc, naiveLocalMs } from '../../../src/domain/time.ts';
import { generateSyntheticBars } from '../../../src/data/synthetic.ts';
import {
  computeFeatures,
  FeatureStatus,
  FeatureStream,
  fitStandardization,
  standardizeRows,
  type FeatureSpec,
} from '../../../src/regime/features/index.ts';

const ALL: FeatureSpec = {
  names: ['log_return', 'realized_vol', 'log_range', 'volume_ratio', 'vwap_distance'],
  realizedVolBars: 3,
  volumeRatioBars: 2,
  rthOnly: true,
  trainRthOnly: true,
  vwapAnchorTime: '09:30',
  vwapTimeZone: 'America/New_York',
  vwapPriceSource: 'close',
};

/** A bar at ET wall-clock y-m-d h:m. */
function bar(y: number, mo: number, d: number, h: number, mi: number, o: number, hi: number, lo: number, c: number, v: number): Bar {
  return { tsMs: localToUtc('America/New_York', naiveLocalMs(y, mo, d, h, mi))!, open: o, high: hi, low: lo, close: c, volume: v };
}

describe('regime features', () => {
  it('computes hand-checked values and warms up once', () => {
    const bars = [
      bar(2024, 3, 4, 9, 30, 100, 101, 99, 100, 10),
      bar(2024, 3, 4, 9, 35, 100, 102, 100, 102, 20),
      bar(2024, 3, 4, 9, 40, 102, 103, 100, 101, 30),
      bar(2024, 3, 4, 9, 45, 101, 104, 101, 103, 40),
    ];
    const m = computeFeatures(barSeriesFromBars(bars), ALL);
    expect(Array.from(m.status)).toEqual([FeatureStatus.WARMUP, FeatureStatus.WARMUP, FeatureStatus.READY, FeatureStatus.READY]);
    const r = [Math.log(100 / 100), Math.log(102 / 100), Math.log(101 / 102), Math.log(103 / 101)];
    const row = Array.from(m.X.subarray(3 * 5, 4 * 5));
    expect(row[0]).toBeCloseTo(r[3], 14);
    expect(row[1]).toBeCloseTo(Math.sqrt((r[1] ** 2 + r[2] ** 2 + r[3] ** 2) / 3), 14);
    expect(row[2]).toBeCloseTo(Math.log(104 / 101), 14);
    expect(row[3]).toBeCloseTo(Math.log(41 / ((20 + 30) / 2 + 1)), 14);
    // close-price VWAP over 4 bars: (100*10 + 102*20 + 101*30 + 103*40) / 100
    const vwap = (1000 + 2040 + 3030 + 4120) / 100;
    const varV = (10 * (100 - vwap) ** 2 + 20 * (102 - vwap) ** 2 + 30 * (101 - vwap) ** 2 + 40 * (103 - vwap) ** 2) / 100;
    expect(row[4]).toBeCloseTo((103 - vwap) / Math.sqrt(varV), 10);
  });

  it('ignores non-RTH bars when rthOnly and takes the first bar of a day as open→close (no overnight gap)', () => {
    const bars = [
      bar(2024, 3, 4, 15, 55, 100, 101, 99, 100, 10),
      bar(2024, 3, 4, 20, 0, 100, 101, 99, 90, 10), // overnight: ignored
      bar(2024, 3, 5, 9, 30, 120, 121, 119, 121, 10),
    ];
    const fs = new FeatureStream({ ...ALL, names: ['log_return'] });
    const out = new Float64Array(1);
    expect(fs.push(bars[0], out)).toBe(FeatureStatus.READY);
    expect(fs.push(bars[1], out)).toBe(FeatureStatus.IGNORED);
    expect(fs.push(bars[2], out)).toBe(FeatureStatus.READY);
    expect(out[0]).toBeCloseTo(Math.log(121 / 120), 14);
    const all = new FeatureStream({ ...ALL, names: ['log_return'], rthOnly: false });
    all.push(bars[0], out);
    expect(all.push(bars[1], out)).toBe(FeatureStatus.READY);
    expect(out[0]).toBeCloseTo(Math.log(90 / 100), 14); // 20:00 belongs to the next trading day: open→close
  });

  const synth = generateSyntheticBars({ seed: 5, days: 6, session: 'globex' }).series;

  it.each([true, false])('batch equals streaming bar by bar (rthOnly=%s)', (rthOnly) => {
    const spec = { ...ALL, rthOnly, realizedVolBars: 12, volumeRatioBars: 20 };
    const m = computeFeatures(synth, spec);
    const fs = new FeatureStream(spec);
    const out = new Float64Array(5);
    let ready = 0;
    for (let t = 0; t < synth.length; t++) {
      const st = fs.push(barAt(synth, t), out);
      expect(st).toBe(m.status[t]);
      if (st === FeatureStatus.READY) {
        ready++;
        expect(Array.from(out)).toEqual(Array.from(m.X.subarray(t * 5, t * 5 + 5)));
      }
    }
    expect(ready).toBeGreaterThan(rthOnly ? 300 : 1000);
  });

  it('row t is unchanged when later bars are altered (causality, property)', () => {
    const spec = { ...ALL, realizedVolBars: 12, volumeRatioBars: 20 };
    const base = computeFeatures(synth, spec);
    fc.assert(
      fc.property(fc.integer({ min: 50, max: synth.length - 2 }), fc.double({ min: 0.5, max: 2, noNaN: true }), (cut, factor) => {
        const s = { ...synth, close: synth.close.slice(), high: synth.high.slice(), volume: synth.volume.slice() };
        for (let t = cut + 1; t < s.length; t++) {
          s.close[t] *= factor;
          s.high[t] = Math.max(s.high[t] * factor, s.close[t], s.open[t]);
          s.volume[t] *= 3;
        }
        const m = computeFeatures(s, spec);
        expect(Array.from(m.X.subarray(0, (cut + 1) * 5))).toEqual(Array.from(base.X.subarray(0, (cut + 1) * 5)));
      }),
      { numRuns: 10 },
    );
  });

  it('standardization gives mean 0, std 1 on the fitted rows and maps a constant feature to 0', () => {
    const X = Float64Array.of(1, 5, 2, 5, 3, 5, 6, 5);
    const s = fitStandardization(X, 2);
    expect(s.mean).toEqual([3, 5]);
    expect(s.std[1]).toBe(1);
    standardizeRows(s, X);
    const col0 = [X[0], X[2], X[4], X[6]];
    expect(col0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
    expect(Math.sqrt(col0.reduce((a, b) => a + b * b, 0) / 4)).toBeCloseTo(1, 14);
    expect([X[1], X[3]]).toEqual([0, 0]);
  });
});
