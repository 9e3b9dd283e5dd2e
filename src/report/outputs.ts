// Writes backtest outputs deterministically: trades.csv, equity.csv, decisions.jsonl, summary.json.

import { closeSync, createWriteStream, mkdirSync, openSync, writeFileSync, writeSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { formatIsoInZone } from '../domain/time.ts';
import type { EquityPoint, TradeRecord } from '../engine/records.ts';
import type { DecisionRecord } from '../engine/records.ts';

const ZONE = 'America/New_York';
const iso = (ms: number) => formatIsoInZone(ZONE, ms);
const num = (x: number) => String(Math.round(x * 1e6) / 1e6);

/** Quotes a CSV field when needed. */
export function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const TRADES_HEADER =
  'entry_time,exit_time,symbol,side,qty,entry_price,exit_price,gross_pnl,commission,net_pnl,regime,entry_reason,exit_reason';

/** trades.csv text: ISO 8601 times with the ET offset, money in USD. */
export function tradesCsv(trades: readonly TradeRecord[]): string {
  const rows = trades.map((t) =>
    [
      iso(t.entryTsMs),
      iso(t.exitTsMs),
      t.symbol,
      t.side,
      t.qty,
      num(t.entryPrice),
      num(t.exitPrice),
      num(t.grossPnlUsd),
      num(t.commissionUsd),
      num(t.netPnlUsd),
      t.regime,
      csvField(t.entryReason),
      t.exitReason,
    ].join(','),
  );
  return `${[TRADES_HEADER, ...rows].join('\n')}\n`;
}

/** equity.csv text: one row per bar, mark-to-market equity. */
export function equityCsv(equity: readonly EquityPoint[]): string {
  const rows = equity.map((p) => `${iso(p.tsMs)},${num(p.equityUsd)}`);
  return `${['time,equity', ...rows].join('\n')}\n`;
}

/** One decisions.jsonl line: the decision with its time as ISO 8601 (ET offset) first (then the symbol in several-instrument runs). */
export function decisionJson(d: DecisionRecord, symbol?: string): string {
  const { tsMs, ...rest } = d;
  return JSON.stringify(symbol === undefined ? { t: iso(tsMs), ...rest } : { t: iso(tsMs), symbol, ...rest });
}

/** Creates the output folder and returns helpers writing into it. */
export function outputDir(dir: string): { path(name: string): string; write(name: string, text: string): void; stream(name: string): WriteStream } {
  mkdirSync(dir, { recursive: true });
  return {
    path: (name) => join(dir, name),
    write: (name, text) => writeFileSync(join(dir, name), text),
    stream: (name) => createWriteStream(join(dir, name)),
  };
}

/** Stable JSON: keys in insertion order, two-space indent, trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Appends lines to a file synchronously in ~1 MB chunks (bounded memory for million-line outputs). */
export class SyncLineWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  line(text: string): void {
    this.buf.push(text);
    this.size += text.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.buf.length) writeSync(this.fd, `${this.buf.join('\n')}\n`);
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** The standard files of a run folder; `extra` files (model.json, retrains.json, ...) in the given order. */
export interface RunFiles {
  readonly summary: unknown;
  readonly trades: readonly TradeRecord[];
  readonly equity: readonly EquityPoint[];
  readonly extra?: readonly (readonly [name: string, text: string])[];
  /** report.html text (null: no report). */
  readonly reportHtml: string | null;
}

/**
 * Writes summary.json, trades.csv, equity.csv, the extra files and report.html into `dir` (created when
 * missing); returns the paths written, in that order. The one writer of run folders.
 */
export function writeRunFiles(dir: string, f: RunFiles): string[] {
  const out = outputDir(dir);
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    out.write(name, text);
    files.push(out.path(name));
  };
  write('summary.json', stableJson(f.summary));
  write('trades.csv', tradesCsv(f.trades));
  write('equity.csv', equityCsv(f.equity));
  for (const [name, text] of f.extra ?? []) write(name, text);
  if (f.reportHtml !== null) write('report.html', f.reportHtml);
  return files;
}
