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
        "Instrument (from `instruments`) whose contract specs price the run; 'auto' = the data file's symbol (ES bars as MES), required when unknown; paper/live: the enabled instrument.",
      ),
    initial_balance: z.number().positive().nullable().default(null).describe('Starting balance; null = risk.account_size.'),
  })
  .prefault({});

export const walkForwardSchema = z
  .strictObject({
    train_days: z.number().int().min(5).default(60).describe('Trading days in each training window.'),
    test_days: z.number().int().min(1).default(10).describe('Trading days in each out-of-sample test window.'),
    step_days: z.number().int().min(1).default(10).describe('Trading days the windows advance each step.'),
    jobs: z.number().int().min(0).default(0).describe('Worker threads; 0 = all cores.'),
  })
  .prefault({});

export const combineSchema = z
  .strictObject({
    simulations: z.number().int().min(100).max(1_000_000).default(10_000).describe('Bootstrap Combine simulations.'),
    seed: z.number().int().min(0).default(7).describe('Seed of the bootstrap.'),
    max_days: z.number().int().min(1).default(60).describe('Trading days a simulated Combine may last before counting as not passed.'),
  })
  .prefault({});
