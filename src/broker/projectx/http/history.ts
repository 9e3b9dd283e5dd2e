// Historical bars past the 20 000-bar cap: pages backwards from the end (the API returns the newest bars of
// a range first), merges, sorts ascending and de-duplicates; each page waits for the 50/30 s budget.

import type { Bar } from '../../../domain/index.ts';
import { sortDedupeBars } from '../parse.ts';
import type { BarUnit } from '../types.ts';
import type { ProjectXClient } from './client.ts';

/** The API's per-request cap (reference §1.7). */
export const MAX_BARS_PER_REQUEST = 20_000;

export interface HistoryRequest {
  readonly contractId: string;
  readonly live: boolean;
  /** Inclusive start, UTC epoch ms. */
  readonly startMs: number;
  /** End, UTC epoch ms (bars starting before it). */
  readonly endMs: number;
  readonly unit: BarUnit;
  readonly unitNumber: number;
  /** Bars per page (default and maximum 20 000). */
  readonly pageSize?: number;
  /** Called after every page with the fraction of [startMs, endMs) covered so far. */
  readonly onPage?: (info: { pages: number; bars: number; coveredFraction: number }) => void;
}

/** Downloads every bar in [startMs, endMs), ascending, no duplicates. */
export async function downloadBars(client: ProjectXClient, req: HistoryRequest): Promise<Bar[]> {
  const pageSize = Math.min(req.pageSize ?? MAX_BARS_PER_REQUEST, MAX_BARS_PER_REQUEST);
  const all: Bar[] = [];
  let endMs = req.endMs;
  let pages = 0;
  while (endMs > req.startMs) {
    const raw = await client.retrieveBars({
      contractId: req.contractId,
      live: req.live,
      startMs: req.startMs,
      endMs,
      unit: req.unit,
      unitNumber: req.unitNumber,
      limit: pageSize,
    });
    pages++;
    for (const b of raw) if (b.tsMs >= req.startMs && b.tsMs < req.endMs) all.push(b);
    const oldest = raw.length > 0 ? raw[0]!.tsMs : req.startMs;
    const span = req.endMs - req.startMs;
    req.onPage?.({ pages, bars: all.length, coveredFraction: span > 0 ? (req.endMs - oldest) / span : 1 });
    // A short page means the range is exhausted; no older bar means no progress (inclusive end echoes one bar).
    if (raw.length < pageSize || oldest >= endMs) break;
    endMs = oldest;
  }
  return sortDedupeBars(all);
}
