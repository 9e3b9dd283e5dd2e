// Walk-forward: windows never train on their own test days; parallel workers give the same result; the stitched
// out-of-sample result is one continuous account (issue 13, defect 3).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rollingWindows, splitWindow } from '../../src/backtest/walkForwardPlan.ts';
import { runWalkForward } from '../../src/app/walkForward.ts';
import { tradingDatesOf, generateSyntheticBars, barsToCsv } from '../../src/data/index.ts';
import { spawnSync } from 'node:child_process';
import { sessionInfo } from '../../src/domain/session.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { writeWalkForward } from '../../src/backtest/walkForwardJob.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const dates = (n: number) =>
  Array.from({ length: n }, (_, i) => `2024-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);

describe('window plans', () => {
  it('never trains on a day it tests, and tests only after training', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 200 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        (n, train, test, extraStep) => {
          fc.pre(train < n);
          const ds = dates(n);
          for (const w of rollingWindows(ds, train, test, test + extraStep)) {
            expect(w.trainTo < w.testFrom).toBe(true);
            const trainSet = ds.filter((d) => d >= w.trainFrom && d <= w.trainTo);
            const testSet = ds.filter((d) => d >= w.testFrom && d <= w.testTo);
            expect(trainSet).toHaveLength(train);
            expect(testSet.some((d) => trainSet.includes(d))).toBe(false);
          }
        },
      ),
    );
  });

  it('covers the days after the first training window once each when step equals test', () => {
    const ds = dates(100);
    const ws = rollingWindows(ds, 30, 10, 10);
    expect(ws.map((w) => [w.testFrom, w.testTo])[0]).toEqual([ds[30], ds[39]]);
    expect(ws.reduce((a, w) => a + w.testDays, 0)).toBe(70);
  });

  it('splits 70/30', () => {
    const [w] = splitWindow(dates(100), 0.7);
    expect([w!.trainDays, w!.testDays, w!.trainTo, w!.testFrom]).toEqual([70, 30, dates(100)[69], dates(100)[70]]);
  });

  it('refuses too little data', () => {
    expect(() => rollingWindows(dates(20), 20, 5, 5)).toThrow(/needs more than --train-days 20/);
  });
});

describe('runWalkForward', () => {
  const series = generateSyntheticBars({ seed: 8, days: 40, startDate: '2024-03-01' }).series;
  const loaded = testConfig();
  const windows = rollingWindows(tradingDatesOf(series), 20, 5, 5);

  it('trains each window only on bars before its test days', async () => {
    const results = await runWalkForward({ loaded, series, windows, jobs: 1 });
    for (const r of results) {
      for (const t of r.trades) {
        const d = sessionInfo(t.entryTsMs).tradingDate;
        expect(d >= r.window.testFrom && d <= r.window.testTo).toBe(true);
      }
      expect(r.trainBars).toBe(20 * 78);
    }
  });

  it('gives identical outputs on two worker threads and in one thread (CLI, as a user runs it)', () => {
    const data = tmp.file('mnq_wf.csv', barsToCsv(series));
    const cfg = tmp.file(
      'wf.yaml',
      'hmm: { n_iter: 30, restarts: 1 }\nfilters:\n  vix: { enabled: false }\n  news: { high_impact_times_et: [], calendar_tiers: [] }\n',
    );
    for (const jobs of ['1', '2']) {
      const r = spawnSync(
        'node',
        [
          'bin/txbot.mjs',
          'walkforward',
          '--data',
          data,
          '--config',
          cfg,
          '--train-days',
          '20',
          '--test-days',
          '5',
          '--step-days',
          '5',
          '--jobs',
          jobs,
          '--out',
          join(tmp.dir, `jobs${jobs}`),
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('across 4 windows');
      expect(r.stdout).toMatch(/^label quality \(out of sample: every window's test days/m);
      expect(r.stdout).toMatch(/^label changes per trading day: \d+\.\d\d over 20 days/m);
    }
    for (const f of ['summary.json', 'trades.csv', 'equity.csv', 'report.html', 'label-quality.json']) {
      expect(readFileSync(join(tmp.dir, 'jobs1', f)).equals(readFileSync(join(tmp.dir, 'jobs2', f))), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(tmp.dir, 'jobs1', 'summary.json'), 'utf8'));
    expect(summary.windows).toHaveLength(windows.length);
    expect(summary.acrossWindows.netPnl.n).toBe(windows.length);
    const sum = summary.windows.reduce((a: number, w: { netPnl: number }) => a + w.netPnl, 0);
    // a 50K account whose limits never bind: the continuous account trades exactly as the windows did
    expect(summary.stitched.netPnl).toBeCloseTo(sum, 2);
    expect(summary.account).toMatchObject({ netPnl: summary.stitched.netPnl, breach: null, stall: null });
  });
});

describe('the continuous out-of-sample account', () => {
  it('carries the account across windows: losses no single fresh-account window could breach on stop the account', async () => {
    // windows of this series lose -63, -342 and -69 in a row (each window's own drawdown < $450)
    const series = generateSyntheticBars({ seed: 3, days: 60, startDate: '2024-03-01' }).series;
    const loaded = testConfig({ risk: { max_loss_limit: 450, daily_loss_limit: null } });
    const windows = rollingWindows(tradingDatesOf(series), 20, 5, 5);
    const results = await runWalkForward({ loaded, series, windows, jobs: 1 });
    expect(results.every((r) => r.breach === null && r.metrics.maxDrawdown < 450)).toBe(true);
    const { summary } = writeWalkForward(buildRunContext(loaded, 'walkforward'), series, results, join(tmp.dir, 'carried'), 'synthetic');
    const a = summary.account;
    expect(a.stall ?? a.breach).not.toBeNull();
    expect(a.minRoomToFloorUsd!).toBeLessThan(Math.min(...results.map((r) => 450 - r.metrics.maxDrawdown)));
    expect(a.stall!.date < windows[windows.length - 1]!.testTo).toBe(true);
    expect(a.stalledDays).toBeGreaterThan(0);
    // per-window figures are kept (fresh account per window), with their mean and std
    expect(summary.windows).toHaveLength(windows.length);
    expect(summary.acrossWindows.netPnl.n).toBe(windows.length);
    expect(summary.stitched.stall).toEqual(a.stall);
    expect(readFileSync(join(tmp.dir, 'carried', 'report.html'), 'utf8')).toContain('ACCOUNT STALLED');
  });
});
