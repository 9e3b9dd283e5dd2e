// `data inspect` analysis: range, bar count, bar size, gaps, session coverage and problems of a data file.

import { MICRO_OF_MINI, symbolFromFileName } from './fileSymbol.ts';
import { forEachLine } from './lineReader.ts';
import { looksLikeBarHeader } from './barColumns.ts';
import { quoteSnippet, sessionInfo, MINUTE_MS, formatIsoInZone, DataError } from '../domain/index.ts';
import { readBarsCsv, type DataProblem, type ProblemKind } from './csvBars.ts';
import { detectBarMinutes } from './resample.ts';
import { looksLikeRollHeader, readRollTable } from './rollTable.ts';

export interface GapInfo {
  fromMs: number;
  toMs: number;
  minutes: number;
}

export interface BarFileReport {
  kind: 'bars';
  file: string;
  rowsRead: number;
  bars: number;
  firstMs: number;
  lastMs: number;
  barMinutes: number | null;
  tradingDays: number;
  rthDays: number;
  /** Mean RTH bars per trading day that has any (intraday files). */
  meanRthBarsPerDay: number;
  expectedRthBarsPerDay: number | null;
  /** Trading days whose RTH bars are fewer than 90% of the expected count. */
  partialRthDays: number;
  /** Gaps longer than the bar size while Globex is open (intraday files). */
  gapCount: number;
  largestGaps: GapInfo[];
  weekendBars: number;
  breakBars: number;
  minLow: number;
  maxHigh: number;
  totalVolume: number;
  problemCounts: Partial<Record<ProblemKind, number>>;
  problems: DataProblem[];
}

export interface EventFileReport {
  kind: 'events';
  file: string;
  rows: number;
  first: string;
  last: string;
  byEvent: Record<string, number>;
}

export interface RollFileReport {
  kind: 'rolls';
  file: string;
  rolls: number;
  first: string;
  last: string;
  contracts: string[];
  minGapPts: number | null;
  maxGapPts: number | null;
}

export type InspectReport = BarFileReport | EventFileReport | RollFileReport;

function inspectRolls(file: string): RollFileReport {
  const rows = readRollTable(file);
  const gaps = rows.map((r) => r.gapPts).filter((g): g is number => g !== null);
  return {
    kind: 'rolls',
    file,
    rolls: gaps.length,
    first: rows[0]?.firstTradeDate ?? '',
    last: rows.at(-1)?.firstTradeDate ?? '',
    contracts: rows.map((r) => r.toContract),
    minGapPts: gaps.length ? Math.min(...gaps) : null,
    maxGapPts: gaps.length ? Math.max(...gaps) : null,
  };
}

async function readHeader(file: string): Promise<string> {
  let header = '';
  await forEachLine(file, (line) => {
    header = line;
    return false;
  });
  return header;
}

async function inspectEvents(file: string): Promise<EventFileReport> {
  let rows = 0;
  let first = '';
  let last = '';
  const byEvent: Record<string, number> = {};
  await forEachLine(file, (line, n) => {
    if (n === 1 || !line) return;
    const [ts, ev] = line.split(',');
    rows++;
    if (!first) first = ts ?? '';
    last = ts ?? last;
    byEvent[ev ?? '?'] = (byEvent[ev ?? '?'] ?? 0) + 1;
  });
  return { kind: 'events', file, rows, first, last, byEvent };
}

/** Inspects a bar file (validation in repair mode so every problem is counted) or an event calendar. */
export async function inspectFile(file: string, options: { timezone?: string } = {}): Promise<InspectReport> {
  const header = await readHeader(file);
  const lower = header.toLowerCase();
  if (!looksLikeBarHeader(header)) {
    if (looksLikeRollHeader(header)) return inspectRolls(file);
    if (lower.includes('event')) return inspectEvents(file);
    throw new DataError('DATA_HEADER', `${file} line 1: not a bar file, event calendar or roll table (header: ${quoteSnippet(header)})`);
  }
  const r = await readBarsCsv(file, { timezone: options.timezone, policy: 'repair' });
  const s = r.series;
  const barMinutes = detectBarMinutes(s);
  const intraday = barMinutes !== null && barMinutes < 24 * 60;
  const rthPerDay = new Map<number, number>();
  const days = new Set<number>();
  const gaps: GapInfo[] = [];
  let weekendBars = 0;
  let breakBars = 0;
  let minLow = Number.POSITIVE_INFINITY;
  let maxHigh = Number.NEGATIVE_INFINITY;
  let totalVolume = 0;
  let prevDay = Number.NaN;
  for (let i = 0; i < s.length; i++) {
    const info = sessionInfo(s.tsMs[i]!);
    days.add(info.tradingDay);
    if (s.low[i]! < minLow) minLow = s.low[i]!;
    if (s.high[i]! > maxHigh) maxHigh = s.high[i]!;
    totalVolume += s.volume[i]!;
    if (!intraday) continue;
    if (info.isWeekend) weekendBars++;
    if (info.inDailyBreak) breakBars++;
    if (info.isRth) rthPerDay.set(info.tradingDay, (rthPerDay.get(info.tradingDay) ?? 0) + 1);
    if (i > 0 && info.tradingDay === prevDay && !info.isWeekend && !info.inDailyBreak) {
      const minutes = (s.tsMs[i]! - s.tsMs[i - 1]!) / MINUTE_MS;
      if (minutes > barMinutes!) gaps.push({ fromMs: s.tsMs[i - 1]!, toMs: s.tsMs[i]!, minutes });
    }
    prevDay = info.tradingDay;
  }
  const expected = intraday ? Math.floor(390 / barMinutes!) : null;
  let rthBars = 0;
  let partial = 0;
  for (const n of rthPerDay.values()) {
    rthBars += n;
    if (expected !== null && n < expected * 0.9) partial++;
  }
  gaps.sort((a, b) => b.minutes - a.minutes || a.fromMs - b.fromMs);
  return {
    kind: 'bars',
    file,
    rowsRead: r.rowsRead,
    bars: s.length,
    firstMs: s.length ? s.tsMs[0]! : Number.NaN,
    lastMs: s.length ? s.tsMs[s.length - 1]! : Number.NaN,
    barMinutes,
    tradingDays: days.size,
    rthDays: rthPerDay.size,
    meanRthBarsPerDay: rthPerDay.size ? rthBars / rthPerDay.size : 0,
    expectedRthBarsPerDay: expected,
    partialRthDays: partial,
    gapCount: gaps.length,
    largestGaps: gaps.slice(0, 5),
    weekendBars,
    breakBars,
    minLow: s.length ? minLow : Number.NaN,
    maxHigh: s.length ? maxHigh : Number.NaN,
    totalVolume,
    problemCounts: r.problemCounts,
    problems: r.problems,
  };
}

/** Human-readable lines of a report. */
export function formatInspectReport(rep: InspectReport): string[] {
  if (rep.kind === 'rolls') {
    return [
      `file: ${rep.file}`,
      'kind: roll table',
      `rolls: ${rep.rolls} from ${rep.first} to ${rep.last} (${rep.contracts.length} contracts: ${rep.contracts[0] ?? '-'} .. ${rep.contracts.at(-1) ?? '-'})`,
      `roll gaps (new - old): ${rep.minGapPts ?? 'n/a'} .. ${rep.maxGapPts ?? 'n/a'} points`,
    ];
  }
  if (rep.kind === 'events') {
    return [
      `file: ${rep.file}`,
      'kind: event calendar',
      `events: ${rep.rows} from ${rep.first} to ${rep.last}`,
      `by event: ${Object.entries(rep.byEvent)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    ];
  }
  const et = (ms: number) => formatIsoInZone('America/New_York', ms);
  const root = symbolFromFileName(rep.file);
  const micro = root === null ? undefined : MICRO_OF_MINI[root];
  const lines = [
    `file: ${rep.file}`,
    `kind: OHLCV bars, ${rep.barMinutes === null ? 'unknown size' : rep.barMinutes >= 1440 ? 'daily' : `${rep.barMinutes}-minute`}`,
    `instrument: ${root === null ? 'unknown from the file name (runs need backtest.instrument set)' : `${root} (from the file name${micro ? `; backtest.instrument auto trades it as ${micro}` : ''})`}`,
    `range: ${rep.bars ? `${et(rep.firstMs)} -> ${et(rep.lastMs)}` : 'empty'}`,
    `bars: ${rep.bars} of ${rep.rowsRead} rows (${rep.rowsRead - rep.bars} with problems)`,
    `trading days: ${rep.tradingDays}`,
    `price range: ${rep.minLow} .. ${rep.maxHigh}; total volume ${rep.totalVolume}`,
  ];
  if (rep.expectedRthBarsPerDay !== null) {
    lines.push(
      `session coverage: ${rep.rthDays} days with RTH bars, mean ${rep.meanRthBarsPerDay.toFixed(1)} of ${rep.expectedRthBarsPerDay} RTH bars/day, ${rep.partialRthDays} partial days (<90%)`,
    );
    lines.push(`bars outside the session: ${rep.weekendBars} on weekends, ${rep.breakBars} in the 17:00-18:00 ET break`);
    lines.push(`gaps inside the session (longer than one bar): ${rep.gapCount}`);
    for (const g of rep.largestGaps) lines.push(`  ${et(g.fromMs)} -> ${et(g.toMs)} (${g.minutes} min)`);
  }
  const kinds = Object.entries(rep.problemCounts);
  lines.push(`problems: ${kinds.length ? kinds.map(([k, n]) => `${n} ${k}`).join(', ') : 'none'}`);
  for (const p of rep.problems.slice(0, 10)) lines.push(`  ${p.message}`);
  if (rep.problems.length > 10) lines.push(`  ... and ${rep.problems.length - 10} more`);
  return lines;
}
