// Finds the timestamp and OHLCV columns in a bar file's header row.

import { DataError, looksBinary, quoteSnippet } from '../domain/index.ts';
import { splitCsvFields } from './csvFields.ts';

/** Column indexes of a bar file; volume -1 when the file has none. */
export interface BarColumns {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
}

const TS_NAMES = ['timestamp', 'timestamp_et', 'timestamp_utc', 'datetime', 'datetime_et', 'date_time', 'time', 'date', 'trade_date', 't'];
const FIELD_NAMES: Record<'open' | 'high' | 'low' | 'close' | 'volume', string[]> = {
  open: ['open', 'o', 'eth_open'],
  high: ['high', 'h', 'eth_high'],
  low: ['low', 'l', 'eth_low'],
  close: ['close', 'c', 'eth_close', 'last'],
  volume: ['volume', 'v', 'vol', 'eth_volume'],
};

function find(names: string[], header: string[]): number {
  for (const n of names) {
    const i = header.indexOf(n);
    if (i !== -1) return i;
  }
  return -1;
}

/** Whether a header row looks like an OHLC bar file. */
export function looksLikeBarHeader(headerLine: string): boolean {
  const h = headerNames(headerLine);
  return find(TS_NAMES, h) !== -1 && (['open', 'high', 'low', 'close'] as const).every((k) => find(FIELD_NAMES[k], h) !== -1);
}

/** Lower-case column names of a header row (RFC 4180 quoting allowed). */
function headerNames(headerLine: string): string[] {
  return (splitCsvFields(headerLine) ?? headerLine.split(',')).map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ''));
}

/** Maps a header row to column indexes; throws DataError naming what is missing. */
export function barColumnsOf(headerLine: string, file: string): BarColumns {
  if (looksBinary(headerLine))
    throw new DataError('DATA_HEADER', `${file} line 1: not a text CSV file (binary content, starts ${quoteSnippet(headerLine, 40)})`, [], {
      hint: 'expected a CSV or CSV.gz file with a header like timestamp,open,high,low,close,volume',
    });
  const h = headerNames(headerLine);
  const ts = find(TS_NAMES, h);
  const cols = {
    ts,
    open: find(FIELD_NAMES.open, h),
    high: find(FIELD_NAMES.high, h),
    low: find(FIELD_NAMES.low, h),
    close: find(FIELD_NAMES.close, h),
    volume: find(FIELD_NAMES.volume, h),
    count: h.length,
  };
  const missing = (['ts', 'open', 'high', 'low', 'close'] as const).filter((k) => cols[k] === -1);
  if (missing.length) {
    throw new DataError(
      'DATA_HEADER',
      `${file} line 1: header lacks ${missing.map((m) => (m === 'ts' ? 'a timestamp column' : m)).join(', ')} (got ${quoteSnippet(headerLine)})`,
      [],
      { hint: 'expected a header like timestamp,open,high,low,close,volume' },
    );
  }
  return cols;
}
