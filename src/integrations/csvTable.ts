// Small CSV table reader shared by the VIX and calendar readers (files and downloads): header lookup and line-located errors.

import { existsSync, readFileSync } from 'node:fs';
import { DataError } from '../domain/index.ts';

/** Rows of a small CSV file with named columns; `lineNo` is 1-based in the file. */
export interface CsvRows {
  readonly file: string;
  readonly rows: readonly { readonly lineNo: number; readonly cells: readonly string[] }[];
  /** Index of each required column. */
  readonly col: Readonly<Record<string, number>>;
}

/** Reads a small comma-separated file (no quoting) and locates `required` columns by header name. */
export function readCsvRows(file: string, required: readonly string[], code: string): CsvRows {
  if (!existsSync(file))
    throw new DataError(code, `${file}: file not found`, [], { hint: 'check the path in config.yaml or set it to null to use the shared data file' });
  return parseCsvRows(readFileSync(file, 'utf8'), file, required, code);
}

/** Parses CSV text like readCsvRows; `file` names the origin (a path or a URL) in messages. */
export function parseCsvRows(text: string, file: string, required: readonly string[], code: string): CsvRows {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col: Record<string, number> = {};
  for (const name of required) {
    const i = header.indexOf(name);
    if (i < 0)
      throw new DataError(
        code,
        `${file} line 1: missing column "${name}" (expected columns ${required.join(',')}; found ${header.join(',') || 'nothing'})`,
      );
    col[name] = i;
  }
  const rows: { lineNo: number; cells: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    rows.push({ lineNo: i + 1, cells: line.split(',').map((c) => c.trim()) });
  }
  return { file, rows, col };
}
