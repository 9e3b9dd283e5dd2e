// Where the retrain pipeline gets its bars: the BarHistorySource interface and an in-memory default over
// a loaded BarSeries (backtests, the CLI); live, a ProjectX history client implements the same interface.

import { lowerBoundTs, sliceBarSeries, sessionInfo, type BarSeries } from '../../domain/index.ts';

/**
 * Latest bars for retraining. `latestBars(tradingDays, untilTsMs)` returns the bars of the last
 * `tradingDays` trading days that start before `untilTsMs` (ascending, no duplicates); fewer days when
 * the history is shorter. Live: ProjectX `History/retrieveBars` behind this interface.
 */
export interface BarHistorySource {
  latestBars(tradingDays: number, untilTsMs: number): Promise<BarSeries>;
}

/** Index of the first bar of the trading day `days` distinct trading days back from bar `end - 1`. */
export function startOfLastTradingDays(series: BarSeries, end: number, days: number): number {
  let seen = 0;
  let day = Number.NaN;
  let i = end;
  while (i > 0) {
    const d = sessionInfo(series.tsMs[i - 1]!).tradingDay;
    if (d !== day) {
      if (seen === days) break;
      seen++;
      day = d;
    }
    i--;
  }
  return i;
}

/** A BarHistorySource over bars already in memory (only bars before `untilTsMs` are ever returned). */
export class SeriesHistorySource implements BarHistorySource {
  private readonly series: BarSeries;

  constructor(series: BarSeries) {
    this.series = series;
  }

  latestBars(tradingDays: number, untilTsMs: number): Promise<BarSeries> {
    return Promise.resolve(this.latestBarsSync(tradingDays, untilTsMs));
  }

  /** Synchronous form of latestBars (backtests). */
  latestBarsSync(tradingDays: number, untilTsMs: number): BarSeries {
    const end = lowerBoundTs(this.series, untilTsMs);
    return sliceBarSeries(this.series, startOfLastTradingDays(this.series, end, tradingDays), end);
  }
}
