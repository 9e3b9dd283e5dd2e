// Shared zod building blocks for config sections: clock times, per-regime tables, money.

import { z } from 'zod';
import { ALL_REGIME_LABELS, minutesOfClock, type RegimeLabel } from '../../domain/index.ts';

/** "HH:MM" 24-hour clock time. */
export const clockTime = z.string().refine((s) => !Number.isNaN(minutesOfClock(s)), { message: 'must be a clock time "HH:MM" (00:00-23:59)' });

export const timeZone = z.enum(['America/New_York', 'America/Chicago', 'UTC']);

export const positiveMoney = z.number().positive();

/**
 * A table with one entry per regime label. Entries are optional in the schema; the cross-field
 * rules require every label of the configured state count (5 or 7) to be present.
 */
export function regimeTable<T extends z.ZodType>(value: T, defaults: Partial<Record<RegimeLabel, z.input<T>>>) {
  const shape = Object.fromEntries(ALL_REGIME_LABELS.map((l) => [l, value.optional()])) as {
    [K in RegimeLabel]: z.ZodOptional<T>;
  };
  return z.strictObject(shape).prefault(defaults as never);
}
