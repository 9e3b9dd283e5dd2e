// The `optimize` config section (to be mounted in the config schema by the CLI work) and its parsed settings.

import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import type { Config } from '../config/schema.ts';
import { objectiveSchema, type ObjectiveConfig } from './objective.ts';
import type { SamplerSettings } from './samplers/sampler.ts';
import { parseSpace, type ParameterSpace } from './space.ts';
import type { RetryPolicy } from './types.ts';

export const optimizeSchema = z
  .strictObject({
    space: z.record(z.string(), z.unknown()).default({}).describe('Dotted config key → {min, max, step?, log?, int?} or a list of choices.'),
    sampler: z.enum(['grid', 'random', 'tpe']).default('tpe').describe('grid = every combination (refused above `trials`), random, or TPE.'),
    trials: z.number().int().min(1).max(100_000).default(100).describe('Trials per walk-forward window (--trials).'),
    seed: z.number().int().min(0).default(1).describe('Seed of the samplers and of every trial.'),
    objective: objectiveSchema.describe('What a better trial is: net_pnl, sharpe, combine_pass_probability or weighted.'),
    tpe: z
      .strictObject({
        n_startup: z.number().int().min(1).default(10).describe('Random trials before the TPE model is used.'),
        gamma: z.number().gt(0).lt(1).default(0.25).describe('Share of the best trials forming l(x).'),
        n_candidates: z.number().int().min(1).max(10_000).default(24).describe('Candidates drawn from l(x) per proposal.'),
        prior_weight: z.number().positive().default(1).describe('Weight of the flat prior in every estimator.'),
        batch_size: z.number().int().min(1).default(4).describe('Trials proposed per window per round (more = more parallel, less informed).'),
      })
      .prefault({}),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(20).default(3).describe('Attempts per trial before it is reported failed.'),
        backoff_ms: z.number().int().min(0).default(1000).describe('First retry delay; doubles each retry.'),
      })
      .prefault({}),
    pbo_partitions: z
      .number()
      .int()
      .min(2)
      .refine((n) => n % 2 === 0, 'must be even')
      .default(16)
      .describe('S, the blocks of CSCV for the probability of backtest overfitting.'),
  })
  .prefault({});

export type OptimizeInput = z.input<typeof optimizeSchema>;

/** Parsed and validated optimization settings. */
export interface OptimizeSettings {
  readonly space: ParameterSpace;
  readonly sampler: SamplerSettings;
  readonly trials: number;
  readonly seed: number;
  readonly objective: ObjectiveConfig;
  /** Trials proposed per window per round; grid and random propose all at once. */
  readonly batchSize: number;
  readonly retry: RetryPolicy;
  readonly pboPartitions: number;
}

/** Parses the `optimize` section against the base config; one ConfigError lists every problem as `optimize.<key>: ...`. */
export function parseOptimizeSettings(raw: unknown, base: Config): OptimizeSettings {
  const parsed = optimizeSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `optimize${i.path.length ? `.${i.path.map(String).join('.')}` : ''}: ${i.message}`);
    throw new ConfigError(`optimize: ${problems.length} problem(s)`, problems);
  }
  const o = parsed.data;
  const sampler: SamplerSettings =
    o.sampler === 'tpe'
      ? { kind: 'tpe', nStartup: o.tpe.n_startup, gamma: o.tpe.gamma, nCandidates: o.tpe.n_candidates, priorWeight: o.tpe.prior_weight }
      : { kind: o.sampler };
  return {
    space: parseSpace(o.space, base),
    sampler,
    trials: o.trials,
    seed: o.seed,
    objective: o.objective,
    batchSize: o.sampler === 'tpe' ? o.tpe.batch_size : o.trials,
    retry: { attempts: o.retry.attempts, backoffMs: o.retry.backoff_ms },
    pboPartitions: o.pbo_partitions,
  };
}
