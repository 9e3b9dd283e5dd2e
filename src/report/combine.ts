// Topstep Combine pass probability: a seeded bootstrap of daily results under the account rules.

import { createRng } from '../domain/random.ts';
import type { DayRecord } from '../engine/records.ts';

export interface CombineRules {
  startingBalanceUsd: number;
  profitTargetUsd: number;
  /** Trailing maximum loss allowance (MLL): floor = min(S, S − D + max(0, H − S)), H = highest EOD balance. */
  maxLossLimitUsd: number;
  /** Trading days before a simulated Combine counts as not passed. */
  maxDays: number;
}

export interface CombineResult {
  simulations: number;
  seed: number;
  sampleDays: number;
  passProbability: number;
  breachProbability: number;
  /** Neither passed nor breached within maxDays. */
  unresolvedProbability: number;
  medianDaysToPass: number | null;
}

/** MLL floor given the highest end-of-day balance so far. */
export function mllFloor(startUsd: number, allowanceUsd: number, highestEodUsd: number): number {
  return Math.min(startUsd, startUsd - allowanceUsd + Math.max(0, highestEodUsd - startUsd));
}

/**
 * Simulates `simulations` Combines drawing trading days with replacement from `days`. A day breaches
 * when its worst intraday equity reaches the floor; a Combine passes at an end of day at or above the
 * target balance.
 */
export function simulateCombine(days: readonly DayRecord[], rules: CombineRules, simulations: number, seed: number): CombineResult {
  const n = days.length;
  if (n === 0)
    return { simulations, seed, sampleDays: 0, passProbability: 0, breachProbability: 0, unresolvedProbability: 1, medianDaysToPass: null };
  const rng = createRng(seed);
  const pnl = Float64Array.from(days, (d) => d.netPnlUsd);
  const worst = Float64Array.from(days, (d) => Math.min(0, d.worstIntradayUsd, d.netPnlUsd));
  let pass = 0;
  let breach = 0;
  const daysToPass: number[] = [];
  const S = rules.startingBalanceUsd;
  for (let s = 0; s < simulations; s++) {
    let bal = S;
    let high = S;
    let outcome = 0;
    let day = 0;
    while (day < rules.maxDays) {
      const k = rng.int(n);
      day++;
      const floor = mllFloor(S, rules.maxLossLimitUsd, high);
      if (bal + worst[k]! <= floor) {
        outcome = -1;
        break;
      }
      bal += pnl[k]!;
      if (bal > high) high = bal;
      if (bal >= S + rules.profitTargetUsd) {
        outcome = 1;
        break;
      }
    }
    if (outcome === 1) {
      pass++;
      daysToPass.push(day);
    } else if (outcome === -1) {
      breach++;
    }
  }
  daysToPass.sort((a, b) => a - b);
  const median = daysToPass.length ? daysToPass[Math.floor((daysToPass.length - 1) / 2)]! : null;
  return {
    simulations,
    seed,
    sampleDays: n,
    passProbability: pass / simulations,
    breachProbability: breach / simulations,
    unresolvedProbability: (simulations - pass - breach) / simulations,
    medianDaysToPass: median,
  };
}
