// Config section for the Topstep risk rules and sizing.

import { z } from 'zod';

export const riskSchema = z
  .strictObject({
    account_size: z.number().positive().default(50_000).describe('Starting balance of the account (USD): 50K, 100K or 150K Combine.'),
    max_loss_limit: z
      .number()
      .positive()
      .default(2_000)
      .describe('Trailing Maximum Loss Limit allowance (USD); trails the highest end-of-day balance, locks at the start.'),
    daily_loss_limit: z
      .number()
      .positive()
      .nullable()
      .default(1_000)
      .describe('Personal daily loss limit (USD); null = none. Breach flattens and halts until next day.'),
    daily_profit_target: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('Stop for the day once realized P&L reaches this (USD); null = off.'),
    max_contracts_minis: z.number().int().min(1).default(5).describe('Topstep max position in minis; micros count 10:1 on TopstepX.'),
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
    profit_target: z.number().positive().default(3_000).describe('Combine profit target (USD), used by the pass-probability simulation.'),
  })
  .prefault({});
