// Finds bars spaced closer than a file's bar size (e.g. a day of 1-minute bars inside a 5-minute file).

import { sessionInfo, dateKeyOfDays, MINUTE_MS, type BarSeries } from '../domain/index.ts';

/** Bars that follow their predecessor by less than the bar size, and the trading dates they fall on. */
export interface FinerSpacing {
  readonly bars: number;
  /** Smallest spacing seen, minutes. */
  readonly minSpacingMinutes: number;
  /** Trading dates (YYYY-MM-DD) holding such bars, ascending. */
  readonly dates: readonly string[];
}

/** Bars of `s` closer than `barMinutes` to the previous bar, or null when there are none. */
export function finerSpacedBars(s: BarSeries, barMinutes: number): FinerSpacing | null {
  const barMs = barMinutes * MINUTE_MS;
  let bars = 0;
  let minMs = Number.POSITIVE_INFINITY;
  const days = new Set<number>();
  for (let i = 1; i < s.length; i++) {
    const d = s.tsMs[i]! - s.tsMs[i - 1]!;
    if (d > 0 && d < barMs) {
      bars++;
      if (d < minMs) minMs = d;
      days.add(sessionInfo(s.tsMs[i]!).tradingDay);
    }
  }
  if (bars === 0) return null;
  return { bars, minSpacingMinutes: minMs / MINUTE_MS, dates: [...days].sort((a, b) => a - b).map(dateKeyOfDays) };
}

/** The warning text for `finer` in `file` whose bar size is `barMinutes`. */
export function finerSpacingWarning(file: string, barMinutes: number, finer: FinerSpacing): string {
  const shown = finer.dates.slice(0, 3).join(', ') + (finer.dates.length > 3 ? `, ... (${finer.dates.length} dates)` : '');
  return (
    `${file}: mixed bar sizes: ${finer.bars} bar(s) are ${finer.minSpacingMinutes} minute(s) or less apart although the file's bar size is ` +
    `${barMinutes} minutes (trading dates ${shown}); they were resampled to ${barMinutes}-minute bars`
  );
}
