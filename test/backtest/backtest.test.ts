// Backtest behaviour: costs always applied, no look-ahead, determinism, flat by the session end,
// MLL breach stops trading, and bad data gives a clear error.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runBacktestJob } from '../../src/backtest/backtestJob.ts';
import { runBacktest } from '../../src/backtest/runner.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { RegimeDetector, regimeModelToJson } from '../../src/regime/index.ts';
import { sliceBarSeries, lowerBoundTs, type BarSeries } from '../../src/domain/bar.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { pointValueUsd } from '../../src/domain/instrument.ts';
import { EMPTY_CALENDAR } from '../../src/strategy/filters/index.ts';
import { barsToCsv } from '../../src/data/index.ts';
import type { LoadedConfig } from '../../src/config/index.ts';
import type { RegimeModel } from '../../src/regime/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

function run(loaded: LoadedConfig, series: BarSeries, model: RegimeModel) {
  const ctx = buildRunContext(loaded, 'backtest');
  return runBacktest({
    ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'bt' }),
    calendar: EMPTY_CALENDAR,
    series,
    slippageTicks: loaded.config.backtest.slippage_ticks,
  });
}

describe('backtest', () => {
  const { test, model } = syntheticSetup();
  const loaded = testConfig();

  it('trades on synthetic data and charges commissions and slippage on every trade', () => {
    const r = run(loaded, test, model);
    expect(r.trades.length).toBeGreaterThan(10);
    const inst = buildRunContext(loaded, 'backtest').instrument;
    for (const t of r.trades) {
      expect(t.commissionUsd).toBeCloseTo(2 * inst.commissionPerSideUsd * t.qty, 9);
      expect(t.netPnlUsd).toBeCloseTo(t.grossPnlUsd - t.commissionUsd, 9);
      const sign = t.side === 'long' ? 1 : -1;
      expect(t.grossPnlUsd).toBeCloseTo((t.exitPrice - t.entryPrice) * sign * t.qty * pointValueUsd(inst), 9);
    }
  });

  it('fills market entries at the next bar open plus slippage', () => {
    const r = run(loaded, test, model);
    const tick = 0.25;
    let checked = 0;
    for (const t of r.trades) {
      if (!t.entryReason.includes('VWAP') && !t.entryReason.includes('σ')) continue;
      const i = lowerBoundTs(test, t.entryTsMs);
      expect(test.tsMs[i]).toBe(t.entryTsMs);
      const expected = test.open[i]! + (t.side === 'long' ? tick : -tick);
      if (Math.abs(t.entryPrice - expected) < 1e-9) checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('has no look-ahead: trades closed before T are identical whether the data ends at T or goes on', () => {
    const full = run(loaded, test, model);
    const cutIndex = Math.floor(test.length * 0.6);
    const T = test.tsMs[cutIndex]!;
    const short = run(loaded, sliceBarSeries(test, 0, cutIndex), model);
    const before = (ts: typeof full.trades) => ts.filter((t) => t.exitTsMs < T && t.exitReason !== 'end_of_data');
    expect(before(full.trades).length).toBeGreaterThan(3);
    expect(before(short.trades)).toEqual(before(full.trades));
  });

  it('is flat by the session end: every trade opens and closes on one trading date before 16:00 ET', () => {
    const r = run(loaded, test, model);
    for (const t of r.trades) {
      const a = sessionInfo(t.entryTsMs);
      const b = sessionInfo(t.exitTsMs - 1);
      expect(b.tradingDate).toBe(a.tradingDate);
      expect(b.minuteOfDayEt).toBeLessThan(16 * 60);
    }
    expect(r.trades.some((t) => t.exitReason === 'session_end')).toBe(true);
  });

  it('stops trading after a maximum-loss-limit breach', () => {
    const tight = testConfig({
      entries: { min_reward_risk: 0 },
      risk: { max_loss_limit: 150, daily_loss_limit: null, max_contracts_minis: 5 },
      stops: { STRONG_BULL: 8, BULL: 8, SOFT_BULL: 8, NEUTRAL: 8, SOFT_BEAR: 8, BEAR: 8, CRASH: 8 },
    });
    // sizing keeps every stop-out (slippage and commissions included) above the floor, so only a gap
    // through the stop can breach: shift every bar after the first multi-bar trade's entry 200 points against it
    const clean = run(tight, test, model);
    expect(clean.breach).toBeNull();
    const t = clean.trades.find((x) => lowerBoundTs(test, x.exitTsMs) > lowerBoundTs(test, x.entryTsMs) + 1)!;
    const from = lowerBoundTs(test, t.entryTsMs) + 1;
    const shift = t.side === 'long' ? -200 : 200;
    const gapped: BarSeries = { ...test, open: test.open.slice(), high: test.high.slice(), low: test.low.slice(), close: test.close.slice() };
    for (let i = from; i < test.length; i++) {
      for (const a of [gapped.open, gapped.high, gapped.low, gapped.close]) a[i]! += shift;
    }
    const r = run(tight, gapped, model);
    expect(r.breach).not.toBeNull();
    expect(r.breach!.rule).toBe('MLL_BREACH');
    expect(r.breach!.tsMs).toBe(test.tsMs[from]);
    expect(r.trades.filter((x) => x.entryTsMs > r.breach!.tsMs)).toEqual([]);
  });

  it('writes byte-identical outputs for the same inputs', () => {
    const a = join(tmp.dir, 'a');
    const b = join(tmp.dir, 'b');
    for (const dir of [a, b]) runBacktestJob(buildRunContext(loaded, 'backtest'), { series: test, dataLabel: 'synthetic', model, outDir: dir });
    for (const f of ['summary.json', 'trades.csv', 'equity.csv', 'decisions.jsonl', 'report.html']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    // Default backtest.decisions = changes: fewer lines than bars, each a decision.
    const decisions = readFileSync(join(a, 'decisions.jsonl'), 'utf8').trim().split('\n');
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.length).toBeLessThan(test.length);
    expect(JSON.parse(decisions[decisions.length - 1]!)).toHaveProperty('code');
    const all = join(tmp.dir, 'all');
    const allLoaded = { ...loaded, config: { ...loaded.config, backtest: { ...loaded.config.backtest, decisions: 'all' as const } } };
    runBacktestJob(buildRunContext(allLoaded, 'backtest'), { series: test, dataLabel: 'synthetic', model, outDir: all });
    expect(readFileSync(join(all, 'decisions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(test.length);
    expect(readFileSync(join(all, 'trades.csv')).equals(readFileSync(join(a, 'trades.csv')))).toBe(true);
  });
});

describe('txbot backtest CLI', () => {
  const { test, model } = syntheticSetup();

  it('runs as a user would and writes every output', () => {
    const data = tmp.file('mnq_bars.csv', barsToCsv(sliceBarSeries(test, 0, 20 * 78)));
    const modelFile = tmp.file('model.json', regimeModelToJson(model));
    const cfg = tmp.file('cfg.yaml', 'filters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\n');
    const out = join(tmp.dir, 'cli-out');
    const r = spawnSync('node', ['bin/txbot.mjs', 'backtest', '--data', data, '--model', modelFile, '--config', cfg, '--out', out], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('report: ');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.inSample).toBe(false);
    expect(summary.bars).toBe(20 * 78);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        'trades',
        'netPnl',
        'grossPnl',
        'commissions',
        'winRate',
        'profitFactor',
        'sharpe',
        'sortino',
        'maxDrawdown',
        'expectancy',
        'days',
        'regimeDistribution',
        'pnlByRegime',
        'breach',
        'hashes',
      ]),
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<html');
    // issue 13 defect 10: the label-quality table is in the report and in label-quality.json
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h2>Regime label quality</h2>');
    const q = JSON.parse(readFileSync(join(out, 'label-quality.json'), 'utf8'));
    expect(q.horizonBars).toBe(1);
    expect(q.rows.map((r: { label: string }) => r.label)).toEqual(model.labels);
    expect(q.rows.reduce((a: number, r: { bars: number }) => a + r.bars, 0)).toBeGreaterThan(0);
  });

  it('stops with a clear message on bad data, not a wrong backtest', () => {
    const csv = barsToCsv(sliceBarSeries(test, 0, 200)).split('\n');
    csv[5] = csv[5]!.replace(/,([\d.]+),([\d.]+),([\d.]+),/, (_m, o, _h, l) => `,${o},${Number(l) - 5},${l},`);
    csv.splice(10, 0, csv[9]!);
    const bad = tmp.file('mnq_bad.csv', csv.join('\n'));
    const modelFile = tmp.file('model2.json', regimeModelToJson(model));
    const r = spawnSync('node', ['bin/txbot.mjs', 'backtest', '--data', bad, '--model', modelFile, '--out', join(tmp.dir, 'bad-out')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`${bad} line 6: high`);
    expect(r.stderr).toContain(`${bad} line 11: duplicate timestamp`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('requires a model or --train', () => {
    const r = spawnSync('node', ['bin/txbot.mjs', 'backtest', '--data', 'x.csv', '--out', join(tmp.dir, 'x')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('give --model FILE');
  });
});
