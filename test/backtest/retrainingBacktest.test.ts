// Tests of the retraining backtest: both runs on the same bars, retrains only on bars that had closed,
// schedule and drift triggers in simulated time, a swap after a volatility shift, determinism, outputs.

import { buildRunContext } from '../../src/app/runContext.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sliceBarSeries, allocateBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { DEFAULT_DYNAMICS, generateSyntheticBars } from '../../src/data/synthetic.ts';
import { trainRegimeModel } from '../../src/regime/index.ts';
import { runRetrainingBacktest } from '../../src/backtest/retrainingBacktest.ts';
import { runBacktestJob } from '../../src/backtest/backtestJob.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-rtbt-');
const loaded = testConfig({ retrain: { window_days: 20, validation_days: 5, schedule_days: 28 } });

function concat(parts: readonly BarSeries[]): BarSeries {
  const out = allocateBarSeries(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    for (const k of ['tsMs', 'open', 'high', 'low', 'close', 'volume'] as const) out[k].set(p[k], o);
    o += p.length;
  }
  return out;
}

// 30 days to train the starting model, 30 more of the same dynamics, then 30 with 80% more volatility.
const history = concat([
  generateSyntheticBars({ seed: 41, days: 60, startDate: '2024-01-02', meanRegimeBars: 20 }).series,
  generateSyntheticBars({
    seed: 42,
    days: 30,
    startDate: '2024-03-27',
    meanRegimeBars: 20,
    dynamics: DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 1.8 })),
  }).series,
]);
const model = trainRegimeModel(sliceBarSeries(history, 0, 30 * 78), loaded.config).model;
const series = sliceBarSeries(history, 30 * 78, history.length);

describe('runRetrainingBacktest', () => {
  const outDir = join(tmp.dir, 'out');
  const r = runRetrainingBacktest(buildRunContext(loaded, 'backtest'), { series, history, model, dataLabel: 'synthetic', outDir });

  it('runs the fixed model exactly as a plain backtest with that model', () => {
    const plain = runBacktestJob(buildRunContext(loaded, 'backtest'), { series, dataLabel: 'synthetic', model, outDir: null });
    expect(r.fixed).toEqual(plain.summary);
  });

  it('counts the retrains each trigger caused and scores every swap on the period after it (issue 13 defect 12)', () => {
    const t = r.tally;
    expect(Object.values(t.byTrigger).reduce((a, x) => a + x.retrains, 0)).toBe(r.retrains.length);
    expect(Object.values(t.byTrigger).reduce((a, x) => a + x.swaps, 0)).toBe(r.retrains.filter((x) => x.decision === 'swapped').length);
    expect(t.swapsScored).toBeGreaterThan(0);
    for (const e of t.swaps) {
      expect(e.improved).toBe(e.newScore > e.previousScore);
      expect(e.periodFrom >= e.tradingDate).toBe(true);
    }
    expect(t.swapsImproved).toBe(t.swaps.filter((e) => e.improved).length);
    const cmp = JSON.parse(readFileSync(join(outDir, 'comparison.json'), 'utf8'));
    expect(cmp).toMatchObject({
      retrainsByTrigger: t.byTrigger,
      swapsScored: t.swapsScored,
      swapsImprovedNextPeriod: t.swapsImproved,
      driftBaseline: 'held_out',
    });
  });

  it('retrains on drift, each only on bars that had closed by the decision', () => {
    expect(r.retrains.length).toBeGreaterThanOrEqual(2);
    expect(r.retrains.some((x) => x.trigger.kind === 'drift')).toBe(true);
    for (const x of r.retrains) {
      expect(x.decision).not.toBe('failed');
      expect(x.validationTo! <= x.tradingDate).toBe(true);
      expect(x.trainTo! < x.validationFrom!).toBe(true);
    }
  });

  it('with drift off, retrains on the schedule every schedule_days from the last training', () => {
    const sched = runRetrainingBacktest(buildRunContext(loaded, 'backtest'), {
      series,
      history,
      model,
      dataLabel: 'synthetic',
      outDir: null,
      drift: false,
    });
    expect(sched.retrains.map((x) => x.trigger.kind).every((k) => k === 'schedule')).toBe(true);
    const times = [model.training.toTsMs, ...sched.retrains.map((x) => x.tsMs)];
    expect(sched.retrains.length).toBe(3);
    for (let i = 1; i < times.length; i++) {
      const days = (times[i]! - times[i - 1]!) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(28);
      expect(days).toBeLessThan(32);
    }
  });

  it('swaps in a new model after the volatility shift', () => {
    const shift = Date.UTC(2024, 2, 27);
    const after = r.retrains.filter((x) => x.tsMs >= shift);
    expect(after.some((x) => x.decision === 'swapped')).toBe(true);
    expect(r.finalModel).not.toBe(model);
    expect(sessionInfo(r.finalModel.training.toTsMs).tradingDate >= '2024-03-27').toBe(true);
  });

  it('writes both runs, the retrain log and the comparison, and the report has the extra section', () => {
    for (const f of [
      'fixed/summary.json',
      'retraining/summary.json',
      'retraining/trades.csv',
      'retraining/retrains.json',
      'retraining/final-model.json',
      'comparison.json',
    ])
      expect(existsSync(join(outDir, f))).toBe(true);
    const cmp = JSON.parse(readFileSync(join(outDir, 'comparison.json'), 'utf8')) as {
      fixed: { netPnl: number };
      retraining: { netPnl: number };
      retrains: number;
    };
    expect(cmp.fixed.netPnl).toBe(r.fixed.netPnl);
    expect(cmp.retraining.netPnl).toBe(r.retraining.netPnl);
    expect(cmp.retrains).toBe(r.retrains.length);
    expect(readFileSync(join(outDir, 'retraining/report.html'), 'utf8')).toContain('Retraining vs fixed model');
  });

  it('is deterministic', () => {
    const again = runRetrainingBacktest(buildRunContext(loaded, 'backtest'), { series, history, model, dataLabel: 'synthetic', outDir: null });
    expect(again.retraining).toEqual(r.retraining);
    expect(again.retrains).toEqual(r.retrains);
  });
});
