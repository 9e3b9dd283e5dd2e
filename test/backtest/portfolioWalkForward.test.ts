// Walk-forward over several instruments on one account (`txbot walkforward --data SYM=FILE ...`): each window
// trains one HMM per instrument on earlier days only and tests the portfolio on the next unseen days; worker
// threads give the same bytes as one thread; the stitched result is one continuous account with each
// instrument's part.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPortfolioWalkForward } from '../../src/app/walkForward.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { writePortfolioWalkForward } from '../../src/backtest/walkForwardPortfolio.ts';
import { rollingWindows } from '../../src/backtest/walkForwardPlan.ts';
import { barsToCsv, generateCorrelatedBars, tradingDatesOf } from '../../src/data/index.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
/** 40 days of correlated MNQ and MES bars from `seed`. */
const twoInstruments = (seed: number) =>
  generateCorrelatedBars({
    seed,
    days: 40,
    correlation: 0.6,
    startDate: '2024-03-01',
    instruments: [
      { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
      { symbol: 'MES', startPrice: 4_500, tickSize: 0.25 },
    ],
  }).bySymbol;
const bySymbol = twoInstruments(9);

describe('walk-forward with several instruments', () => {
  it('trains one model per instrument and window on the window’s 20 training days; both instruments trade', async () => {
    const windows = rollingWindows(tradingDatesOf(bySymbol.get('MNQ')!), 20, 5, 5);
    const results = await runPortfolioWalkForward({ loaded: testConfig(), series: bySymbol, windows, jobs: 1 });
    expect(results).toHaveLength(4);
    for (const r of results) {
      expect(r.trainBars).toEqual({ MNQ: 20 * 78, MES: 20 * 78 });
      expect(Object.keys(r.modelJson)).toEqual(['MNQ', 'MES']);
      expect(r.modelJson.MNQ).not.toBe(r.modelJson.MES);
    }
    expect(results.some((r) => r.bySymbol.MNQ!.trades > 0) && results.some((r) => r.bySymbol.MES!.trades > 0)).toBe(true);
  });

  it('gives identical outputs on two worker threads and in one thread (CLI), one continuous account with each instrument', () => {
    const files = [...bySymbol].map(([s, series]) => tmp.file(`${s.toLowerCase()}_wf.csv`, barsToCsv(series)));
    const cfg = tmp.file(
      'wf.yaml',
      'hmm: { n_iter: 30, restarts: 1 }\nfilters:\n  vix: { enabled: false }\n  news: { high_impact_times_et: [], calendar_tiers: [] }\n',
    );
    for (const jobs of ['1', '2']) {
      const r = spawnSync(
        process.execPath,
        [
          'bin/txbot.mjs',
          'walkforward',
          '--data',
          `MNQ=${files[0]}`,
          '--data',
          `MES=${files[1]}`,
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
          join(tmp.dir, `pj${jobs}`),
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('across 4 windows');
      expect(r.stdout).toMatch(/^instrument\s+trades/m);
      expect(r.stdout).toMatch(/^MES label quality \(out of sample/m);
    }
    for (const f of ['summary.json', 'trades.csv', 'equity.csv', 'report.html', 'label-quality.json'])
      expect(readFileSync(join(tmp.dir, 'pj1', f)).equals(readFileSync(join(tmp.dir, 'pj2', f))), f).toBe(true);
    const summary = JSON.parse(readFileSync(join(tmp.dir, 'pj1', 'summary.json'), 'utf8'));
    expect(summary.symbols).toEqual(['MNQ', 'MES']);
    expect(summary.windows).toHaveLength(4);
    // a 50K account whose limits never bind here: the continuous account trades exactly as the windows did
    const sum = summary.windows.reduce((a: number, w: { netPnl: number }) => a + w.netPnl, 0);
    expect(summary.stitched.netPnl).toBeCloseTo(sum, 2);
    expect(summary.account).toMatchObject({ netPnl: summary.stitched.netPnl, breach: null, stall: null });
    const parts = summary.stitched.bySymbol as Record<string, { netPnl: number; trades: number }>;
    expect(parts.MNQ!.netPnl + parts.MES!.netPnl).toBeCloseTo(summary.stitched.netPnl, 2);
    for (const s of ['MNQ', 'MES'])
      expect(parts[s]!.trades).toBe(
        summary.windows.reduce((a: number, w: { bySymbol: Record<string, { trades: number }> }) => a + w.bySymbol[s]!.trades, 0),
      );
    const firstTest = summary.windows[0].testFrom;
    const trades = readFileSync(join(tmp.dir, 'pj1', 'trades.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((l) => sessionInfo(Date.parse(l.split(',')[0]!)).tradingDate >= firstTest)).toBe(true);
    const eq = readFileSync(join(tmp.dir, 'pj1', 'equity.csv'), 'utf8').split('\n')[0];
    expect(eq).toBe('time,equity,pnl_MNQ,pnl_MES');
  });

  it('carries one account across windows: losses no fresh-account window could breach on stop the continuous account', async () => {
    // seed 3: windows make +357, -531, -513, +1225 with fresh-account drawdowns 329, 683, 513, 187 (all < 700)
    const series = twoInstruments(3);
    const loaded = testConfig({ risk: { max_loss_limit: 700, daily_loss_limit: null } });
    const windows = rollingWindows(tradingDatesOf(series.get('MNQ')!), 20, 5, 5);
    const results = await runPortfolioWalkForward({ loaded, series, windows, jobs: 1 });
    expect(results.every((r) => r.breach === null && r.metrics.maxDrawdown < 700)).toBe(true);
    const ctx = buildRunContext(loaded, 'walkforward', { symbols: ['MNQ', 'MES'] });
    const { summary } = writePortfolioWalkForward(ctx, series, results, join(tmp.dir, 'carried'), 'synthetic');
    const a = summary.account;
    expect(a.stall ?? a.breach).not.toBeNull();
    expect(a.minRoomToFloorUsd!).toBeLessThan(Math.min(...results.map((r) => 700 - r.metrics.maxDrawdown)));
    expect(a.stall!.date < windows.at(-1)!.testTo).toBe(true);
    expect(readFileSync(join(tmp.dir, 'carried', 'report.html'), 'utf8')).toContain('ACCOUNT STALLED');
  });
});
