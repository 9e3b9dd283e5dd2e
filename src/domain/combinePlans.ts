// Topstep Trading Combine plans (projectx_topstep.md §4.1): MLL, contract cap and profit target per account size.

/** Published limits of one Combine size (USD; contracts in minis, micros count 10:1 on TopstepX). */
export interface CombinePlan {
  readonly accountSizeUsd: number;
  readonly maxLossLimitUsd: number;
  readonly maxContractsMinis: number;
  readonly profitTargetUsd: number;
}

/** 50K, 100K and 150K Combines (verify on help.topstep.com before relying; rules change). */
export const TOPSTEP_COMBINE_PLANS: readonly CombinePlan[] = [
  { accountSizeUsd: 50_000, maxLossLimitUsd: 2_000, maxContractsMinis: 5, profitTargetUsd: 3_000 },
  { accountSizeUsd: 100_000, maxLossLimitUsd: 3_000, maxContractsMinis: 10, profitTargetUsd: 6_000 },
  { accountSizeUsd: 150_000, maxLossLimitUsd: 4_500, maxContractsMinis: 15, profitTargetUsd: 9_000 },
];

/** The plan of an account size, or null when the size is not a Topstep Combine size. */
export function combinePlanFor(accountSizeUsd: number): CombinePlan | null {
  return TOPSTEP_COMBINE_PLANS.find((p) => p.accountSizeUsd === accountSizeUsd) ?? null;
}

/**
 * Settings that exceed the plan of their account size, as `key: problem` lines (empty when within
 * the plan or the size is not a Combine size). For a config rule: risk.max_contracts_minis above
 * the plan's cap, or risk.max_loss_limit above the plan's MLL, would let the bot break a rule.
 */
export function exceedsCombinePlan(s: { accountSizeUsd: number; maxLossLimitUsd: number; maxContractsMinis: number }): string[] {
  const plan = combinePlanFor(s.accountSizeUsd);
  if (!plan) return [];
  const out: string[] = [];
  if (s.maxContractsMinis > plan.maxContractsMinis)
    out.push(`risk.max_contracts_minis: the ${s.accountSizeUsd / 1000}K Combine allows ${plan.maxContractsMinis} minis (got ${s.maxContractsMinis})`);
  if (s.maxLossLimitUsd > plan.maxLossLimitUsd)
    out.push(`risk.max_loss_limit: the ${s.accountSizeUsd / 1000}K Combine MLL is ${plan.maxLossLimitUsd} (got ${s.maxLossLimitUsd})`);
  return out;
}
