// Several-instrument replay parity: two instruments on one account through the live code path (the
// simulator streaming both contracts over one socket, one feed releasing the bars of each instant, one
// engine session) write the same files as the portfolio backtest, byte for byte, also when one
// instrument has no bar at some instants.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runReplay } from '../../src/app/replay.ts';
import { runPortfolioJob, type PortfolioInput } from '../../src/backtest/index.ts';
import { generateCorrelatedBars } from '../../src/data/index.ts';
import { barAt, barSeriesFromBars, sliceBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { trainRegimeModel } from '../../src/regime/index.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-portfolio-replay-');

/** `series` without the bars whose index `drop` picks (an instrument that did not trade then). */
function without(series: BarSeries, drop: (i: number) => boolean): BarSeries {
  const keep = [];
  for (let i = 0; i < series.length; i++) if (!drop(i)) keep.push(barAt(series, i));
  return barSeriesFromBars(keep);
}

describe('txbot replay with several instruments', () => {
  it('writes the portfolio backtest’s trades, equity, decisions and summary byte for byte', async () => {
    const { bySymbol } = generateCorrelatedBars({
      seed: 7,
      days: 36,
      correlation: 0.7,
      instruments: [
        { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
        { symbol: 'MES', startPrice: 4_500, tickSize: 0.25 },
      ],
    });
    const mnq = bySymbol.get('MNQ')!;
    // MES misses the first half hour of every 4th day and a few single bars: steps with one instrument only.
    const mes = without(bySymbol.get('MES')!, (i) => (Math.floor(i / 78) % 4 === 1 && i % 78 < 6) || i % 97 === 50);
    const loaded = testConfig();
    const trainDays = 24 * 78;
    const models = new Map([
      ['MNQ', trainRegimeModel(slice(mnq, 0, trainDays), loaded.config).model],
      ['MES', trainRegimeModel(slice(mes, 0, trainDays - 24), loaded.config).model],
    ]);
    const inputs = new Map<string, PortfolioInput>([
      ['MNQ', { series: slice(mnq, trainDays, mnq.length), model: models.get('MNQ')!, dataLabel: 'mnq' }],
      ['MES', { series: slice(mes, trainDays - 24, mes.length), model: models.get('MES')!, dataLabel: 'mes' }],
    ]);
    const btDir = join(tmp.dir, 'bt');
    const rpDir = join(tmp.dir, 'rp');
    const bt = runPortfolioJob(buildRunContext(loaded, 'backtest', { symbols: ['MNQ', 'MES'] }), inputs, { outDir: btDir });
    expect(bt.summary.trades).toBeGreaterThan(4);
    expect(Object.values(bt.summary.bySymbol).every((s) => s.trades > 0)).toBe(true);
    const rp = await runReplay({ loaded, inputs, outDir: rpDir, dataLabel: 'synthetic', logger: silentLogger(), chunkBars: 50 });
    expect(rp.portfolio?.summary.symbols).toEqual(['MNQ', 'MES']);
    for (const f of ['trades.csv', 'equity.csv', 'decisions.jsonl', 'summary.json'])
      expect(readFileSync(join(rpDir, f), 'utf8'), f).toBe(readFileSync(join(btDir, f), 'utf8'));
    expect(rp.tradesStreamed).toBeGreaterThan((inputs.get('MNQ')!.series.length + inputs.get('MES')!.series.length) * 2);
  }, 120_000);
});

const slice = sliceBarSeries;
