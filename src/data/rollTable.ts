// Reads a futures roll table (one row per front-month change, with the roll gap) such as the shared
// mgc_rolls_*.csv: columns first_trade_date,from_contract,to_contract,prev_trade_date,...,gap_to_minus_from.

import { readFileSync } from 'node:fs';
import { DataError } from '../domain/index.ts';

/** One front-month change: from `firstTradeDate` on, `toContract` is traded; gap = to − from close. */
export interface RollRecord {
  /** CME trade date (YYYY-MM-DD) of the first session on the new contract. */
  readonly firstTradeDate: string;
  readonly fromContract: string | null;
  readonly toContract: string;
  /**
   * Price difference new − old contract at the compare minute; null on the first row. Back-adjusting adds it
   * to the earlier (old contract's) prices: the shared MGC file's 2021-01-27 16:55 close 1841.9 (MGCG1) then
   * 18:00 open 1847.8 (MGCJ1) with gap 4.1 (the shared README's "subtract" has the sign the other way).
   */
  readonly gapPts: number | null;
}

const REQUIRED = ['first_trade_date', 'from_contract', 'to_contract', 'gap_to_minus_from'] as const;

/** Whether a CSV header line is a roll table's. */
export function looksLikeRollHeader(header: string): boolean {
  const cols = header
    .toLowerCase()
    .split(',')
    .map((c) => c.trim());
  return REQUIRED.every((c) => cols.includes(c));
}

/** Parses roll-table text; every bad row is reported with the file and line. */
export function parseRollTable(text: string, file: string): RollRecord[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '');
  if (!looksLikeRollHeader(header)) {
    throw new DataError('DATA_HEADER', `${file} line 1: not a roll table (expected columns ${REQUIRED.join(', ')})`);
  }
  const cols = header
    .toLowerCase()
    .split(',')
    .map((c) => c.trim());
  const at = (name: (typeof REQUIRED)[number]) => cols.indexOf(name);
  const problems: string[] = [];
  const out: RollRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const f = line.split(',');
    const date = (f[at('first_trade_date')] ?? '').trim();
    const from = (f[at('from_contract')] ?? '').trim();
    const to = (f[at('to_contract')] ?? '').trim();
    const gapText = (f[at('gap_to_minus_from')] ?? '').trim();
    const gap = gapText === '' ? null : Number(gapText);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push(`${file} line ${i + 1}: first_trade_date "${date}" is not YYYY-MM-DD`);
    else if (!to) problems.push(`${file} line ${i + 1}: to_contract is empty`);
    else if (gap !== null && !Number.isFinite(gap)) problems.push(`${file} line ${i + 1}: gap_to_minus_from "${gapText}" is not a number`);
    else if (from && gap === null) problems.push(`${file} line ${i + 1}: a roll from ${from} needs gap_to_minus_from`);
    else if (out.length && date <= out.at(-1)!.firstTradeDate)
      problems.push(`${file} line ${i + 1}: first_trade_date ${date} is not after ${out.at(-1)!.firstTradeDate}`);
    else out.push({ firstTradeDate: date, fromContract: from || null, toContract: to, gapPts: gap });
  }
  if (problems.length) throw new DataError('DATA_INVALID', `${file}: ${problems.length} bad roll row(s); first: ${problems[0]}`, problems);
  return out;
}

/** Reads a roll table file. */
export function readRollTable(file: string): RollRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_FILE_UNREADABLE', `${file}: cannot open (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`, [], { cause: e });
  }
  return parseRollTable(text, file);
}
