// The Combine simulation (issue 13, defects 1 and 9): a block bootstrap of whole trading days that re-runs the
// account rules, so a simulated account stops like the real one (passed, breached, stalled); seeded.

import { describe, expect, it } from 'vitest';
import { combineDays, mllFloor, simulateCombine, type CombineDay, type CombineRules } from '../../src/report/combine.ts';
import { daysOfDateKey } from '../../src/domain/time.ts';

const RISK = 20.74; // one MNQ contract at 40 ticks + round-trip commission
const rules: CombineRules = {
  accountSizeUsd: 50_000,
  startingBalanceUsd: 50_000,
  profitTargetUsd: 3_000,
  maxLossLimitUsd: 2_000,
  dailyLossLimitUsd: 1_000,
  dailyProfitTargetUsd: null,
  consistencyTarget: null,
  horizonDays: 60,
  blockDays: 1,
  minStopRiskUsd: RISK,
};
/** A day with one trade per P&L (`qty` contracts each). */
const day = (date: string, pnls: number[], qty = 1): CombineDay => ({
  tradingDate: date,
  trades: pnls.map((p) => ({ qty, netPnlUsd: p, riskPerContractUsd: RISK })),
});

describe('Combine simulation', () => {
  it('trails the MLL floor on the highest end-of-day balance and locks it at the start', () => {
    expect(mllFloor(50_000, 2_000, 50_000)).toBe(48_000);
    expect(mllFloor(50_000, 2_000, 50_500)).toBe(48_500);
    expect(mllFloor(50_000, 2_000, 53_000)).toBe(50_000);
  });

  it('passes with steady gains, breaches with steady losses beyond the stop, and says how it simulated', () => {
    const win = simulateCombine([day('a', [500])], rules, 200, 1);
    expect(win).toMatchObject({ passProbability: 1, medianDaysToPass: 6 });
    expect(win.method).toMatch(
      /^block bootstrap of whole trading days \(blocks of 1, 1 tradable days, 0 stalled days left out\), 200 simulated accounts, horizon 60/,
    );
    expect(simulateCombine([day('a', [-500])], rules, 200, 1)).toMatchObject({ breachProbability: 1, passProbability: 0 });
  });

  it('sizes trades by the simulated room, so stop-outs on a $150 MLL stall the account instead of breaching it', () => {
    // three contracts per trade, every loss a clean stop-out: the old day-level bootstrap breached on the first -$62 day
    const days = [day('a', [-3 * RISK], 3), day('b', [3 * 5], 3)];
    const small = { ...rules, maxLossLimitUsd: 150, dailyLossLimitUsd: null };
    const r = simulateCombine(days, small, 2_000, 5);
    expect(r.breachProbability).toBe(0);
    expect(r.stallProbability).toBeGreaterThan(0.9);
    expect(r.passProbability + r.breachProbability + r.stallProbability + r.unresolvedProbability).toBeCloseTo(1, 12);
  });

  it('leaves the idle days after the run’s stall out of the sample (they made the old bootstrap look safe)', () => {
    const dates = Array.from({ length: 120 }, (_, i) => new Date((daysOfDateKey('2022-01-03') + i) * 86_400_000).toISOString().slice(0, 10));
    const trades = dates.slice(0, 20).map((d, i) => ({
      entryTsMs: Date.parse(`${d}T15:00:00Z`),
      symbol: 'MNQ',
      qty: 1,
      netPnlUsd: i % 2 ? 40 : -90,
      regime: 'NEUTRAL' as const,
    }));
    const { days, excluded } = combineDays(
      dates.map((tradingDate) => ({ tradingDate })),
      trades,
      () => RISK,
      dates[19]!,
    );
    expect(days).toHaveLength(20);
    expect(excluded).toBe(100);
    expect(days[0]!.trades).toEqual([{ qty: 1, netPnlUsd: -90, riskPerContractUsd: RISK }]);
    const all = combineDays(
      dates.map((tradingDate) => ({ tradingDate })),
      trades,
      () => RISK,
      null,
    );
    const loose = { ...rules, maxLossLimitUsd: 500 };
    const cut = simulateCombine(days, loose, 3_000, 2, excluded);
    const idle = simulateCombine(all.days, loose, 3_000, 2);
    expect(cut.breachProbability + cut.stallProbability).toBeGreaterThan(idle.breachProbability + idle.stallProbability + 0.2);
  });

  it('applies the consistency rule: a pass needs the best day below the share of the profit', () => {
    const days = [day('a', [3_100])];
    expect(simulateCombine(days, rules, 100, 1).medianDaysToPass).toBe(1);
    expect(simulateCombine(days, { ...rules, consistencyTarget: 0.5 }, 100, 1).medianDaysToPass).toBe(3);
  });

  it('ends a day at the daily profit target, and a horizon bounds every account', () => {
    const days = [day('a', [400, 400, 400])];
    expect(simulateCombine(days, { ...rules, dailyProfitTargetUsd: 500 }, 50, 1).medianDaysToPass).toBe(4); // 800 a day
    expect(simulateCombine([day('a', [0])], rules, 50, 1).unresolvedProbability).toBe(1);
  });

  it('draws blocks of consecutive days', () => {
    // a loss streak only breaches when its days come together: -700 x 3 in a row reaches the $2,000 MLL
    const days = [day('a', [-700]), day('b', [-700]), day('c', [-700]), day('d', [800]), day('e', [800]), day('f', [800])];
    const blocks = simulateCombine(days, { ...rules, blockDays: 3 }, 4_000, 9);
    const single = simulateCombine(days, rules, 4_000, 9);
    expect(blocks.breachProbability).toBeGreaterThan(single.breachProbability);
  });

  it('is reproducible for a seed and differs for another', () => {
    const days = [day('a', [400]), day('b', [-300]), day('c', [50, -600])];
    expect(simulateCombine(days, rules, 5_000, 3)).toEqual(simulateCombine(days, rules, 5_000, 3));
    expect(simulateCombine(days, rules, 5_000, 4).passProbability).not.toBe(simulateCombine(days, rules, 5_000, 3).passProbability);
  });
});
