// rl train / eval / walk-forward jobs: same seed → same policy bytes, a policy trained on a run's days marks it in-sample,
// the policy seam kind rl in a backtest job, the random baseline's trade count, fold planning and bootstrap statistics.

import { describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtestJob.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { backtestPolicy, dateBlocks, randomSameTradeCount, regimeModelBefore, trainRlPolicy } from '../../src/app/rlJobs.ts';
import { describeSample, planRlFolds, runRlWalkForward } from '../../src/app/rlWalkForward.ts';
import { selectTradingDates, tradingDatesOf } from '../../src/data/tradingDates.ts';
import { policyOfFile } from '../../src/app/rlJobs.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const { series } = syntheticSetup();
const dates = tradingDatesOf(series);
const [trainFrom, trainTo] = [dates[100]!, dates[119]!];
const ppo = { nSteps: 256, batchSize: 64, nEpochs: 2 };

describe('rl jobs', () => {
  const loaded = testConfig();
  const model = regimeModelBefore(loaded, series, trainFrom, 60);

  it('same seed, same policy bytes; another seed, another policy; the file records its training window and regime model', async () => {
    const a = await trainRlPolicy({ loaded, series, from: trainFrom, to: trainTo, steps: 512, seed: 4, envs: 2, model, ppo });
    const b = await trainRlPolicy({ loaded, series, from: trainFrom, to: trainTo, steps: 512, seed: 4, envs: 2, model, ppo });
    const c = await trainRlPolicy({ loaded, series, from: trainFrom, to: trainTo, steps: 512, seed: 5, envs: 2, model, ppo });
    expect(b.text).toBe(a.text);
    // The same envs on 2 worker threads give the same bytes.
    const threaded = await trainRlPolicy({ loaded, series, from: trainFrom, to: trainTo, steps: 512, seed: 4, envs: 2, threads: 2, model, ppo });
    expect(threaded.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
    expect(a.policy.metadata['trainFrom']).toBe(trainFrom);
    expect(a.policy.metadata['trainTo']).toBe(trainTo);
    expect(typeof a.policy.metadata['regimeModel']).toBe('string');
    expect(a.policy.observation.normalizer?.count).toBeGreaterThan(500);
    expect(a.reports.length).toBe(1);
  });

  it('decision_policy kind rl in a backtest job (same trades as the policy run directly): overlapping the training window is in-sample, later days are not', async () => {
    const trained = await trainRlPolicy({ loaded, series, from: trainFrom, to: trainTo, steps: 512, seed: 2, envs: 1, model, ppo });
    const file = tmp.file('policy.json', trained.text);
    const rlLoaded = testConfig({ decision_policy: { kind: 'rl', policy: file } });
    const ctx = buildRunContext(rlLoaded, 'backtest');
    expect(ctx.policyTraining?.fromMs).toBe(trained.policy.metadata['trainFromMs']);
    const overlap = runBacktestJob(ctx, { series: selectTradingDates(series, dates[110], dates[130]), dataLabel: 'synthetic', model, outDir: null });
    expect(overlap.summary.inSample).toBe(true);
    const later = runBacktestJob(buildRunContext(rlLoaded, 'backtest'), {
      series: selectTradingDates(series, dates[125], dates[150]),
      dataLabel: 'synthetic',
      model,
      outDir: null,
    });
    expect(later.summary.inSample).toBe(false);
    const rules = runBacktestJob(buildRunContext(loaded, 'backtest'), {
      series: selectTradingDates(series, dates[125], dates[150]),
      dataLabel: 'synthetic',
      model,
      outDir: null,
    });
    expect(rules.summary.inSample).toBe(false);
    // The same policy through rlJobs gives the same trades as the configured seam.
    const direct = backtestPolicy(
      buildRunContext(loaded, 'backtest'),
      series,
      dates[125]!,
      dates[150]!,
      model,
      'rl',
      policyOfFile(ctx, trained.policy),
    );
    expect(direct.trades).toBe(later.summary.trades);
  });

  it('the random baseline trades about as often as its target', async () => {
    const ctx = buildRunContext(loaded, 'backtest');
    const target = backtestPolicy(ctx, series, dates[120]!, dates[150]!, model, 'rules', null);
    expect(target.trades).toBeGreaterThan(5);
    const r = randomSameTradeCount(ctx, series, dates[120]!, dates[150]!, model, target, 3);
    expect(r.trades).toBeGreaterThan(target.trades * 0.5);
    expect(r.trades).toBeLessThan(target.trades * 2);
  });

  it('folds: blocks in order, never overlapping, stepping by the test block; too little data is a usage error', () => {
    const folds = planRlFolds(series, { from: dates[70]!, hmmDays: 60, trainDays: 30, validationDays: 10, testDays: 10, folds: 9 });
    expect(folds.length).toBe(5);
    for (const f of folds) {
      expect(f.hmm[1] < f.train[0] && f.train[1] < f.validation[0] && f.validation[1] < f.test[0]).toBe(true);
    }
    expect(folds[1]!.train[0]).toBe(dates[80]);
    expect(() => planRlFolds(series, { from: dates[10]!, hmmDays: 60, trainDays: 30, validationDays: 10, testDays: 10, folds: 1 })).toThrow(
      /--hmm-days/,
    );
    expect(() => dateBlocks(series, '2030-01-01', '2030-02-01', 0)).toThrow(/--from/);
  });

  it('the walk-forward is deterministic: same seeds, same samples and learning curves', async () => {
    const o = {
      loaded,
      series,
      from: dates[80]!,
      hmmDays: 60,
      trainDays: 15,
      validationDays: 5,
      testDays: 5,
      folds: 1,
      seeds: [1, 2],
      steps: 512,
      checkpoints: 2,
      envs: 1,
      ppo,
    };
    const a = await runRlWalkForward(o);
    const b = await runRlWalkForward(o);
    expect(b.samples).toEqual(a.samples);
    expect(b.learning).toEqual(a.learning);
    expect(a.samples.filter((x) => x.policy === 'rl')).toHaveLength(2);
    expect(a.deflatedSharpe[0]!.trials).toBe(4);
  });

  it('describeSample: mean, sample std and a bootstrap CI around the mean', () => {
    const s = describeSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.mean).toBe(5.5);
    expect(s.std).toBeCloseTo(3.02765, 4);
    expect(s.ci95![0]).toBeLessThan(5.5);
    expect(s.ci95![1]).toBeGreaterThan(5.5);
    expect(s.ci95![1] - s.ci95![0]).toBeLessThan(5);
    expect(describeSample([])).toEqual({ n: 0, mean: null, std: null, ci95: null });
  });
});
