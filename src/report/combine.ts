// Topstep Combine odds: a seeded block bootstrap of whole trading days that re-runs the account rules on every
// simulated account (trailing MLL, daily loss limit, daily profit target, sizing by the room left, consistency
// rule, profit target, horizon), so a simulated account stops as the real one does: passed, breached or stalled.

import { createRng, sessionInfo, type Instrument } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import type { DayRecord, RunResult, TradeRecord } from '../engine/index.ts';
import { accountRulesOf, type AccountRules } from './accountRules.ts';
import { maxContractsForRisk } from '../strategy/index.ts';

/** One trade of a sampled day: its size, net P&L and the stop-out money per contract it was sized with. */
export interface CombineTrade {
  readonly qty: number;
  readonly netPnlUsd: number;
  readonly riskPerContractUsd: number;
}

/** One tradable trading day of the run: its trades in order (none on a day without entries). */
export interface CombineDay {
  readonly tradingDate: string;
  readonly trades: readonly CombineTrade[];
}

export interface CombineRules {
  /** Topstep account size: the MLL formula's S and the base of the profit target. */
  accountSizeUsd: number;
  startingBalanceUsd: number;
  profitTargetUsd: number;
  /** Trailing maximum loss allowance (MLL): floor = min(S, S − D + max(0, H − S)), H = highest EOD balance. */
  maxLossLimitUsd: number;
  dailyLossLimitUsd: number | null;
  dailyProfitTargetUsd: number | null;
  /** Best day must stay below this share of the total profit to pass (null: no consistency rule). */
  consistencyTarget: number | null;
  /** Trading days a simulated Combine may last; after it counts as unresolved. */
  horizonDays: number;
  /** Consecutive trading days per bootstrap block. */
  blockDays: number;
  /** Cheapest one-contract stop-out: with less room the account cannot trade (stall). */
  minStopRiskUsd: number;
}

export interface CombineResult {
  /** One line: how the odds were simulated. */
  method: string;
  simulations: number;
  seed: number;
  /** Tradable days sampled (up to and including the stall day of the run). */
  sampleDays: number;
  /** Days of the run after its stall, left out of the sample (idle days say nothing about trading). */
  excludedStalledDays: number;
  passProbability: number;
  breachProbability: number;
  /** The simulated account could no longer size one contract (room above the floor too small). */
  stallProbability: number;
  /** Neither passed, breached nor stalled within the horizon. */
  unresolvedProbability: number;
  medianDaysToPass: number | null;
}

/** MLL floor given the highest end-of-day balance so far. */
export function mllFloor(startUsd: number, allowanceUsd: number, highestEodUsd: number): number {
  return Math.min(startUsd, startUsd - allowanceUsd + Math.max(0, highestEodUsd - startUsd));
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** Looks up the stop-out money per contract of a trade (symbol, regime); the cheapest stop when unknown. */
export type StopRiskLookup = (symbol: string, regime: string) => number;

/**
 * The bootstrap sample of a run: every trading day up to and including `stallDate` (all days when null), each with
 * the trades entered on it (by the entry's CME trading date), P&L to the cent.
 */
export function combineDays(
  days: readonly Pick<DayRecord, 'tradingDate'>[],
  trades: readonly Pick<TradeRecord, 'entryTsMs' | 'symbol' | 'qty' | 'netPnlUsd' | 'regime'>[],
  stopRisk: StopRiskLookup,
  stallDate: string | null,
): { days: CombineDay[]; excluded: number } {
  const byDate = new Map<string, CombineTrade[]>();
  for (const t of trades) {
    const d = sessionInfo(t.entryTsMs).tradingDate;
    let list = byDate.get(d);
    if (!list) byDate.set(d, (list = []));
    list.push({ qty: t.qty, netPnlUsd: cents(t.netPnlUsd), riskPerContractUsd: cents(stopRisk(t.symbol, t.regime)) });
  }
  const kept = stallDate === null ? days : days.filter((d) => d.tradingDate <= stallDate);
  return { days: kept.map((d) => ({ tradingDate: d.tradingDate, trades: byDate.get(d.tradingDate) ?? [] })), excluded: days.length - kept.length };
}

/** The one-line description of the simulation (summary.json combine.method). */
export function combineMethod(r: CombineRules, simulations: number, sampleDays: number, excluded: number): string {
  const dll = r.dailyLossLimitUsd === null ? 'no daily loss limit' : `daily loss limit $${r.dailyLossLimitUsd}`;
  const cons = r.consistencyTarget === null ? 'no consistency rule' : `best day < ${Math.round(r.consistencyTarget * 100)}% of the profit`;
  return (
    `block bootstrap of whole trading days (blocks of ${r.blockDays}, ${sampleDays} tradable days, ${excluded} stalled days left out), ${simulations} simulated accounts, ` +
    `horizon ${r.horizonDays} trading days; each day's trades re-sized to the simulated room (never above their backtest size) under the trailing MLL $${r.maxLossLimitUsd}, ${dll}; ` +
    `pass at +$${r.profitTargetUsd} with ${cons}; an account stops when passed, breached or stalled (room above the floor not more than one contract's stop-out $${r.minStopRiskUsd.toFixed(2)})`
  );
}

const enum Outcome {
  Unresolved,
  Pass,
  Breach,
  Stall,
}

/**
 * Simulates `simulations` Combines. Each draws blocks of `blockDays` consecutive sampled days (start uniform) until
 * it resolves or reaches the horizon. Per day: stall when the room (min of MLL room and daily limit) is not above
 * the cheapest stop-out; per trade, the size is cut to what the room allows (maxContractsForRisk, as the risk
 * manager sizes), its P&L scales with the size; realized equity at or below the floor is a breach; the daily loss
 * limit or daily profit target ends the day. At the day's end the floor trails, and the account passes at the target
 * when the consistency rule holds. Trades are taken at their exits (marks between fills are not re-checked: each
 * trade is sized so its stop cannot reach a limit; gaps and slippage beyond the stop can).
 */
export function simulateCombine(
  days: readonly CombineDay[],
  rules: CombineRules,
  simulations: number,
  seed: number,
  excludedStalledDays = 0,
): CombineResult {
  const n = days.length;
  const method = combineMethod(rules, simulations, n, excludedStalledDays);
  const base = { method, simulations, seed, sampleDays: n, excludedStalledDays };
  if (n === 0) return { ...base, passProbability: 0, breachProbability: 0, stallProbability: 0, unresolvedProbability: 1, medianDaysToPass: null };
  const rng = createRng(seed);
  const S = rules.accountSizeUsd;
  const dll = rules.dailyLossLimitUsd ?? Number.POSITIVE_INFINITY;
  const dpt = rules.dailyProfitTargetUsd;
  const block = Math.max(1, Math.min(rules.blockDays, n));
  const counts = [0, 0, 0, 0];
  const daysToPass: number[] = [];
  for (let s = 0; s < simulations; s++) {
    let bal = rules.startingBalanceUsd;
    let high = bal;
    let best = Number.NEGATIVE_INFINITY;
    let outcome = Outcome.Unresolved;
    let day = 0;
    sim: while (day < rules.horizonDays) {
      const start = rng.int(n - block + 1);
      for (let k = start; k < start + block && day < rules.horizonDays; k++) {
        day++;
        const floor = mllFloor(S, rules.maxLossLimitUsd, high);
        if (Math.min(bal - floor, dll) <= rules.minStopRiskUsd) {
          outcome = Outcome.Stall;
          break sim;
        }
        let dayPnl = 0;
        for (const t of days[k]!.trades) {
          if (dpt !== null && dayPnl >= dpt) break;
          const room = Math.min(bal + dayPnl - floor, dll + dayPnl);
          const q = Math.min(t.qty, maxContractsForRisk(t.riskPerContractUsd, room));
          if (q <= 0) continue;
          dayPnl += (t.netPnlUsd / t.qty) * q;
          if (bal + dayPnl <= floor) {
            outcome = Outcome.Breach;
            break sim;
          }
          if (dayPnl <= -dll) break;
        }
        bal += dayPnl;
        if (bal > high) high = bal;
        if (dayPnl > best) best = dayPnl;
        const profit = bal - S;
        if (profit >= rules.profitTargetUsd && (rules.consistencyTarget === null || best < rules.consistencyTarget * profit)) {
          outcome = Outcome.Pass;
          daysToPass.push(day);
          break sim;
        }
      }
    }
    counts[outcome]!++;
  }
  daysToPass.sort((a, b) => a - b);
  const p = (k: Outcome) => counts[k]! / simulations;
  return {
    ...base,
    passProbability: p(Outcome.Pass),
    breachProbability: p(Outcome.Breach),
    stallProbability: p(Outcome.Stall),
    unresolvedProbability: p(Outcome.Unresolved),
    medianDaysToPass: daysToPass.length ? daysToPass[Math.floor((daysToPass.length - 1) / 2)]! : null,
  };
}

/** A lookup into a stop-risk table, falling back to the cheapest stop for a symbol or regime not in it. */
export function stopRiskLookup(table: Record<string, Record<string, number>>, fallbackUsd: number): StopRiskLookup {
  return (symbol, regime) => table[symbol]?.[regime] ?? fallbackUsd;
}

/** The simulation rules of the Combine section and an account. */
export function combineRulesOf(
  config: Pick<Config, 'combine'>,
  account: Pick<AccountRules, 'accountSize' | 'startingBalance' | 'maxLossLimit' | 'dailyLossLimit' | 'dailyProfitTarget' | 'profitTarget'>,
  minStopRiskUsd: number,
): CombineRules {
  return {
    accountSizeUsd: account.accountSize,
    startingBalanceUsd: account.startingBalance,
    profitTargetUsd: account.profitTarget,
    maxLossLimitUsd: account.maxLossLimit,
    dailyLossLimitUsd: account.dailyLossLimit,
    dailyProfitTargetUsd: account.dailyProfitTarget,
    consistencyTarget: config.combine.consistency_target,
    horizonDays: config.combine.max_days,
    blockDays: config.combine.block_days,
    minStopRiskUsd,
  };
}

/** The Combine odds of a finished run (null without trading days), the sample cut at the run's stall. */
export function combineForRun(
  run: Pick<RunResult, 'days' | 'trades' | 'account'>,
  config: Config,
  instruments: readonly Instrument[],
  startingBalanceUsd: number,
  seed = config.combine.seed,
): CombineResult | null {
  if (!run.days.length) return null;
  const account = accountRulesOf(config, startingBalanceUsd, instruments);
  const rules = combineRulesOf(config, account, account.minStopRiskUsd);
  const sample = combineDays(
    run.days,
    run.trades,
    stopRiskLookup(account.stopRiskPerContractUsd, account.minStopRiskUsd),
    run.account?.stall?.date ?? null,
  );
  return simulateCombine(sample.days, rules, config.combine.simulations, seed, sample.excluded);
}
