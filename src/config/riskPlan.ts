// risk.plan: fills every risk key set to 'plan' with the Topstep plan's published value and refuses values that contradict the plan.

import { combinePlanNamed } from '../domain/index.ts';
import { configSchema, type Config, type ParsedConfig } from './schema.ts';

/** The config with every 'plan' risk value resolved, and the contradictions found (`key: problem (got X)`). */
export function resolveRiskPlan(parsed: ParsedConfig): { config: Config; problems: string[] } {
  const r = parsed.risk;
  const plan = combinePlanNamed(r.plan);
  const problems: string[] = [];
  if (r.account_size !== 'plan' && r.account_size !== plan.accountSizeUsd) {
    problems.push(
      `risk.account_size: contradicts risk.plan ${plan.name} (starting balance ${plan.accountSizeUsd}); set risk.plan to the plan of this size or use 'plan' (got ${r.account_size})`,
    );
  }
  if (r.max_loss_limit !== 'plan' && r.max_loss_limit > plan.maxLossLimitUsd) {
    problems.push(
      `risk.max_loss_limit: the ${plan.name} plan's Maximum Loss Limit is ${plan.maxLossLimitUsd}; a larger one would let the bot break it (got ${r.max_loss_limit})`,
    );
  }
  if (r.max_contracts_minis !== 'plan' && r.max_contracts_minis > plan.maxContractsMinis) {
    problems.push(`risk.max_contracts_minis: the ${plan.name} plan allows ${plan.maxContractsMinis} minis (got ${r.max_contracts_minis})`);
  }
  if (r.profit_target !== 'plan' && r.profit_target < plan.profitTargetUsd) {
    problems.push(
      `risk.profit_target: the ${plan.name} plan's target is ${plan.profitTargetUsd}; a smaller one would overstate the pass odds (got ${r.profit_target})`,
    );
  }
  const risk = {
    ...r,
    account_size: plan.accountSizeUsd,
    max_loss_limit: r.max_loss_limit === 'plan' ? plan.maxLossLimitUsd : r.max_loss_limit,
    daily_loss_limit: r.daily_loss_limit === 'plan' ? plan.dailyLossLimitUsd : r.daily_loss_limit,
    max_contracts_minis: r.max_contracts_minis === 'plan' ? plan.maxContractsMinis : r.max_contracts_minis,
    profit_target: r.profit_target === 'plan' ? plan.profitTargetUsd : r.profit_target,
  };
  return { config: { ...parsed, risk }, problems };
}

/** Parses with the schema (throws on bad input) and resolves the plan, without the cross-field rules: for tests and tools. */
export function parseConfig(raw: unknown): Config {
  return resolveRiskPlan(configSchema.parse(raw ?? {})).config;
}
