// The whole txbot configuration schema: one zod object composed of the per-topic sections.

import { z } from 'zod';

// One parse per run: interpreting is cheaper than compiling a validator (zod's JIT) for it.
z.config({ jitless: true });
import { DEFAULT_INSTRUMENTS, instrumentSchema, sessionSchema } from './sections/market.ts';
import { hmmSchema, stateLabelsSchema } from './sections/regime.ts';
import {
  entriesSchema,
  filtersSchema,
  regimeActionSchema,
  regimeSizeMultipliersSchema,
  stopsSchema,
  targetsSchema,
  vwapSchema,
} from './sections/strategy.ts';
import { riskSchema } from './sections/risk.ts';
import { backtestSchema, combineSchema, dataSchema, reportSchema, walkForwardSchema } from './sections/runs.ts';
import { optimizeSchema } from './sections/optimize.ts';
import { decisionPolicySchema, leaderSchema, regimeSourceSchema, stateSchema } from './sections/seams.ts';
import { rlSchema } from './sections/rl.ts';
import { journalSchema, liveSchema, monitoringSchema, projectxSchema, retrainSchema } from './sections/operations.ts';

export const configSchema = z.strictObject({
  instruments: z.array(instrumentSchema).min(1).default(DEFAULT_INSTRUMENTS).describe('Tradable contracts and their specs.'),
  session: sessionSchema,
  data: dataSchema,
  hmm: hmmSchema,
  state_labels: stateLabelsSchema,
  vwap: vwapSchema,
  filters: filtersSchema,
  regime_action: regimeActionSchema,
  stops: stopsSchema,
  targets: targetsSchema,
  entries: entriesSchema,
  regime_size_multipliers: regimeSizeMultipliersSchema,
  risk: riskSchema,
  backtest: backtestSchema,
  walk_forward: walkForwardSchema,
  combine: combineSchema,
  report: reportSchema,
  retrain: retrainSchema,
  monitoring: monitoringSchema,
  projectx: projectxSchema,
  live: liveSchema,
  journal: journalSchema,
  optimize: optimizeSchema,
  regime_source: regimeSourceSchema,
  decision_policy: decisionPolicySchema,
  rl: rlSchema,
  state: stateSchema,
  leader: leaderSchema,
});

/** The schema's output: risk keys may still say 'plan' (riskPlan.ts resolves them). */
export type ParsedConfig = z.output<typeof configSchema>;
type PlanKey = 'account_size' | 'max_loss_limit' | 'daily_loss_limit' | 'max_contracts_minis' | 'profit_target';
type ResolvedRisk = Omit<ParsedConfig['risk'], PlanKey> & {
  readonly account_size: number;
  readonly max_loss_limit: number;
  readonly daily_loss_limit: number | null;
  readonly max_contracts_minis: number;
  readonly profit_target: number;
};
/** Validated configuration (all defaults filled in, the risk plan resolved to numbers). */
export type Config = Omit<ParsedConfig, 'risk'> & { risk: ResolvedRisk };
export type ConfigInput = z.input<typeof configSchema>;
