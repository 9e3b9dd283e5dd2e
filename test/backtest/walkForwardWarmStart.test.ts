// walk_forward.warm_start_every: windows run in fixed chains (the first of each fits fresh, the others start EM from
// the window before), so the output does not depend on the worker count; the re-standardized start describes the
// same Gaussians; several instruments refuse the key.

import { describe, expect, it } from 'vitest';
import { rollingWindows } from '../../src/backtest/walkForwardPlan.ts';
import { runPortfolioWalkForward, runWalkForward, warmStartChains } from '../../src/app/walkForward.ts';
import { generateSyntheticBars, selectTradingDates, tradingDatesOf } from '../../src/data/index.ts';
import { trainRegimeModel } from '../../src/regime/index.ts';
import { warmStartParams } from '../../src/regime/warmStart.ts';
import { testConfig } from '../support/backtestFixtures.ts';

const series = generateSyntheticBars({ seed: 8, days: 50, startDate: '2024-03-01' }).series;
const windows = rollingWindows(tradingDatesOf(series), 20, 5, 5);
const hmm = { n_iter: 40, restarts: 2 };

describe('warm-started walk-forward', () => {
  it('cuts the windows into chains of N in order', () => {
    expect(warmStartChains(windows, 3).map((c) => c.map((w) => w.index))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(warmStartChains(windows, 0)).toEqual(windows.map((w) => [w]));
    expect(warmStartChains(windows, 1)).toEqual(windows.map((w) => [w]));
  });

  it('fits the first window of each chain fresh and warm-starts the rest, the same on 1 and 2 workers', async () => {
    expect(windows).toHaveLength(6);
    const fresh = await runWalkForward({ loaded: testConfig({ hmm }), series, windows, jobs: 1 });
    const warm = testConfig({ hmm, walk_forward: { warm_start_every: 3 } });
    const one = await runWalkForward({ loaded: warm, series, windows, jobs: 1 });
    const two = await runWalkForward({ loaded: warm, series, windows, jobs: 2 });
    expect(two.map((r) => r.modelJson)).toEqual(one.map((r) => r.modelJson));
    expect(two.map((r) => r.trades)).toEqual(one.map((r) => r.trades));
    for (const i of [0, 3]) expect(one[i]!.modelJson).toBe(fresh[i]!.modelJson);
    for (const i of [1, 2, 4, 5]) {
      // one EM run from the previous model instead of 2 k-means restarts: another fit of the same data
      expect(one[i]!.modelJson).not.toBe(fresh[i]!.modelJson);
      expect(one[i]!.trainBars).toBe(fresh[i]!.trainBars);
    }
  });

  it('refuses the key with several instruments (every window there fits fresh)', async () => {
    const loaded = testConfig({ hmm, walk_forward: { warm_start_every: 4 } });
    await expect(runPortfolioWalkForward({ loaded, series: new Map([['MNQ', series]]), windows, jobs: 1 })).rejects.toThrow(
      /walk_forward.warm_start_every 4 applies to a one-instrument walk-forward/,
    );
  });
});

describe('warmStartParams', () => {
  it('re-expresses the Gaussians in the new standardization, with no probability at exactly 0', () => {
    const loaded = testConfig({ hmm });
    const dates = tradingDatesOf(series);
    const a = trainRegimeModel(selectTradingDates(series, dates[0]!, dates[19]!), loaded.config).model;
    const b = trainRegimeModel(selectTradingDates(series, dates[10]!, dates[29]!), loaded.config).model;
    const p = warmStartParams(a, a.features.names, b.standardization);
    const d = a.params.nFeatures;
    for (let s = 0; s < a.params.nStates; s++) {
      for (let j = 0; j < d; j++) {
        const before = a.params.means[s * d + j]! * a.standardization.std[j]! + a.standardization.mean[j]!;
        const after = p.means[s * d + j]! * b.standardization.std[j]! + b.standardization.mean[j]!;
        expect(after).toBeCloseTo(before, 12);
        const sdBefore = Math.sqrt(a.params.covars[s * d + j]!) * a.standardization.std[j]!;
        const sdAfter = Math.sqrt(p.covars[s * d + j]!) * b.standardization.std[j]!;
        expect(sdAfter / sdBefore).toBeCloseTo(1, 12);
      }
    }
    for (const v of [...p.startProb, ...p.transMat]) expect(v).toBeGreaterThan(0);
    const k = p.nStates;
    for (let i = 0; i < k; i++) expect(p.transMat.slice(i * k, i * k + k).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(() => warmStartParams(a, ['log_return'], b.standardization)).toThrow(/warm start: the previous model has features/);
  });
});
