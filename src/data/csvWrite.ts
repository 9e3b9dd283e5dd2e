// Writes bars as CSV (timestamp,open,high,low,close,volume) with UTC ISO timestamps, deterministically.

import { writeFileSync } from 'node:fs';
import type { BarSeries } from '../domain/index.ts';

function fmt(x: number): string {
  return String(Number(x.toFixed(8)));
}

/** ISO 8601 UTC text of an instant without milliseconds, e.g. 2024-01-02T14:30:00Z. */
export function isoUtc(tsMs: number): string {
  return new Date(tsMs).toISOString().replace('.000Z', 'Z');
}

/** CSV text of a series (header + one line per bar, trailing newline). */
export function barsToCsv(s: BarSeries): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < s.length; i++) {
    lines.push(`${isoUtc(s.tsMs[i]!)},${fmt(s.open[i]!)},${fmt(s.high[i]!)},${fmt(s.low[i]!)},${fmt(s.close[i]!)},${fmt(s.volume[i]!)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a series to `path` as CSV. */
export function writeBarsCsv(path: string, s: BarSeries): void {
  writeFileSync(path, barsToCsv(s));
}
