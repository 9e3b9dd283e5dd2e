// In-sample detection (issue 13, defect 6): a saved model whose training range overlaps the backtest is flagged
// in summary.json and in red in the report; so is a retrain whose validation days the current model was trained on.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacktestJob } from '../../src/backtest/backtestJob.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runRetrain } from '../../src/regime/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

describe('in-sample runs', () => {
  const { series, test, model } = syntheticSetup();
  const ctx = buildRunContext(testConfig(), 'backtest');

  it('a saved model trained on part of the backtest period marks the run in-sample, with the ranges, in red in the report', () => {
    const dir = join(tmp.dir, 'overlap');
    const { summary } = runBacktestJob(ctx, { series, dataLabel: 'synthetic', model, outDir: dir });
    expect(summary.inSample).toBe(true);
    expect(summary.inSampleReason).toMatch(/^the model was trained on bars from 2024-01-02 to .* which overlap the tested bars 2024-01-02 to /);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).inSample).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<div class="warn">IN-SAMPLE: the model was trained on bars from/);
  });

  it('a saved model trained before the backtest period is out of sample', () => {
    const { summary } = runBacktestJob(ctx, { series: test, dataLabel: 'synthetic', model, outDir: null });
    expect(summary).toMatchObject({ inSample: false, inSampleReason: null });
  });

  it('a model trained on the run’s own bars (--train) is in-sample', () => {
    const { summary } = runBacktestJob(ctx, { series: sliceBarSeries(test, 0, 20 * 78), dataLabel: 'synthetic', model: null, outDir: null });
    expect(summary.inSampleReason).toContain('--train');
  });

  it('retrain says when the current model was trained on the validation days', () => {
    const c = testConfig().config;
    const settings = { windowDays: 30, validationDays: 5 };
    // the model was trained on the first 100 days: validation days 96-100 are in its training range
    const overlap = runRetrain(sliceBarSeries(series, 0, 100 * 78), model, c, settings);
    expect(overlap.currentInSample).toMatch(/^the model was trained on bars from 2024-01-02/);
    const clean = runRetrain(sliceBarSeries(series, 0, 110 * 78), model, c, settings);
    expect(clean.currentInSample).toBeNull();
  });
});
