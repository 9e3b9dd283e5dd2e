// The instrument a bar file holds, read from its name (the shared data and `history download` name files by root symbol first).

import { basename } from 'node:path';

/** Mini (full-size) roots and the micro txbot trades on the same underlying. */
export const MICRO_OF_MINI: Readonly<Record<string, string>> = { ES: 'MES', NQ: 'MNQ', RTY: 'M2K', GC: 'MGC' };

/** Roots a file name may start with: the micros and their minis. */
const KNOWN_ROOTS = new Set(['MES', 'MNQ', 'M2K', 'MGC', ...Object.keys(MICRO_OF_MINI)]);

/** The underlying of a root: a micro maps to its mini (MES → ES), a mini to itself; unknown roots to themselves. */
export function underlyingOf(root: string): string {
  for (const [mini, micro] of Object.entries(MICRO_OF_MINI)) if (micro === root) return mini;
  return root;
}

/**
 * The root symbol at the start of a bar file's name (`es_5min_...csv.gz` → ES, `MNQH26-5m.csv` → MNQ),
 * or null when the name does not start with a known root followed by a separator or a month code.
 */
export function symbolFromFileName(path: string): string | null {
  const name = basename(path).toUpperCase();
  const m = /^([A-Z0-9]{2,3})(?:[FGHJKMNQUVXZ]\d{1,2})?(?=[_.\- ]|$)/.exec(name);
  if (!m) return null;
  return KNOWN_ROOTS.has(m[1]!) ? m[1]! : null;
}
