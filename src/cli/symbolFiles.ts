// `--data SYM=FILE` / `--model SYM=FILE` option values of several-instrument runs (a plain FILE names the
// file of a single-instrument run).

import { UsageError } from '../domain/index.ts';

/** One value of a repeatable file option: the symbol it is for (null for a plain FILE) and the file. */
export interface SymbolFile {
  readonly symbol: string | null;
  readonly file: string;
}

/** Collects the values of a repeated option (commander's argParser). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Parses the values of `option`: each `SYM=FILE` or a plain `FILE`. A plain file is allowed only as the
 * option's one value; a symbol may appear once and must be an upper-case root symbol.
 */
export function parseSymbolFiles(option: string, values: readonly string[] | string | undefined): SymbolFile[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const out: SymbolFile[] = [];
  for (const v of list) {
    const m = /^([A-Z0-9]{1,6})=(.+)$/.exec(v);
    out.push(m ? { symbol: m[1]!, file: m[2]! } : { symbol: null, file: v });
  }
  if (out.length > 1 && out.some((x) => x.symbol === null)) {
    throw new UsageError(
      `${option}: with several values each must be SYM=FILE, e.g. ${option} MES=es.csv.gz ${option} MGC=mgc.csv.gz (got ${list.join(', ')})`,
    );
  }
  const seen = new Set<string>();
  for (const x of out) {
    if (x.symbol === null) continue;
    if (seen.has(x.symbol)) throw new UsageError(`${option}: ${x.symbol} given twice`);
    seen.add(x.symbol);
  }
  return out;
}
