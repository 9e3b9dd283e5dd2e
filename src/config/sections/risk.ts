// Config section for the Topstep risk rules and sizing.

import { z } from 'zod';
import { COMBINE_PLAN_NAMES } from '../../domain/index.ts';

/** A money/contract key that takes the plan's published value by default (`plan`) or an explicit number. */
const planOr = (n: z.ZodNumber) => z.union([z.literal('plan'), n]);

export const riskSchema = z
  .strictObject({
    plan: z
      .enum(COMBINE_PLAN_NAMES)
      .default('50K')
      .describe("Topstep Combine plan: its published start balance, MLL, daily loss limit, contract cap and target fill every key set to 'plan'."),
    account_size: planOr(z.number().positive())
      .default('plan')
      .describe("Starting balance (USD); 'plan' = the plan's (50000 / 100000 / 150000); another value is refused."),
    max_loss_limit: planOr(z.number().positive())
      .default('plan')
      .describe("Trailing Maximum Loss Limit allowance (USD); 'plan' = the plan's; a smaller value is allowed, a larger one refused."),
    daily_loss_limit: planOr(z.number().positive())
      .nullable()
      .default('plan')
      .describe("Personal daily loss limit (USD); 'plan' = the plan's published DLL; null = none. Breach flattens and halts until next day."),
    daily_profit_target: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('Stop for the day once realized P&L reaches this (USD); null = off.'),
    max_contracts_minis: planOr(z.number().int().min(1))
      .default('plan')
      .describe("Max position in minis (micros count 10:1 on TopstepX); 'plan' = the plan's cap; a larger value is refused."),
    max_trades_per_day: z.number().int().min(1).default(8).describe('Entries allowed per trading day.'),
    cooldown_after_losses: z.number().int().min(1).default(3).describe('Consecutive losing trades that start a cooldown.'),
    cooldown_minutes: z.number().int().min(0).default(30).describe('Cooldown length in minutes.'),
    confidence_sizing: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Scale size down when regime confidence is low (PLUG: regime_confidence).'),
        threshold: z.number().min(0).max(1).default(0.6).describe('Confidence below which the multiplier applies.'),
        multiplier: z.number().min(0).max(1).default(0.5).describe('Size multiplier below the threshold.'),
      })
      .prefault({}),
    correlation_bucket: z
      .strictObject({
        symbols: z
          .array(z.string().regex(/^[A-Z0-9]{1,6}$/, 'must be an upper-case root symbol like MNQ'))
          .min(2)
          .describe('Instruments that move together (e.g. MNQ, MES, M2K): their positions share the budget below.'),
        max_stop_risk_usd: z
          .number()
          .positive()
          .nullable()
          .default(null)
          .describe('At most this much worst-case stop loss (USD) over the open and reserved positions of the bucket; null = no such cap.'),
        max_contracts_mini_equivalent: z
          .number()
          .positive()
          .nullable()
          .default(null)
          .describe('At most this many contracts in the bucket, in minis (a micro counts 0.1); null = no such cap.'),
      })
      .nullable()
      .default(null)
      .describe('A shared budget for correlated instruments on top of the account limits; null = off.'),
    profit_target: planOr(z.number().positive())
      .default('plan')
      .describe("Combine profit target (USD) for the pass-probability simulation; 'plan' = the plan's; a smaller value is refused."),
  })
  .prefault({});
