// A portfolio backtest (several instruments on one account) writes the account's outputs with each
// instrument's part: bySymbol and correlation in summary.json, a symbol column in trades.csv, per-symbol
// P&L columns in equity.csv, the symbol in decisions.jsonl; same inputs, same bytes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runPortfolioJob, type PortfolioInput } from '../../src/backtest/portfolioJob.ts';
import { generateCorrelatedBars } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { trainRegimeModel } from '../../src/regime/index.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

function setup() {
  const { bySymbol } = generateCorrelatedBars({
    seed: 9,
    days: 60,
    correlation: 0.7,
    instruments: [
      { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
      { symbol: 'MES', startPrice: 4_500, tickSize: 0.25, volScale: 0.8 },
    ],
  });
  const loaded = testConfig();
  const inputs = new Map<string, PortfolioInput>();
  for (const [s, series] of bySymbol) {
    const model = trainRegimeModel(sliceBarSeries(series, 0, 40 * 78), loaded.config).model;
    inputs.set(s, { series: sliceBarSeries(series, 40 * 78, series.length), model, dataLabel: `synthetic ${s}` });
  }
  return { loaded, inputs };
}

describe('portfolio backtest job', () => {
  it('writes the account outputs with each instrument’s part, byte-identical on a rerun', () => {
    const { loaded, inputs } = setup();
    const dirs = [join(tmp.dir, 'a'), join(tmp.dir, 'b')];
    const results = dirs.map((d) => runPortfolioJob(buildRunContext(loaded, 'backtest', { symbols: ['MES', 'MNQ'] }), inputs, { outDir: d }));
    const s = results[0]!.summary;
    expect(s.symbols).toEqual(['MNQ', 'MES']); // configured order, whatever the order asked
    expect(s.instrument).toBe('MNQ+MES');
    expect(s.trades).toBeGreaterThan(5);
    expect(s.bySymbol.MNQ!.trades + s.bySymbol.MES!.trades).toBe(s.trades);
    expect(s.bySymbol.MNQ!.netPnl + s.bySymbol.MES!.netPnl).toBeCloseTo(s.netPnl, 1);
    expect(s.dailyPnlCorrelation.MNQ!.MNQ).toBe(1);
    expect(s.dailyPnlCorrelation.MNQ!.MES).toBe(s.dailyPnlCorrelation.MES!.MNQ);
    const eq = readFileSync(join(dirs[0]!, 'equity.csv'), 'utf8').split('\n');
    expect(eq[0]).toBe('time,equity,pnl_MNQ,pnl_MES');
    const trades = readFileSync(join(dirs[0]!, 'trades.csv'), 'utf8').split('\n').slice(1).filter(Boolean);
    expect(new Set(trades.map((l) => l.split(',')[2]))).toEqual(new Set(['MNQ', 'MES']));
    const first = JSON.parse(readFileSync(join(dirs[0]!, 'decisions.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(first).slice(0, 2)).toEqual(['t', 'symbol']);
    for (const f of ['summary.json', 'trades.csv', 'equity.csv', 'decisions.jsonl', 'report.html'])
      expect(readFileSync(join(dirs[0]!, f)).equals(readFileSync(join(dirs[1]!, f))), f).toBe(true);
    expect(readFileSync(join(dirs[0]!, 'report.html'), 'utf8')).toContain('Correlation of daily net P&amp;L');
  });
});
