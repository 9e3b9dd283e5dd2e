// Which kinds of each configured seam are built: a kind the schema names but no implementation exists for
// yet is refused here by `config check`, never silently ignored. A new kind is marked built in this table
// when its implementation lands (and wired in its seam file under src/app/seams/).

import type { Config } from './schema.ts';

interface SeamKinds {
  /** Config key of the kind selector. */
  readonly key: string;
  readonly kindOf: (c: Config) => string;
  /** Kinds declared in the schema but not built yet, with what is missing. */
  readonly notBuilt: Readonly<Record<string, string>>;
}

export const SEAM_KINDS: readonly SeamKinds[] = [
  { key: 'regime_source.kind', kindOf: (c) => c.regime_source.kind, notBuilt: {} },
  { key: 'decision_policy.kind', kindOf: (c) => c.decision_policy.kind, notBuilt: {} },
  {
    key: 'state.kind',
    kindOf: (c) => c.state.kind,
    notBuilt: {},
  },
  { key: 'journal.kind', kindOf: (c) => c.journal.kind, notBuilt: {} },
  { key: 'filters.sentiment.source', kindOf: (c) => c.filters.sentiment.source, notBuilt: {} },
  { key: 'filters.calendar.source', kindOf: (c) => c.filters.calendar.source, notBuilt: {} },
  { key: 'filters.vix.source', kindOf: (c) => c.filters.vix.source, notBuilt: {} },
];

/** One `key: problem (got kind)` line per seam whose configured kind is not built. */
export function unbuiltSeamKinds(c: Config): string[] {
  const out: string[] = [];
  for (const s of SEAM_KINDS) {
    const kind = s.kindOf(c);
    const missing = s.notBuilt[kind];
    if (missing !== undefined) out.push(`${s.key}: ${missing} (got "${kind}")`);
  }
  return out;
}
