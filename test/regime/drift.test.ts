// Tests of the DriftMonitor: sign-safe ratio, day-based rolling window, and on synthetic bars it fires
// after a regime-parameter shift (volatility x1.8) but not on more data from the training dynamics.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.ts';
import { barAt, type BarSeries } from '../../src/domain/bar.ts';
import { DAY_MS } from '../../src/domain/time.ts';
import { DEFAULT_DYNAMICS, generateSyntheticBars, type RegimeDynamics } from '../../src/data/synthetic.ts';
import { RegimeDetector, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import { DriftMonitor, driftRatio, type DriftStatus } from '../../src/regime/drift.ts';

// 2024-03-04 14:30 UTC = 09:30 ET, a Monday.
const MONDAY_OPEN_MS = Date.UTC(2024, 2, 4, 14, 30);

describe('driftRatio', () => {
  it('is 1 at the baseline and below 1 when the mean log-likelihood is worse (more negative)', () => {
    expect(driftRatio(-2, -2)).toBe(1);
    expect(driftRatio(-2.4, -2)).toBeCloseTo(0.8, 12);
    expect(driftRatio(-1.6, -2)).toBeCloseTo(1.2, 12);
  });

  it('stays sign-safe for a positive baseline', () => {
    expect(driftRatio(0.8, 1)).toBeCloseTo(0.8, 12);
    expect(driftRatio(1.2, 1)).toBeCloseTo(1.2, 12);
  });

  it('decreases whenever the mean gets worse, for any baseline (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (base, mean, worse) => {
          expect(driftRatio(mean - worse, base)).toBeLessThan(driftRatio(mean, base));
        },
      ),
    );
  });
});

describe('DriftMonitor window', () => {
  const monitor = () => new DriftMonitor({ baselineLogLikelihoodPerBar: -2, thresholdFraction: 0.2, windowDays: 3, minBars: 3 });
  const feed = (m: DriftMonitor, day: number, values: number[]): DriftStatus => {
    let st = m.status();
    values.forEach((v, i) => {
      st = m.observe(MONDAY_OPEN_MS + day * DAY_MS + i * 300_000, v);
    });
    return st;
  };

  it('is not warm (never drifting) before the window holds windowDays trading days', () => {
    const m = monitor();
    expect(feed(m, 0, [-9, -9]).drifting).toBe(false);
    const st = feed(m, 1, [-9, -9]);
    expect(st.warm).toBe(false);
    expect(st.days).toBe(2);
    expect(st.ratio).toBeLessThan(0);
  });

  it('drifts when the mean is more than 20% worse, and recovers as bad days slide out', () => {
    const m = monitor();
    feed(m, 0, [-2.5, -2.5]);
    feed(m, 1, [-2.5, -2.5]);
    const bad = feed(m, 2, [-2.5, -2.5]);
    expect(bad.warm).toBe(true);
    expect(bad.ratio).toBeCloseTo(0.75, 12);
    expect(bad.drifting).toBe(true);
    feed(m, 3, [-2, -2]);
    feed(m, 4, [-2, -2]);
    const good = feed(m, 5, [-2, -2]);
    expect(good.days).toBe(3);
    expect(good.bars).toBe(6);
    expect(good.rollingMeanLogLikelihood).toBeCloseTo(-2, 12);
    expect(good.drifting).toBe(false);
  });

  it('exactly 20% worse is not drift; a hair more is', () => {
    const m = new DriftMonitor({ baselineLogLikelihoodPerBar: -2, thresholdFraction: 0.2, windowDays: 1, minBars: 1 });
    expect(m.observe(MONDAY_OPEN_MS, -2.4).drifting).toBe(false);
    m.reset();
    expect(m.observe(MONDAY_OPEN_MS, -2.41).drifting).toBe(true);
  });

  it('ignores non-finite values and reset(baseline) switches to a new model baseline', () => {
    const m = monitor();
    m.observe(MONDAY_OPEN_MS, Number.NaN);
    expect(m.status().bars).toBe(0);
    m.observe(MONDAY_OPEN_MS, -3);
    m.reset(-3);
    expect(m.status().bars).toBe(0);
    expect(m.observe(MONDAY_OPEN_MS, -3).ratio).toBe(1);
  });

  it('rejects settings that make no sense with a message naming the value', () => {
    expect(() => new DriftMonitor({ baselineLogLikelihoodPerBar: Number.NaN, thresholdFraction: 0.2, windowDays: 5 })).toThrow(
      /baseline must be a finite number or null \(got NaN\)/,
    );
    expect(() => new DriftMonitor({ baselineLogLikelihoodPerBar: -1, thresholdFraction: 0.2, windowDays: 0 })).toThrow(/>= 1 day \(got 0\)/);
  });
});

describe('DriftMonitor on synthetic regime bars', () => {
  // the seed's rule against the in-sample training score (the held-out baseline: driftBaseline.test.ts)
  const config = validateConfig({ hmm: { restarts: 1, n_iter: 50 }, retrain: { drift_baseline: 'training' } }, 'test config');
  // Short regimes (10 bars) so each 5-day window sees a representative mix of all five regimes.
  const model: RegimeModel = trainRegimeModel(generateSyntheticBars({ seed: 1, days: 40, meanRegimeBars: 10 }).series, config).model;
  const daily = (series: BarSeries): DriftStatus[] => {
    const det = new RegimeDetector(model);
    const mon = DriftMonitor.forModel(model, config);
    const out: DriftStatus[] = [];
    for (let i = 0; i < series.length; i++) {
      const info = det.predictRegime(barAt(series, i));
      if (!info) continue;
      const st = mon.observe(series.tsMs[i], info.logLikelihood);
      if (out.length && out[out.length - 1]!.tradingDay === st.tradingDay) out[out.length - 1] = st;
      else out.push(st);
    }
    return out;
  };
  const later = (dynamics: readonly RegimeDynamics[]) =>
    generateSyntheticBars({ seed: 7, days: 20, meanRegimeBars: 10, startDate: '2024-03-01', dynamics }).series;

  it('does not trigger on 20 more days of the training dynamics', () => {
    const days = daily(later(DEFAULT_DYNAMICS));
    expect(days.length).toBe(20);
    expect(days.filter((d) => d.warm).length).toBe(16);
    expect(days.some((d) => d.drifting)).toBe(false);
    expect(Math.min(...days.filter((d) => d.warm).map((d) => d.ratio))).toBeGreaterThan(0.8);
  });

  it('triggers once the window is full after every regime volatility rises 80%', () => {
    const shifted = DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 1.8 }));
    const days = daily(later(shifted));
    expect(days[4]!.warm).toBe(true);
    expect(days[4]!.drifting).toBe(true);
    expect(days.filter((d) => d.warm).every((d) => d.drifting)).toBe(true);
  });
});
