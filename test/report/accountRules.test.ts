// The account rules of a several-instrument run: each instrument's stop-out money per contract comes from
// its own stops (instruments[].overrides.stops on the top-level table), and so does the cheapest stop.

import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { accountRulesOf } from '../../src/report/accountRules.ts';
import { testConfig } from '../support/backtestFixtures.ts';

describe('accountRulesOf', () => {
  it("prices each instrument's stops with its own overrides", () => {
    const base = testConfig().config;
    const instruments = base.instruments.map((i) =>
      i.symbol === 'MGC' ? { ...i, overrides: { ...i.overrides, stops: { NEUTRAL: 10, BEAR: 12 } } } : i,
    );
    const loaded = testConfig({ instruments });
    const ctx = buildRunContext(loaded, 'backtest', { symbols: ['MES', 'MGC'] });
    const rules = accountRulesOf(loaded.config, 50_000, ctx.instruments);
    const mgc = ctx.instruments.find((i) => i.symbol === 'MGC')!;
    const slip = loaded.config.backtest.slippage_ticks;
    const usd = (ticks: number) => Math.round(((ticks + slip) * mgc.tickValueUsd + 2 * mgc.commissionPerSideUsd) * 100) / 100;
    expect(rules.stopRiskPerContractUsd.MGC!.NEUTRAL).toBe(usd(10));
    expect(rules.stopRiskPerContractUsd.MGC!.BEAR).toBe(usd(12));
    // MES keeps the top-level table
    expect(rules.stopRiskPerContractUsd.MES!.NEUTRAL).not.toBe(rules.stopRiskPerContractUsd.MGC!.NEUTRAL);
    expect(rules.minStopRiskUsd).toBeLessThanOrEqual(usd(10));
  });
});
