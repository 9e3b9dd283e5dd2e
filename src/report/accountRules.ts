// The account rules of a run (summary.json `accountRules`, the Combine simulation's rules): the Topstep
// limits, each instrument's stop-out money per contract by regime (its own stops) and the cheapest of them.

import { instrumentConfig, type Config } from '../config/index.ts';
import type { Instrument } from '../domain/index.ts';
import { cheapestStopRiskUsd } from '../engine/index.ts';
import { stopLossUsdPerContract } from '../strategy/index.ts';

const cents = (x: number) => Math.round(x * 100) / 100;

/** The account rules of a run, as written into summary.json. */
export interface AccountRules {
  /** Topstep account size (USD): the MLL formula's S. */
  accountSize: number;
  /** Starting balance of the run (backtest.initial_balance, or the account size). */
  startingBalance: number;
  maxLossLimit: number;
  dailyLossLimit: number | null;
  dailyProfitTarget: number | null;
  /** Combine profit target (USD). */
  profitTarget: number;
  /** Money one contract loses at its stop ((stop + slippage ticks) × tick value + round-trip commission), by symbol and regime. */
  stopRiskPerContractUsd: Record<string, Record<string, number>>;
  /** The cheapest of those for a regime that may trade: with less room above the floor the account is stalled. */
  minStopRiskUsd: number;
  /** risk.correlation_bucket when set (absent when off, so runs without it write what they did before). */
  correlationBucket?: { symbols: string[]; maxStopRiskUsd: number | null; maxContractsMiniEquivalent: number | null };
}

/** The account rules of `config` for a run starting at `startingBalanceUsd`. */
export function accountRulesOf(config: Config, startingBalanceUsd: number, instruments: readonly Instrument[]): AccountRules {
  const r = config.risk;
  return {
    accountSize: r.account_size,
    startingBalance: startingBalanceUsd,
    maxLossLimit: r.max_loss_limit,
    dailyLossLimit: r.daily_loss_limit,
    dailyProfitTarget: r.daily_profit_target,
    profitTarget: r.profit_target,
    stopRiskPerContractUsd: stopRiskTable(config, instruments),
    minStopRiskUsd: cents(Math.min(...instruments.map((i) => cheapestStopRiskUsd(instrumentConfig(config, i.symbol), i)))),
    ...(r.correlation_bucket
      ? {
          correlationBucket: {
            symbols: [...r.correlation_bucket.symbols],
            maxStopRiskUsd: r.correlation_bucket.max_stop_risk_usd,
            maxContractsMiniEquivalent: r.correlation_bucket.max_contracts_mini_equivalent,
          },
        }
      : {}),
  };
}

/** Stop-out money per contract by symbol and regime under each instrument's config ((stop + slippage ticks) × tick value + round-trip commission). */
export function stopRiskTable(config: Config, instruments: readonly Instrument[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const inst of instruments) {
    const row: Record<string, number> = {};
    // each instrument's own stops (its overrides on the top-level table)
    for (const [label, ticks] of Object.entries(instrumentConfig(config, inst.symbol).stops as Partial<Record<string, number>>))
      if (ticks !== undefined && ticks > 0) row[label] = cents(stopLossUsdPerContract(ticks, inst, config.backtest.slippage_ticks));
    out[inst.symbol] = row;
  }
  return out;
}
