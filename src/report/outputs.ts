// Writes backtest outputs deterministically: trades.csv, equity.csv, decisions.jsonl, summary.json.

import { closeSync, createWriteStream, mkdirSync, openSync, rmSync, writeFileSync, writeSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { formatIsoInZone } from '../domain/index.ts';
import type { EquityPoint, TradeRecord, DecisionRecord } from '../engine/index.ts';

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

/** Writes equity.csv (the bytes of `equityCsv`) in 64 KB pieces, without the whole text in memory. */
export function writeEquityCsv(path: string, equity: readonly EquityPoint[]): void {
  const fd = openSync(path, 'w');
  try {
    let text = 'time,equity\n';
    for (let i = 0; i < equity.length; i++) {
      const p = equity[i]!;
      text += `${iso(p.tsMs)},${num(p.equityUsd)}\n`;
      if (text.length >= 1 << 16) {
        writeSync(fd, text);
        text = '';
      }
    }
    if (text.length > 0) writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * One decisions.jsonl line: the decision with its time as ISO 8601 (ET offset) first (then the symbol in
 * several-instrument runs), then close, regime, confidence, probs, action, code, reason. Written field by
 * field (the same bytes as JSON.stringify of that object, without building it).
 */
export function decisionJson(d: DecisionRecord, symbol?: string): string {
  const head = symbol === undefined ? `{"t":"${iso(d.tsMs)}"` : `{"t":"${iso(d.tsMs)}","symbol":${JSON.stringify(symbol)}`;
  return (
    `${head},"close":${JSON.stringify(d.close)},"regime":${JSON.stringify(d.regime)},"confidence":${JSON.stringify(d.confidence)}` +
    `,"probs":${JSON.stringify(d.probs)},"action":"${d.action}","code":${JSON.stringify(d.code)},"reason":${JSON.stringify(d.reason)}}`
  );
}

/** Which decisions reach decisions.jsonl (config `backtest.decisions`, `--decisions`). */
export type DecisionsMode = 'all' | 'changes' | 'none';

/**
 * decisions.jsonl writer. `changes` keeps a bar when something was done (action other than none/hold)
 * or when its code or regime differs from the previous bar's of the same instrument, so a long run of
 * identical "why not" bars is one line (the first); `all` keeps every bar; `none` writes no file.
 */
export class DecisionLog {
  private readonly writer: SyncLineWriter | null;
  /** Per instrument: the code and regime of the last bar written (`changes`). */
  private readonly last = new Map<string, { code: string; regime: string }>();

  constructor(
    path: string | null,
    private readonly mode: DecisionsMode,
  ) {
    // `none` also removes an earlier run's file, so a folder never shows decisions of another run.
    if (path !== null && mode === 'none') rmSync(path, { force: true });
    this.writer = path === null || mode === 'none' ? null : new SyncLineWriter(path);
  }

  /** Whether a file is written (an output folder and a mode other than none). */
  get writing(): boolean {
    return this.writer !== null;
  }

  add(d: DecisionRecord, symbol?: string): void {
    const w = this.writer;
    if (w === null) return;
    if (this.mode === 'changes') {
      // Fields compared, no key string built per bar.
      const lane = symbol ?? '';
      const regime = d.regime ?? '';
      const acted = d.action !== 'none' && d.action !== 'hold';
      const prev = this.last.get(lane);
      if (prev === undefined) this.last.set(lane, { code: d.code, regime });
      else {
        if (!acted && prev.code === d.code && prev.regime === regime) return;
        prev.code = d.code;
        prev.regime = regime;
      }
    }
    w.line(decisionJson(d, symbol));
  }

  close(): void {
    this.writer?.close();
  }
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
  private text = '';

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  line(text: string): void {
    this.text += `${text}\n`;
    if (this.text.length >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.text.length) writeSync(this.fd, this.text);
    this.text = '';
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
  writeEquityCsv(out.path('equity.csv'), f.equity);
  files.push(out.path('equity.csv'));
  for (const [name, text] of f.extra ?? []) write(name, text);
  if (f.reportHtml !== null) write('report.html', f.reportHtml);
  return files;
}
