// Property tests of one account over three correlated synthetic instruments (MNQ, MES, M2K; M2K has no
// real intraday data here): whatever the seed, correlation, sizes and limits, the account never holds more
// than the contract cap in mini equivalents, enters nothing after a halt, is flat by the flat time every
// day, and its days add up to its trades.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runPortfolioBacktest } from '../../src/backtest/runner.ts';
import { generateCorrelatedBars } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { RegimeDetector, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import { testConfig } from '../support/backtestFixtures.ts';

const SYMBOLS = ['MNQ', 'MES', 'M2K'] as const;
const DAY = 78;
let model: RegimeModel | null = null;

/** One model for every instrument (features are scale-free returns), trained once on seed-1 bars. */
function sharedModel(): RegimeModel {
  if (!model) {
    const { bySymbol } = generateCorrelatedBars({
      seed: 1,
      days: 40,
      correlation: 1,
      instruments: [{ symbol: 'X', startPrice: 15_000, tickSize: 0.25 }],
    });
    model = trainRegimeModel(bySymbol.get('X')!, testConfig().config).model;
  }
  return model;
}

/** Minutes after midnight ET of `tsMs`. */
const etMinutes = (tsMs: number): number => {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(tsMs);
  return Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
};

describe('one account over MNQ, MES and M2K (property)', () => {
  it('caps contracts in mini equivalents, enters nothing after a halt, is flat by the flat time, days add up to trades', () => {
    const regimeKeys = ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: -0.3, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(300, 600, 1000),
        (seed, correlation, capMinis, baseSize, dailyLoss) => {
          const defaults = testConfig().config.regime_action as Record<string, object>;
          const regime_action = Object.fromEntries(regimeKeys.map((k) => [k, { ...defaults[k], base_size: baseSize }]));
          const loaded = testConfig({
            regime_action,
            risk: { max_contracts_minis: capMinis, daily_loss_limit: dailyLoss },
          });
          const ctx = buildRunContext(loaded, 'backtest', { symbols: [...SYMBOLS] });
          const { bySymbol } = generateCorrelatedBars({
            seed,
            days: 12,
            correlation,
            instruments: [
              { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
              { symbol: 'MES', startPrice: 4_500, tickSize: 0.25 },
              { symbol: 'M2K', startPrice: 2_000, tickSize: 0.1 },
            ],
          });
          const risk = ctx.createRisk();
          const run = runPortfolioBacktest({
            config: ctx.config,
            risk,
            lanes: SYMBOLS.map((s) => ({
              ...ctx.engineOptions({ regime: new RegimeDetector(sharedModel()), risk, idPrefix: s, symbol: s }),
              series: sliceBarSeries(bySymbol.get(s)!, 0, 12 * DAY),
              slippageTicks: 1,
            })),
          });
          const trades = run.account.trades;
          const micro = new Map(ctx.instruments.map((i) => [i.symbol, i.isMicro]));
          // Contracts held at every entry instant (positions open then, this one included), in minis.
          for (const t of trades) {
            const held = trades
              .filter((o) => o.entryTsMs <= t.entryTsMs && o.exitTsMs > t.entryTsMs)
              .reduce((n, o) => n + o.qty * (micro.get(o.symbol) ? 0.1 : 1), 0);
            expect(held).toBeLessThanOrEqual(capMinis + 1e-9);
          }
          // Flat by 15:10 CT (16:10 ET) every day.
          for (const t of trades) expect(etMinutes(t.exitTsMs)).toBeLessThanOrEqual(16 * 60 + 10);
          const b = run.account.breach;
          if (b?.rule === 'MLL_BREACH') expect(trades.filter((t) => t.entryTsMs > b.tsMs)).toEqual([]);
          if (b?.rule === 'DAILY_LOSS_LIMIT') {
            const day = sessionInfo(b.tsMs).tradingDate;
            expect(trades.filter((t) => t.entryTsMs > b.tsMs && sessionInfo(t.entryTsMs).tradingDate === day)).toEqual([]);
          }
          const dayTotal = run.account.days.reduce((s, d) => s + d.netPnlUsd, 0);
          const tradeTotal = trades.reduce((s, t) => s + t.netPnlUsd, 0);
          expect(dayTotal).toBeCloseTo(tradeTotal, 6);
          expect(trades.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 12, seed: 20261201 },
    );
  }, 120_000);
});
