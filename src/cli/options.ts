// Shared parsing of command-line option values, with usage errors naming the option.

import { UsageError } from '../domain/index.ts';

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

// ---- options shared by several commands, defined once (`.option(...CONFIG_OPTION)`) ----------------

type OptionSpec = readonly [flags: string, description: string];

/** `--config <file>`; `purpose` adds what this command reads from it. */
export function configOption(purpose?: string): OptionSpec {
  return ['--config <file>', `config file (default: ./config.yaml, else embedded defaults)${purpose ? `; ${purpose}` : ''}`];
}
export const CONFIG_OPTION = configOption();

/** `--data <file>`: a bar file; `detail` says how the command uses it. */
export function dataOption(detail?: string): OptionSpec {
  return ['--data <file>', `bar file (CSV or CSV.gz)${detail ? `; ${detail}` : ''}`];
}
export const DATA_OPTION = dataOption();

export const FROM_OPTION: OptionSpec = ['--from <date>', 'first trading date YYYY-MM-DD'];
export const TO_OPTION: OptionSpec = ['--to <date>', 'last trading date YYYY-MM-DD'];

/** `--out <dir|file>` with what is written there. */
export function outOption(kind: 'dir' | 'file', what: string): OptionSpec {
  return [`--out <${kind}>`, what];
}

export const DECISIONS_OPTION: OptionSpec = [
  '--decisions <mode>',
  'decisions.jsonl: all (every bar), changes (actions and changes of code or regime; config backtest.decisions), none',
];
