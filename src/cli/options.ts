// Shared parsing of command-line option values, with usage errors naming the option.

import { UsageError } from '../domain/errors.ts';

/** Parses an integer option value >= min. */
export function parseIntOption(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min} (got "${value}")`);
  return n;
}

/** Parses a number option value in [min, max]. */
export function parseNumberOption(name: string, value: string, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number in [${min}, ${max}] (got "${value}")`);
  return n;
}

/** Validates a YYYY-MM-DD option value. */
export function parseDateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`${name} must be a date YYYY-MM-DD (got "${value}")`);
  return value;
}
