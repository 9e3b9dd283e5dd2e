// Config sections for regime detection: HMM settings and state labels.

import { z } from 'zod';
import { REGIME_LABELS_5, REGIME_LABELS_7 } from '../../domain/index.ts';

export const FEATURE_NAMES = ['log_return', 'realized_vol', 'log_range', 'volume_ratio', 'vwap_distance'] as const;

export const hmmSchema = z
  .strictObject({
    n_states: z.literal([5, 7]).default(5).describe('Number of hidden regimes: 5, or 7 (needs >= 3 months of data).'),
    features: z
      .array(z.enum(FEATURE_NAMES))
      .min(1)
      .default(['log_return', 'realized_vol', 'log_range'])
      .describe('Bar features fed to the HMM; log_return must be included (states are labelled by its mean).'),
    realized_vol_bars: z.number().int().min(2).default(12).describe('Window (bars) of the realized-volatility feature.'),
    volume_ratio_bars: z.number().int().min(2).default(20).describe('Rolling-mean window (bars) of the volume-ratio feature.'),
    covariance: z.enum(['diag', 'full']).default('diag').describe('Emission covariance type.'),
    label_by: z
      .enum(['mean_return', 'sharpe', 'volatility_then_return'])
      .default('mean_return')
      .describe('Order of states before labelling: mean return, mean/sd of return, or the most volatile state as CRASH then mean return.'),
    min_dwell_bars: z
      .number()
      .int()
      .min(1)
      .max(78)
      .default(1)
      .describe('Bars a new regime must hold before the engine acts on it (hysteresis); 1 = act at once.'),
    n_iter: z.number().int().min(1).max(10_000).default(100).describe('Maximum EM iterations.'),
    tol: z.number().positive().default(1e-2).describe('Stop EM when the log-likelihood gain is below this.'),
    seed: z.number().int().min(0).default(42).describe('Seed for k-means++ initialisation and sampling.'),
    restarts: z.number().int().min(1).max(100).default(3).describe('Independent EM runs; the best likelihood is kept.'),
    min_covar: z.number().positive().default(1e-3).describe('Floor added to covariance diagonals (standardized units).'),
    train_rth_only: z.boolean().default(true).describe('Fit the HMM on regular-session bars only.'),
  })
  .prefault({});

export const stateLabelsSchema = z
  .strictObject({
    five: z
      .array(z.enum(REGIME_LABELS_5))
      .length(5)
      .default([...REGIME_LABELS_5])
      .describe('Labels for 5 states, highest mean return first.'),
    seven: z
      .array(z.enum(REGIME_LABELS_7))
      .length(7)
      .default([...REGIME_LABELS_7])
      .describe('Labels for 7 states, highest mean return first.'),
  })
  .prefault({});
