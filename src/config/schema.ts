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
import { backtestSchema, combineSchema, dataSchema, walkForwardSchema } from './sections/runs.ts';
import { optimizeSchema } from './sections/optimize.ts';
import { decisionPolicySchema, leaderSchema, regimeSourceSchema, stateSchema } from './sections/seams.ts';
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
  retrain: retrainSchema,
  monitoring: monitoringSchema,
  projectx: projectxSchema,
  live: liveSchema,
  journal: journalSchema,
  optimize: optimizeSchema,
  regime_source: regimeSourceSchema,
  decision_policy: decisionPolicySchema,
  state: stateSchema,
  leader: leaderSchema,
});

/** Validated configuration (all defaults filled in). */
export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
