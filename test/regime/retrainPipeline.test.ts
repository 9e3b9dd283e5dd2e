// Tests of the retrain pipeline core on crafted synthetic histories: keeps the current model when the new
// one is worse on the held-out days, swaps when better, never trains on validation days, re-derives labels.

import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.ts';
import { allocateBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { DataError } from '../../src/domain/errors.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { dateKeyOfDays } from '../../src/domain/time.ts';
import { DEFAULT_DYNAMICS, generateSyntheticBars, type RegimeDynamics } from '../../src/data/synthetic.ts';
import { hashBars, permuteStates, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import { mapLabels, relabelByMeanReturn } from '../../src/regime/retrain/labelMapping.ts';
import { runRetrain, splitForRetrain } from '../../src/regime/retrain/pipeline.ts';
import { SeriesHistorySource } from '../../src/regime/retrain/historySource.ts';

const config = validateConfig({ hmm: { restarts: 1, n_iter: 40 } }, 'test config');
const SHIFTED: readonly RegimeDynamics[] = DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 1.8, meanVolume: d.meanVolume * 2 }));
const settings = { windowDays: 20, validationDays: 5 };

/** Concatenates series that follow each other in time. */
export function concatSeries(parts: readonly BarSeries[]): BarSeries {
  const out = allocateBarSeries(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    for (const k of ['tsMs', 'open', 'high', 'low', 'close', 'volume'] as const) out[k].set(p[k], o);
    o += p.length;
  }
  return out;
}

const bars = (seed: number, days: number, startDate: string, dynamics: readonly RegimeDynamics[]) =>
  generateSyntheticBars({ seed, days, startDate, dynamics, meanRegimeBars: 20 }).series;
// The current model knows the default dynamics (trained on Jan-Feb 2024).
const current: RegimeModel = trainRegimeModel(bars(1, 30, '2024-01-02', DEFAULT_DYNAMICS), config).model;
const dayKey = (tsMs: number) => dateKeyOfDays(sessionInfo(tsMs).tradingDay);

describe('splitForRetrain', () => {
  const series = bars(5, 30, '2024-03-01', DEFAULT_DYNAMICS);

  it('takes the last validation days and the window before them, with no overlap', () => {
    const s = splitForRetrain(series, settings);
    expect(s.validationDates.days).toBe(5);
    expect(s.trainDates.days).toBe(20);
    expect(s.train.tsMs[s.train.length - 1]!).toBeLessThan(s.validationFromTsMs);
    expect(dayKey(s.train.tsMs[s.train.length - 1]!) < s.validationDates.from).toBe(true);
    expect(s.scoring.tsMs[s.scoring.length - 1]).toBe(series.tsMs[series.length - 1]);
    expect(s.trainDates.to < s.validationDates.from).toBe(true);
  });

  it('refuses a history shorter than the validation period plus two training days', () => {
    const short = bars(5, 6, '2024-03-01', DEFAULT_DYNAMICS);
    const e = (() => {
      try {
        splitForRetrain(short, { windowDays: 20, validationDays: 5 });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).code).toBe('RETRAIN_TOO_FEW_DAYS');
    expect((e as DataError).message).toContain('found 5 + 1 trading days');
  });

  it('SeriesHistorySource returns only the last N trading days before the cut-off', () => {
    const src = new SeriesHistorySource(series);
    const cut = series.tsMs[series.length - 1]! - 3 * 86_400_000;
    const got = src.latestBarsSync(7, cut);
    expect(got.tsMs[got.length - 1]!).toBeLessThan(cut);
    const days = new Set(Array.from(got.tsMs, dayKey));
    expect(days.size).toBe(7);
  });
});

describe('runRetrain', () => {
  it('keeps the current model when the new one (trained on shifted days) is worse on the held-out days', () => {
    const series = concatSeries([bars(11, 20, '2024-03-01', SHIFTED), bars(12, 5, '2024-04-01', DEFAULT_DYNAMICS)]);
    const o = runRetrain(series, current, config, settings);
    expect(o.decision).toBe('kept');
    expect(o.code).toBe('NEW_NOT_BETTER');
    expect(o.currentScore!).toBeGreaterThan(o.newScore);
    expect(o.reason).toContain('current model is at least as good');
  });

  it('swaps when the new model is better on the held-out days', () => {
    const series = concatSeries([bars(11, 20, '2024-03-01', SHIFTED), bars(12, 5, '2024-04-01', SHIFTED)]);
    const o = runRetrain(series, current, config, settings);
    expect(o.decision).toBe('swapped');
    expect(o.code).toBe('NEW_BETTER');
    expect(o.newScore).toBeGreaterThan(o.currentScore!);
    expect(o.validationBars).toBe(5 * 78);
  });

  it('keeps the current model when the gain is below minImprovementPerBar', () => {
    const series = concatSeries([bars(11, 20, '2024-03-01', SHIFTED), bars(12, 5, '2024-04-01', SHIFTED)]);
    const o = runRetrain(series, current, config, { ...settings, minImprovementPerBar: 1e6 });
    expect(o.decision).toBe('kept');
  });

  it('trains the new model only on bars before the validation period', () => {
    const series = bars(21, 25, '2024-03-01', DEFAULT_DYNAMICS);
    const split = splitForRetrain(series, settings);
    const o = runRetrain(series, current, config, settings);
    expect(o.newModel.training.toTsMs).toBeLessThan(split.validationFromTsMs);
    expect(o.newModel.training.dataHash).toBe(hashBars(split.train));
    expect(o.newModel.training.sequences).toBe(20);
    expect(o.trainDates.to < o.validationDates.from).toBe(true);
  });

  it('gives the new model sorted labels with label_matching sort and maps every old label to a new one', () => {
    const series = bars(21, 25, '2024-03-01', DEFAULT_DYNAMICS);
    const o = runRetrain(series, current, { ...config, retrain: { ...config.retrain, label_matching: 'sort' } }, settings);
    expect(o.newModel.labels).toEqual(['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH']);
    const d = o.newModel.params.nFeatures;
    for (let s = 1; s < 5; s++) expect(o.newModel.params.means[s * d]!).toBeLessThan(o.newModel.params.means[(s - 1) * d]!);
    expect(o.labelMapping.map((m) => m.oldLabel)).toEqual(current.labels);
    expect(o.labelMapping.reduce((a, m) => a + m.bars, 0)).toBe(o.validationBars);
    // Same dynamics: the most distinct regime (highest volatility) keeps its name.
    expect(o.labelMapping.find((m) => m.oldLabel === 'CRASH')!.newLabel).toBe('CRASH');
  });

  it('swaps without a comparison when there is no current model', () => {
    const o = runRetrain(bars(21, 25, '2024-03-01', DEFAULT_DYNAMICS), null, config, settings);
    expect(o.decision).toBe('swapped');
    expect(o.code).toBe('NO_CURRENT_MODEL');
    expect(o.currentScore).toBeNull();
  });
});

describe('relabelByMeanReturn and mapLabels', () => {
  it('re-sorts a model whose states were shuffled and restores the labels', () => {
    const shuffled: RegimeModel = { ...current, params: permuteStates(current.params, [3, 0, 4, 1, 2]) };
    const back = relabelByMeanReturn(shuffled, config);
    expect(Array.from(back.params.means)).toEqual(Array.from(current.params.means));
    expect(Array.from(back.params.transMat)).toEqual(Array.from(current.params.transMat));
    expect(back.labels).toEqual(current.labels);
  });

  it('maps each old label to the new label most of its bars got', () => {
    const m = mapLabels(['BULL', 'BEAR'], Int32Array.from([0, 0, 0, 1, 1]), ['STRONG_BULL', 'BULL', 'CRASH'], Int32Array.from([1, 1, 0, 2, 2]));
    expect(m).toEqual([
      { oldLabel: 'BULL', newLabel: 'BULL', share: 2 / 3, bars: 3 },
      { oldLabel: 'BEAR', newLabel: 'CRASH', share: 1, bars: 2 },
    ]);
  });
});
