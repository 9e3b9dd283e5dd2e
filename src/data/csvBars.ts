// Streaming CSV/CSV.gz OHLCV loader with validation (file + line for every problem) and strict/repair policy.

import { DataError, UsageError, localToUtcCandidates, parseZone, quoteSnippet, type BarSeries } from '../domain/index.ts';
import { forEachLine } from './lineReader.ts';
import { barColumnsOf, type BarColumns } from './barColumns.ts';
import { parseTimestamp } from './timestampParse.ts';
import { GrowableBars } from './growableBars.ts';
import { splitCsvFields } from './csvFields.ts';

export type DataPolicy = 'strict' | 'repair';

export type ProblemKind =
  | 'unparsable'
  | 'bad_price'
  | 'high_below_low'
  | 'open_outside_range'
  | 'close_outside_range'
  | 'bad_volume'
  | 'duplicate_timestamp'
  | 'out_of_order'
  | 'nonexistent_local_time';

/** One validation problem: the 1-based line and a message "file line N: what (found)". */
export interface DataProblem {
  line: number;
  kind: ProblemKind;
  message: string;
}

export interface ReadBarsOptions {
  /** Zone of naive timestamps: America/New_York (default), America/Chicago, UTC or +HH:MM. */
  timezone?: string;
  /** strict (default): any problem stops with the full list; repair: bad rows dropped and reported. */
  policy?: DataPolicy;
}

export interface ReadBarsResult {
  series: BarSeries;
  file: string;
  rowsRead: number;
  dropped: number;
  problems: DataProblem[];
  problemCounts: Partial<Record<ProblemKind, number>>;
}

/** Problems listed in a strict-mode error message (the count of all is always given). */
export const MAX_PROBLEMS_LISTED = 25;

function num(s: string | undefined): number {
  if (s === undefined) return Number.NaN;
  const t = s.trim();
  return t === '' ? Number.NaN : Number(t);
}

/** Validates one row's prices; returns the problem text or null. */
function priceProblem(o: number, h: number, l: number, c: number, v: number): [ProblemKind, string] | null {
  if (![o, h, l, c].every(Number.isFinite)) return ['bad_price', `price is not a number (open ${o}, high ${h}, low ${l}, close ${c})`];
  if (o <= 0 || h <= 0 || l <= 0 || c <= 0) return ['bad_price', `price must be positive (open ${o}, high ${h}, low ${l}, close ${c})`];
  if (h < l) return ['high_below_low', `high ${h} below low ${l}`];
  if (o < l || o > h) return ['open_outside_range', `open ${o} outside high-low ${l}..${h}`];
  if (c < l || c > h) return ['close_outside_range', `close ${c} outside high-low ${l}..${h}`];
  if (!Number.isFinite(v) || v < 0) return ['bad_volume', `volume must be a number >= 0 (got ${v})`];
  return null;
}

/** Memoizes local→UTC candidate offsets per local hour (DST changes happen on the hour). */
class LocalHourCache {
  private readonly zone: string;
  private hour = Number.NaN;
  private offsets: number[] = [];
  constructor(zone: string) {
    this.zone = zone;
  }
  candidates(localMs: number): number[] {
    const hour = Math.floor(localMs / 3_600_000);
    if (hour !== this.hour) {
      this.hour = hour;
      const base = hour * 3_600_000;
      this.offsets = localToUtcCandidates(this.zone, base).map((u) => u - base);
    }
    return this.offsets.map((off) => localMs + off);
  }
}

/** Reads an OHLCV file into a validated, strictly increasing series of UTC instants. */
export async function readBarsCsv(file: string, options: ReadBarsOptions = {}): Promise<ReadBarsResult> {
  const zone = options.timezone ?? 'America/New_York';
  if (!parseZone(zone))
    throw new DataError('DATA_TIMEZONE', `unknown time zone "${zone}" for ${file}`, [], {
      hint: 'use America/New_York, America/Chicago, UTC or an offset like +02:00',
    });
  const policy = options.policy ?? 'strict';
  if (policy !== 'strict' && policy !== 'repair')
    throw new UsageError(`data policy must be strict or repair (got ${quoteSnippet(String(policy))})`, {
      hint: 'set data.policy or --policy to strict or repair',
    });
  const out = new GrowableBars(1 << 16);
  const problems: DataProblem[] = [];
  const counts: Partial<Record<ProblemKind, number>> = {};
  let cols: BarColumns | null = null;
  let rowsRead = 0;
  let lastTs = Number.NEGATIVE_INFINITY;
  const offsetCache = new LocalHourCache(zone);

  const report = (line: number, kind: ProblemKind, what: string): void => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    problems.push({ line, kind, message: `${file} line ${line}: ${what}` });
  };

  await forEachLine(file, (line, lineNo) => {
    if (cols === null) {
      cols = barColumnsOf(line, file);
      return;
    }
    if (line.length === 0) return;
    rowsRead++;
    const f = splitCsvFields(line);
    if (f === null) {
      report(lineNo, 'unparsable', `unbalanced double quotes (RFC 4180 quoting expected) in ${quoteSnippet(line, 60)}`);
      return;
    }
    if (f.length < cols.count) {
      report(lineNo, 'unparsable', `expected ${cols.count} fields, found ${f.length} (${quoteSnippet(line, 60)})`);
      return;
    }
    const parsed = parseTimestamp(f[cols.ts]!);
    if (!parsed) {
      report(lineNo, 'unparsable', `timestamp ${quoteSnippet(f[cols.ts]!.trim(), 40)} is not a date-time`);
      return;
    }
    let ts: number;
    if (parsed.absolute) {
      ts = parsed.ms;
    } else {
      const cands = offsetCache.candidates(parsed.ms);
      if (cands.length === 0) {
        report(lineNo, 'nonexistent_local_time', `"${f[cols.ts]!.trim()}" does not exist in ${zone} (skipped by the DST change)`);
        return;
      }
      // In the repeated fall-back hour take the first instant after the previous bar.
      ts = cands.length === 2 && cands[0]! <= lastTs ? cands[1]! : cands[0]!;
    }
    const o = num(f[cols.open]);
    const h = num(f[cols.high]);
    const l = num(f[cols.low]);
    const c = num(f[cols.close]);
    const v = cols.volume === -1 ? 0 : num(f[cols.volume]);
    const bad = priceProblem(o, h, l, c, v);
    if (bad) {
      report(lineNo, bad[0], bad[1]);
      return;
    }
    if (ts === lastTs) {
      report(lineNo, 'duplicate_timestamp', `duplicate timestamp "${f[cols.ts]!.trim()}" (same as the previous bar)`);
      return;
    }
    if (ts < lastTs) {
      report(lineNo, 'out_of_order', `timestamp "${f[cols.ts]!.trim()}" is earlier than the previous bar`);
      return;
    }
    lastTs = ts;
    out.push(ts, o, h, l, c, v);
  });

  if (cols === null) throw new DataError('DATA_EMPTY', `${file}: the file is empty (no header row)`);
  if (policy === 'strict' && problems.length > 0) {
    const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map((p) => p.message);
    if (problems.length > listed.length) listed.push(`... and ${problems.length - listed.length} more`);
    throw new DataError('DATA_INVALID', `${file}: ${problems.length} bad row(s) (policy strict)`, listed, {
      hint: 'fix the file, or set data.policy: repair (or --policy repair) to drop bad rows with a summary',
    });
  }
  return { series: out.finish(), file, rowsRead, dropped: problems.length, problems, problemCounts: counts };
}

/** One-line summary of dropped rows by kind, e.g. "dropped 3 rows: 2 duplicate_timestamp, 1 high_below_low". */
export function summarizeProblems(result: ReadBarsResult): string | null {
  if (result.dropped === 0) return null;
  const parts = Object.entries(result.problemCounts).map(([k, n]) => `${n} ${k}`);
  return `${result.file}: dropped ${result.dropped} of ${result.rowsRead} rows (${parts.join(', ')})`;
}
