// Which roll table back-adjusts each data file of a run: `--rolls FILE` (repeatable) or config data.rolls;
// a table applies to the instrument its contracts name (MGCG1 → MGC), never silently to another.

import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { resolveConfigPath, type LoadedConfig } from '../config/index.ts';
import { fileSha256, readRollTable, rollTableOf, underlyingOf, type RollTable } from '../data/index.ts';
import { UsageError } from '../domain/index.ts';
import { note } from './output.ts';
import { collect } from './symbolFiles.ts';

/** `--rolls <file>`, repeatable. */
export const ROLLS_OPTION = [
  '--rolls <file>',
  'roll table of an unadjusted front-month file (e.g. mgc_rolls_*.csv): back-adjust its instrument’s bars by the roll gaps; repeat for several instruments (default data.rolls)',
  collect,
] as const;

/** One data file of a run and its instrument. */
export interface RunFile {
  readonly symbol: string;
  readonly file: string;
}

/**
 * The roll table of each run file's instrument, or null. Tables come from `cli` (paths as given) when
 * given, else from data.rolls (relative to the config file). Two tables for one instrument, or a `--rolls`
 * table for none of the run's instruments, are usage errors; an `unadj` file without a table gets a warning.
 */
export function rollTablesFor(loaded: LoadedConfig, files: readonly RunFile[], cli?: readonly string[]): Map<string, RollTable | null> {
  const fromCli = cli !== undefined && cli.length > 0;
  const configured = loaded.config.data.rolls;
  const sources = fromCli
    ? cli.map((p) => ({ path: p, where: `--rolls ${p}` }))
    : (configured === null ? [] : typeof configured === 'string' ? [configured] : configured).map((p) => ({
        path: resolveConfigPath(loaded, p),
        where: `data.rolls ${p}`,
      }));
  const tables = sources.map((s) => ({ ...s, table: rollTableOf(readRollTable(s.path), s.path) }));
  const out = new Map<string, RollTable | null>();
  for (const f of files) {
    const mine = tables.filter((t) => underlyingOf(t.table.root) === underlyingOf(f.symbol));
    if (mine.length > 1) throw new UsageError(`${mine.map((t) => t.where).join(' and ')}: two roll tables for ${f.symbol}; give one per instrument`);
    if (!mine.length && /(^|[_.-])unadj([_.-]|$)/i.test(basename(f.file)))
      note(
        `warning: ${f.file} is unadjusted and no roll table (--rolls FILE or data.rolls) is given for ${f.symbol}: returns, VWAP and the HMM see the roll gaps`,
      );
    out.set(f.symbol, mine[0]?.table ?? null);
  }
  if (fromCli)
    for (const t of tables)
      if (!files.some((f) => underlyingOf(f.symbol) === underlyingOf(t.table.root)))
        throw new UsageError(
          `${t.where}: the table's contracts are ${t.table.root} (${t.table.rolls[0]?.toContract ?? ''}...), but the run trades ${files.map((f) => f.symbol).join(', ')}`,
        );
  return out;
}

/** The roll table for a single-file run (see rollTablesFor). */
export function rollTableFor(loaded: LoadedConfig, symbol: string, file: string, cli?: readonly string[]): RollTable | null {
  return rollTablesFor(loaded, [{ symbol, file }], cli).get(symbol) ?? null;
}

/**
 * The sha256 that names a data set for optimize workers: the file's, or with a roll table the hash of both
 * (a worker back-adjusting with another table, or not at all, serves other data).
 */
export async function datasetSha256(file: string, rolls: RollTable | null): Promise<string> {
  const bars = await fileSha256(file);
  if (!rolls) return bars;
  return createHash('sha256')
    .update(`${bars}\nrolls ${await fileSha256(rolls.file)}`)
    .digest('hex');
}
