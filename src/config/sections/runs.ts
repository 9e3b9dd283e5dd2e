// Config sections for offline runs: data loading, backtest costs, walk-forward and Combine simulation.

import { z } from 'zod';
import { knownZoneName } from '../zoneCheck.ts';

export const dataSchema = z
  .strictObject({
    policy: z
      .enum(['strict', 'repair'])
      .default('strict')
      .describe('strict = stop on any bad row; repair = drop bad rows and print what was dropped.'),
    timezone: knownZoneName
      .default('America/New_York')
      .describe('Time zone of naive timestamps in CSV files (America/New_York, America/Chicago, UTC, +HH:MM).'),
    bar_minutes: z.number().int().min(1).max(240).default(5).describe('Bar size the engine runs on; finer input is resampled.'),
    rolls: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .nullable()
      .default(null)
      .describe(
        'Roll table(s) of unadjusted front-month files (like mgc_rolls_*.csv): the bars of the instrument a table names (by its contracts) are back-adjusted by the roll gaps; null = prices as in the file.',
      ),
  })
  .prefault({});

export const backtestSchema = z
  .strictObject({
    slippage_ticks: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Ticks of slippage on market entries, stop fills and forced exits; at least 1, costs are always on.'),
    commission_per_side: z.number().positive().nullable().default(null).describe('Overrides the instrument commission per contract per side (USD).'),
    instrument: z
      .string()
      .default('auto')
      .describe(
        "Instrument (from `instruments`) whose contract specs price the run; 'auto' = the data file's symbol (ES bars as MES), required when unknown; paper/live: auto trades every enabled instrument, a symbol only that one.",
      ),
    initial_balance: z.number().positive().nullable().default(null).describe('Starting balance; null = risk.account_size.'),
    decisions: z
      .enum(['all', 'changes', 'none'])
      .default('changes')
      .describe('decisions.jsonl: all = every bar; changes = bars where something was done or the code or regime changed; none = no file.'),
  })
  .prefault({});

export const walkForwardSchema = z
  .strictObject({
    train_days: z.number().int().min(5).default(60).describe('Trading days in each training window.'),
    test_days: z.number().int().min(1).default(10).describe('Trading days in each out-of-sample test window.'),
    step_days: z.number().int().min(1).default(10).describe('Trading days the windows advance each step.'),
    jobs: z.number().int().min(0).default(0).describe('Worker threads; 0 = all cores.'),
    warm_start_every: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Warm start (one instrument): 0 or 1 = every window fits a fresh HMM (hmm.restarts k-means starts); N > 1 = a fresh fit every N windows, the windows between start EM once from the previous window's model (faster, other numbers).",
      ),
  })
  .prefault({});

export const combineSchema = z
  .strictObject({
    simulations: z.number().int().min(100).max(1_000_000).default(10_000).describe('Simulated Combine accounts.'),
    seed: z.number().int().min(0).default(7).describe('Seed of the bootstrap.'),
    max_days: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Horizon: trading days a simulated Combine may last before counting as unresolved (the Combine itself has no time limit).'),
    block_days: z.number().int().min(1).default(5).describe('Consecutive trading days per bootstrap block (keeps streaks of good and bad days).'),
    consistency_target: z
      .number()
      .gt(0)
      .max(1)
      .nullable()
      .default(0.5)
      .describe('Consistency rule: to pass, the best day must be below this share of the total profit; null = no rule.'),
  })
  .prefault({});

export const reportSchema = z
  .strictObject({
    room_warning_usd: z
      .number()
      .min(0)
      .default(500)
      .describe(
        'A trading day whose lowest equity came closer than this to the MLL floor counts as a day under warning room (summary daysUnderWarningRoom).',
      ),
  })
  .prefault({});
