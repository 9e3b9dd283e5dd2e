// Streaming CSV/CSV.gz OHLCV loader with validation (file + line for every problem) and strict/repair policy.

import { DataError, UsageError, localToUtcCandidates, naiveLocalMs, parseZone, quoteSnippet, type BarSeries } from '../domain/index.ts';
import { forEachLineBytes, textSizeHint } from './lineReader.ts';
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

/** Data rows read before the rest of the file's rows are estimated (GrowableBars.reserve). */
const ESTIMATE_AFTER_ROWS = 2000;
/** Upper bound of that estimate (a wrong size hint never reserves more). */
const MAX_ESTIMATED_ROWS = 20_000_000;

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
  /** The local→UTC offsets (ms) of the local hour of `localMs`: one, two (fall-back hour) or none (skipped hour). */
  offsetsOf(localMs: number): readonly number[] {
    const hour = Math.floor(localMs / 3_600_000);
    if (hour !== this.hour) {
      this.hour = hour;
      const base = hour * 3_600_000;
      this.offsets = localToUtcCandidates(this.zone, base).map((u) => u - base);
    }
    return this.offsets;
  }
  candidates(localMs: number): number[] {
    return this.offsetsOf(localMs).map((off) => localMs + off);
  }
}

const P10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain decimal field `-?d+(.d+)?` of at most 15 digits read from bytes: the same double as Number()
 * of its text (an integer below 2^53 divided by an exact power of ten is one correctly rounded
 * operation); NaN for anything else (blanks, exponents, more digits), which the caller reads as text.
 */
function decimalAt(b: Buffer, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && b[i] === 45) {
    neg = true;
    i++;
  }
  if (i === e) return Number.NaN;
  let m = 0;
  let digits = 0;
  let scale = -1;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c === 46) {
      if (scale !== -1 || digits === 0) return Number.NaN;
      scale = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return Number.NaN;
    m = m * 10 + d;
    digits++;
    if (scale !== -1) scale++;
  }
  if (digits > 15 || scale === 0) return Number.NaN;
  const v = scale > 0 ? m / P10[scale]! : m;
  return neg ? -v : v;
}

/** Two digits at `b[i]`, or -1. */
function two(b: Buffer, i: number): number {
  const x = b[i]! - 48;
  const y = b[i + 1]! - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

const DIM = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Naive local ms of "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (also with T) read from
 * bytes, the same value parseTimestamp gives; NaN for any other text (read by parseTimestamp then).
 */
function isoLocalAt(b: Buffer, s: number, e: number): number {
  const n = e - s;
  if ((n !== 10 && n !== 16 && n !== 19) || b[s + 4] !== 45 || b[s + 7] !== 45) return Number.NaN;
  const y1 = two(b, s);
  const y2 = two(b, s + 2);
  const mo = two(b, s + 5);
  const d = two(b, s + 8);
  if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1) return Number.NaN;
  const y = y1 * 100 + y2;
  const dim = mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DIM[mo - 1]!;
  if (d > dim) return Number.NaN;
  let h = 0;
  let mi = 0;
  let sec = 0;
  if (n > 10) {
    const sep = b[s + 10];
    if ((sep !== 32 && sep !== 84) || b[s + 13] !== 58) return Number.NaN;
    h = two(b, s + 11);
    mi = two(b, s + 14);
    if (n === 19) {
      if (b[s + 16] !== 58) return Number.NaN;
      sec = two(b, s + 17);
    }
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return Number.NaN;
  }
  return naiveLocalMs(y, mo, d, h, mi, sec, 0);
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
  const out = new GrowableBars(ESTIMATE_AFTER_ROWS + 16);
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

  /** One data row as text, every check and problem message (rows the byte path does not take). */
  const textRow = (line: string, lineNo: number, cols: BarColumns): void => {
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
  };

  // Field boundaries of the current row (byte path): start of field i at starts[i], its end at ends[i].
  let starts = new Int32Array(0);
  let ends = new Int32Array(0);
  /**
   * The byte path: a row without quotes whose timestamp is ISO naive local time and whose fields are plain
   * decimals, valid and after the previous bar, is stored without building strings. Any other row
   * returns false and is read as text by `textRow` (the same result and the same problem messages).
   */
  const byteRow = (b: Buffer, s: number, e: number, cols: BarColumns): boolean => {
    const count = cols.count;
    let k = 0;
    let fs = s;
    for (let i = s; i < e; i++) {
      const ch = b[i];
      if (ch === 44) {
        if (k < count) {
          starts[k] = fs;
          ends[k] = i;
        }
        k++;
        fs = i + 1;
      } else if (ch === 34) return false;
    }
    if (k < count) {
      starts[k] = fs;
      ends[k] = e;
    }
    if (k + 1 < count) return false;
    const local = isoLocalAt(b, starts[cols.ts]!, ends[cols.ts]!);
    if (Number.isNaN(local)) return false;
    const offs = offsetCache.offsetsOf(local);
    if (offs.length === 0) return false;
    const ts = offs.length === 2 && local + offs[0]! <= lastTs ? local + offs[1]! : local + offs[0]!;
    if (!(ts > lastTs)) return false;
    const o = decimalAt(b, starts[cols.open]!, ends[cols.open]!);
    const h = decimalAt(b, starts[cols.high]!, ends[cols.high]!);
    const l = decimalAt(b, starts[cols.low]!, ends[cols.low]!);
    const c = decimalAt(b, starts[cols.close]!, ends[cols.close]!);
    const v = cols.volume === -1 ? 0 : decimalAt(b, starts[cols.volume]!, ends[cols.volume]!);
    // NaN (not a plain decimal) fails these comparisons too: the text path decides.
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && h >= l && o >= l && o <= h && c >= l && c <= h && v >= 0)) return false;
    lastTs = ts;
    out.push(ts, o, h, l, c, v);
    return true;
  };

  // After the first rows, room for the rest in one block (rows estimated from the text size), so the
  // series is not grown and copied; the estimate only sizes memory, every row is still read.
  const sizeHint = textSizeHint(file);
  let bytesSeen = 0;
  await forEachLineBytes(file, (b, s, e, lineNo) => {
    bytesSeen += e - s + 1;
    if (rowsRead === ESTIMATE_AFTER_ROWS && sizeHint !== null && sizeHint > bytesSeen)
      out.reserve(Math.min(MAX_ESTIMATED_ROWS, ((sizeHint - bytesSeen) / (bytesSeen / (rowsRead + 1))) * 1.02 + 64));
    if (cols === null) {
      cols = barColumnsOf(b.toString('utf8', s, e), file);
      starts = new Int32Array(cols.count);
      ends = new Int32Array(cols.count);
      return;
    }
    if (e === s) return;
    rowsRead++;
    if (!byteRow(b, s, e, cols)) textRow(b.toString('utf8', s, e), lineNo, cols);
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
