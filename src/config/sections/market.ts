// Config sections describing what is traded and when: instruments and the exchange session.

import { z } from 'zod';
import { clockTime, timeZone } from './common.ts';

export const instrumentSchema = z.strictObject({
  symbol: z
    .string()
    .regex(/^[A-Z0-9]{1,6}$/, 'must be an upper-case root symbol like MNQ')
    .describe('Contract root symbol (MNQ, MES, M2K, MGC).'),
  tick_size: z.number().positive().describe('Minimum price increment in points.'),
  tick_value: z.number().positive().describe('USD value of one tick for one contract.'),
  commission_per_side: z.number().positive().describe('Commission plus exchange/regulatory fees per contract per side, USD.'),
  micro: z.boolean().default(true).describe('Micro contract: counts 1/10 of a mini against the Topstep contract limit.'),
});

export const DEFAULT_INSTRUMENTS = [
  { symbol: 'MNQ', tick_size: 0.25, tick_value: 0.5, commission_per_side: 0.37, micro: true },
  { symbol: 'MES', tick_size: 0.25, tick_value: 1.25, commission_per_side: 0.37, micro: true },
  { symbol: 'M2K', tick_size: 0.1, tick_value: 0.5, commission_per_side: 0.37, micro: true },
  { symbol: 'MGC', tick_size: 0.1, tick_value: 1.0, commission_per_side: 0.62, micro: true },
];

export const sessionSchema = z
  .strictObject({
    timezone: timeZone.default('America/New_York').describe('Exchange clock time zone for session times.'),
    rth_start: clockTime.default('09:30').describe('Regular trading hours start (session timezone).'),
    rth_end: clockTime.default('16:00').describe('Regular trading hours end (session timezone).'),
    flat_time: clockTime.default('15:10').describe('Time by which every position must be flat (Topstep: 15:10 CT).'),
    flat_timezone: timeZone.default('America/Chicago').describe('Time zone of flat_time.'),
    rth_only: z.boolean().default(true).describe('Trade (and compute features) on regular-session bars only.'),
  })
  .prefault({});
