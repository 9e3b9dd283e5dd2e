// Config section `optimize`: the parameter space, sampler, budget, seed, objective, retries and the CSCV
// partitions of walk-forward optimization (`txbot optimize`). Parsed into settings by src/optimize/.

import { z } from 'zod';

const common = {
  min_trades: z.number().int().min(0).default(0).describe('Trials with fewer trades score null (infeasible) instead of a lucky value.'),
};

/** `optimize.objective` in the config: what "better" means for a trial (higher is better). */
export const objectiveSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('net_pnl'), ...common }),
    z.strictObject({ kind: z.literal('sharpe'), ...common }),
    z.strictObject({ kind: z.literal('combine_pass_probability'), ...common }),
    z.strictObject({
      kind: z.literal('weighted'),
      ...common,
      net_pnl: z.number().default(0).describe('Weight per USD of net P&L.'),
      sharpe: z.number().default(0).describe('Weight per unit of annualized Sharpe.'),
      combine_pass_probability: z.number().default(0).describe('Weight per unit of Combine pass probability.'),
      drawdown_penalty: z.number().min(0).default(0).describe('Subtracted per USD of maximum drawdown.'),
      min_room_usd: z.number().min(0).default(0).describe('Wanted minimum room between equity and the loss-limit floor (USD).'),
      room_penalty: z.number().min(0).default(0).describe('Subtracted per USD the room falls short of min_room_usd.'),
    }),
  ])
  .prefault({ kind: 'net_pnl' });

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
