// Config sections describing what is traded and when: instruments and the exchange session.

import { z } from 'zod';
import { ALL_REGIME_LABELS, CONTRACT_SPECS, type RegimeLabel, type SessionProfile } from '../../domain/index.ts';
import { clockTime, timeZone } from './common.ts';
import { regimeAction, sizeMultiplier, stopTicks, target } from './strategy.ts';

/** A per-regime table whose entries override the top-level one (no defaults). */
function overrideTable<T extends z.ZodType>(value: T) {
  const shape = Object.fromEntries(ALL_REGIME_LABELS.map((l) => [l, value.optional()])) as { [K in RegimeLabel]: z.ZodOptional<T> };
  return z.strictObject(shape).optional();
}

/** Settings one instrument trades with instead of the top-level ones (every key optional). */
export const instrumentOverridesSchema = z
  .strictObject({
    session: z
      .strictObject({
        rth_start: clockTime.optional().describe('Regular session start for this instrument (session timezone).'),
        rth_end: clockTime.optional().describe('Regular session end for this instrument.'),
        flat_time: clockTime.optional().describe('Flat time for this instrument (flat_timezone); never later than the account flat time.'),
      })
      .optional(),
    vwap: z.strictObject({ anchor_time: clockTime.optional().describe('Session VWAP reset for this instrument.') }).optional(),
    session_windows: z
      .strictObject({
        entry_start: clockTime.optional(),
        entry_cutoff: clockTime.optional(),
        no_entry_minutes_before_flat: z.number().int().min(0).max(240).optional(),
      })
      .optional()
      .describe('Entry window for this instrument (filters.session_windows keys).'),
    stops: overrideTable(stopTicks),
    targets: overrideTable(target),
    regime_action: overrideTable(regimeAction),
    regime_size_multipliers: overrideTable(sizeMultiplier),
  })
  .default({})
  .describe('Per-instrument overrides of session hours, VWAP anchor, entry window and the regime tables.');

export const instrumentSchema = z.strictObject({
  symbol: z
    .string()
    .regex(/^[A-Z0-9]{1,6}$/, 'must be an upper-case root symbol like MNQ')
    .describe('Contract root symbol (MNQ, MES, M2K, MGC).'),
  tick_size: z.number().positive().describe('Minimum price increment in points.'),
  tick_value: z.number().positive().describe('USD value of one tick for one contract.'),
  commission_per_side: z.number().positive().describe('Commission plus exchange/regulatory fees per contract per side, USD.'),
  micro: z.boolean().default(true).describe('Micro contract: counts 1/10 of a mini against the Topstep contract limit.'),
  enabled: z.boolean().default(false).describe('Traded by paper and live sessions (several may be enabled: one account-level risk).'),
  model: z.string().nullable().default(null).describe('Regime model file of this instrument (paper/live; --model SYM=FILE overrides).'),
  overrides: instrumentOverridesSchema,
});

/** The overrides that give an instrument its product's session when it differs from the equity session. */
function sessionOverrides(p: SessionProfile) {
  if (p.name === 'equity_index') return {};
  return {
    session: { rth_start: p.rthStart, rth_end: p.rthEnd },
    vwap: { anchor_time: p.vwapAnchor },
    session_windows: { entry_start: p.entryStart, entry_cutoff: p.entryCutoff },
  };
}

export const DEFAULT_INSTRUMENTS = CONTRACT_SPECS.map((c) => ({
  symbol: c.root,
  tick_size: c.tickSize,
  tick_value: c.tickValueUsd,
  commission_per_side: c.commissionPerSideUsd,
  micro: c.micro,
  enabled: c.root === 'MNQ',
  model: null,
  overrides: sessionOverrides(c.session),
}));

export const sessionSchema = z
  .strictObject({
    timezone: timeZone.default('America/New_York').describe('Exchange clock time zone for session times.'),
    rth_start: clockTime.default('09:30').describe('Regular trading hours start (session timezone).'),
    rth_end: clockTime.default('16:00').describe('Regular trading hours end (session timezone).'),
    flat_time: clockTime.default('15:10').describe('Time by which every position must be flat (Topstep: 15:10 CT).'),
    early_close_time: clockTime
      .nullable()
      .default('12:00')
      .describe(
        'Flat time on CME early-close days (Friday after Thanksgiving, Dec 24 and Jul 3 on weekdays; the session halts 12:15 CT), flat_timezone; null = not modelled.',
      ),
    flat_timezone: timeZone.default('America/Chicago').describe('Time zone of flat_time.'),
    rth_only: z.boolean().default(true).describe('Trade (and compute features) on regular-session bars only.'),
  })
  .prefault({});
