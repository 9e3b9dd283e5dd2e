// Facts of a several-instrument run that its summaries share: the span of all instruments' bars and the
// hash naming the data (one line per symbol).

import type { BarSeries } from '../domain/index.ts';
import { hashBars } from '../regime/index.ts';
import { sha256 } from '../report/index.ts';

/** First and last bar time over every series (null for none). */
export function spanOf(series: Iterable<BarSeries>): { firstMs: number | null; lastMs: number | null } {
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  for (const s of series) {
    if (!s.length) continue;
    const a = s.tsMs[0]!;
    const b = s.tsMs[s.length - 1]!;
    if (firstMs === null || a < firstMs) firstMs = a;
    if (lastMs === null || b > lastMs) lastMs = b;
  }
  return { firstMs, lastMs };
}

/** The data hash of a several-instrument run: sha256 of "SYM:hash" lines in symbol order. */
export function portfolioDataHash(symbols: readonly string[], seriesOf: (symbol: string) => BarSeries): string {
  return sha256(symbols.map((s) => `${s}:${hashBars(seriesOf(s))}`).join('\n'));
}
