// Parses the `optimize` config section (schema in config/sections/optimize.ts) into optimization settings.

import type { z } from 'zod';
import { ConfigError } from '../domain/index.ts';
import { optimizeSchema, type Config } from '../config/index.ts';
import type { ObjectiveConfig } from './objective.ts';
import type { SamplerSettings } from './samplers/sampler.ts';
import { parseSpace, type ParameterSpace } from './space.ts';
import type { RetryPolicy } from './types.ts';

export { optimizeSchema } from '../config/index.ts';

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
