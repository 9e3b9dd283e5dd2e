// Checks of option values beyond cli/options.ts: real calendar dates and ordered ranges, ports, zones,
// fixed choices; each failure is a UsageError (exit 2) naming the option and what it got.

import { ZONE_EXPECTED, isKnownZone } from '../config/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import type { DataPolicy } from '../data/index.ts';
import { UsageError, quoteSnippet, daysOfDateKey } from '../domain/index.ts';

/** A YYYY-MM-DD option value that is a real calendar date (2026-02-30 refused), or undefined when absent. */
export function parseCalendarDateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`${name} must be a date YYYY-MM-DD (got ${quoteSnippet(value)})`);
  if (Number.isNaN(daysOfDateKey(value))) throw new UsageError(`${name} must be a real calendar date (got ${quoteSnippet(value)}: no such day)`);
  return value;
}

/** `--from`/`--to` as real dates with from <= to (either may be absent). */
export function parseDateRangeOptions(
  opts: { readonly from?: string; readonly to?: string },
  names: { readonly from: string; readonly to: string } = { from: '--from', to: '--to' },
): { from: string | undefined; to: string | undefined } {
  const from = parseCalendarDateOption(names.from, opts.from);
  const to = parseCalendarDateOption(names.to, opts.to);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(`${names.from} ${from} is after ${names.to} ${to} (the range is reversed)`);
  return { from, to };
}

/** One of `choices`, or undefined when absent. */
export function parseChoiceOption<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`${name} must be one of ${choices.join(', ')} (got ${quoteSnippet(value)})`);
  return value as T;
}

/** `--policy`: strict or repair, or undefined (then data.policy applies). */
export function parsePolicyOption(value: string | undefined): DataPolicy | undefined {
  return parseChoiceOption('--policy', value, ['strict', 'repair'] as const);
}

/** A TCP port 0..65535 (0 = any free port). */
export function parsePortOption(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${name} must be a port number 0..65535, 0 for a free port (got ${quoteSnippet(value)})`);
  return n;
}

/** A time zone txbot understands. */
export function parseZoneOption(name: string, value: string): string {
  if (!isKnownZone(value)) throw new UsageError(`${name} must be a time zone: ${ZONE_EXPECTED} (got ${quoteSnippet(value)})`);
  return value;
}

/** `--decisions`: overrides config `backtest.decisions` when given. */
export function applyDecisionsOption(loaded: LoadedConfig, value: string | undefined): LoadedConfig {
  const mode = parseChoiceOption('--decisions', value, ['all', 'changes', 'none'] as const);
  if (mode === undefined) return loaded;
  return { ...loaded, config: { ...loaded.config, backtest: { ...loaded.config.backtest, decisions: mode } } };
}
