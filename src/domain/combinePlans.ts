// Topstep Trading Combine plans (projectx_topstep.md §4.1): MLL, daily loss limit, contract cap and profit target per account size.

/** Names of the Combine plans (`risk.plan`). */
export const COMBINE_PLAN_NAMES = ['50K', '100K', '150K'] as const;
export type CombinePlanName = (typeof COMBINE_PLAN_NAMES)[number];

/** Published limits of one Combine size (USD; contracts in minis, micros count 10:1 on TopstepX). */
export interface CombinePlan {
  readonly name: CombinePlanName;
  readonly accountSizeUsd: number;
  /**
   * Daily loss limit Topstep publishes for the plan on platforms other than TopstepX ($1,000 / $2,000 /
   * $3,000); TopstepX accounts have none but allow a personal one, which txbot sets to this value.
   */
  readonly dailyLossLimitUsd: number;
  readonly maxLossLimitUsd: number;
  readonly maxContractsMinis: number;
  readonly profitTargetUsd: number;
}

/**
 * 50K, 100K and 150K Combines, from ../shared/reference/projectx_topstep.md §4.1 (profit target and MLL:
 * help.topstep.com and the powerFC propfirm-rules dataset, verified 2026-07-11; position size:
 * intercom.help/topstep-llc/en/articles/8284209; DLL: help.topstep.com/en/articles/9772296). Verify on
 * help.topstep.com before relying; rules change.
 */
export const TOPSTEP_COMBINE_PLANS: readonly CombinePlan[] = [
  { name: '50K', accountSizeUsd: 50_000, dailyLossLimitUsd: 1_000, maxLossLimitUsd: 2_000, maxContractsMinis: 5, profitTargetUsd: 3_000 },
  { name: '100K', accountSizeUsd: 100_000, dailyLossLimitUsd: 2_000, maxLossLimitUsd: 3_000, maxContractsMinis: 10, profitTargetUsd: 6_000 },
  { name: '150K', accountSizeUsd: 150_000, dailyLossLimitUsd: 3_000, maxLossLimitUsd: 4_500, maxContractsMinis: 15, profitTargetUsd: 9_000 },
];

/** The plan of a name (`risk.plan`). */
export function combinePlanNamed(name: CombinePlanName): CombinePlan {
  return TOPSTEP_COMBINE_PLANS.find((p) => p.name === name)!;
}

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
