// Metrics against hand-computed values (the Combine simulation is tested in combine.test.ts).

import { describe, expect, it } from 'vitest';
import { computeMetrics, dailyRatios, maxDrawdownUsd, monthlyPnl } from '../../src/report/metrics.ts';
import type { DayRecord, TradeRecord } from '../../src/engine/records.ts';

const trade = (net: number, regime: TradeRecord['regime'] = 'BULL'): TradeRecord => ({
  intentId: 'x',
  symbol: 'MNQ',
  side: 'long',
  qty: 1,
  entryTsMs: 0,
  entryPrice: 1,
  exitTsMs: 1,
  exitPrice: 1,
  grossPnlUsd: net + 1,
  commissionUsd: 1,
  netPnlUsd: net,
  regime,
  entryReason: 'r',
  exitReason: 'stop',
});
const day = (date: string, pnl: number, worst = Math.min(0, pnl)): DayRecord => ({
  tradingDate: date,
  netPnlUsd: pnl,
  worstIntradayUsd: worst,
  trades: 1,
  endBalanceUsd: 0,
});

describe('metrics', () => {
  it('computes trade statistics by hand', () => {
    const m = computeMetrics(
      [trade(100), trade(-50), trade(30, 'BEAR'), trade(-20, 'BEAR')],
      [day('2024-01-02', 50), day('2024-01-03', 10)],
      [
        { tsMs: 1, equityUsd: 100 },
        { tsMs: 2, equityUsd: 150 },
        { tsMs: 3, equityUsd: 90 },
        { tsMs: 4, equityUsd: 120 },
      ],
      50_000,
    );
    expect(m.trades).toBe(4);
    expect(m.netPnl).toBe(60);
    expect(m.grossPnl).toBe(64);
    expect(m.commissions).toBe(4);
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBeCloseTo(130 / 70, 3);
    expect(m.expectancy).toBe(15);
    expect(m.maxDrawdown).toBe(60);
    expect(m.pnlByRegime.BEAR).toEqual({ trades: 2, netPnl: 10, winRate: 0.5 });
  });

  it('annualizes Sharpe and Sortino of daily returns', () => {
    const r = [0.01, -0.01, 0.02, 0];
    const mean = 0.005;
    const std = Math.sqrt((0.005 ** 2 + 0.015 ** 2 + 0.015 ** 2 + 0.005 ** 2) / 3);
    const down = Math.sqrt(0.0001 / 4);
    const got = dailyRatios(r);
    expect(got.sharpe).toBeCloseTo((mean / std) * Math.sqrt(252), 2);
    expect(got.sortino).toBeCloseTo((mean / down) * Math.sqrt(252), 2);
    expect(dailyRatios([0.01, 0.01]).sharpe).toBeNull();
  });

  it('finds the largest peak-to-trough fall and sums months', () => {
    expect(
      maxDrawdownUsd([
        { tsMs: 0, equityUsd: 10 },
        { tsMs: 1, equityUsd: 5 },
        { tsMs: 2, equityUsd: 20 },
        { tsMs: 3, equityUsd: 12 },
      ]),
    ).toBe(8);
    expect(monthlyPnl([day('2024-01-30', 5), day('2024-01-31', -2), day('2024-02-01', 7)])).toEqual([
      { month: '2024-01', netPnlUsd: 3 },
      { month: '2024-02', netPnlUsd: 7 },
    ]);
  });
});
