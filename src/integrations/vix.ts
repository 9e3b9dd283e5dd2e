// Reads the daily VIX CSV (date,open,high,low,close; Cboe format with ISO dates) once into a pure VixTable.

import { isAbsolute, resolve } from 'node:path';
import { DataError, daysOfDateKey } from '../domain/index.ts';
import { sharedDataFile } from '../data/index.ts';
import type { VixTable } from '../strategy/index.ts';
import { readCsvRows, type CsvRows } from './csvTable.ts';

/** File name of the Cboe VIX history in the shared data folder. */
export const SHARED_VIX_FILE = 'vix_daily_cboe_1990-01-02_2026-07-31.csv';

/**
 * Parses the VIX CSV: dates "YYYY-MM-DD" strictly ascending, close a positive number.
 * Throws DataError (code VIX_FILE_INVALID) naming file, line, value and expectation.
 */
export function readVixCsv(file: string): VixTable {
  return vixTableFromRows(readCsvRows(file, ['date', 'close'], 'VIX_FILE_INVALID'));
}

/**
 * Validates parsed VIX rows into a table (see readVixCsv). `isoDate` maps a cell to "YYYY-MM-DD"
 * (identity for our files; the Cboe download writes MM/DD/YYYY).
 */
export function vixTableFromRows(csv: CsvRows, isoDate: (cell: string) => string = (c) => c): VixTable {
  const { file, rows, col } = csv;
  const dates: string[] = [];
  const closes: number[] = [];
  for (const r of rows) {
    const date = isoDate(r.cells[col.date!] ?? '');
    const closeText = r.cells[col.close!] ?? '';
    const close = Number(closeText);
    if (Number.isNaN(daysOfDateKey(date)))
      throw new DataError('VIX_FILE_INVALID', `${file} line ${r.lineNo}: date must be YYYY-MM-DD (got "${date}")`);
    if (closeText === '' || !Number.isFinite(close) || close <= 0)
      throw new DataError('VIX_FILE_INVALID', `${file} line ${r.lineNo}: close must be a positive number (got "${closeText}")`);
    if (dates.length > 0 && date <= dates[dates.length - 1]!)
      throw new DataError('VIX_FILE_INVALID', `${file} line ${r.lineNo}: dates must ascend (got ${date} after ${dates[dates.length - 1]})`);
    dates.push(date);
    closes.push(close);
  }
  return { dates, closes };
}

/**
 * The VIX file to read: config `filters.vix.file` resolved against `baseDir`, or the shared Cboe
 * file when that key is null; null when the key is null and the shared file is absent.
 */
export function resolveVixFile(configured: string | null, baseDir: string): string | null {
  if (configured !== null) return isAbsolute(configured) ? configured : resolve(baseDir, configured);
  return sharedDataFile(SHARED_VIX_FILE);
}
