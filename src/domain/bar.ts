// OHLCV bar value types: one bar as an object, and a columnar series for fast loops.

/** One OHLCV bar. `tsMs` is the bar's interval start as UTC epoch milliseconds. */
export interface Bar {
  readonly tsMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Columnar bars (struct of arrays), ascending by `tsMs`, no duplicates. */
export interface BarSeries {
  readonly length: number;
  readonly tsMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Allocates an empty series of `length` bars. */
export function allocateBarSeries(length: number): BarSeries {
  return {
    length,
    tsMs: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Builds a columnar series from bar objects (assumed sorted). */
export function barSeriesFromBars(bars: readonly Bar[]): BarSeries {
  const s = allocateBarSeries(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    s.tsMs[i] = b.tsMs;
    s.open[i] = b.open;
    s.high[i] = b.high;
    s.low[i] = b.low;
    s.close[i] = b.close;
    s.volume[i] = b.volume;
  }
  return s;
}

/** Returns bar `i` of a series as an object. */
export function barAt(s: BarSeries, i: number): Bar {
  return { tsMs: s.tsMs[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
}

/** Returns the bars with index in [from, to) as a new series sharing no memory with the input. */
export function sliceBarSeries(s: BarSeries, from: number, to: number): BarSeries {
  return {
    length: Math.max(0, to - from),
    tsMs: s.tsMs.slice(from, to),
    open: s.open.slice(from, to),
    high: s.high.slice(from, to),
    low: s.low.slice(from, to),
    close: s.close.slice(from, to),
    volume: s.volume.slice(from, to),
  };
}

/** Index of the first bar with tsMs >= t (binary search); `length` when none. */
export function lowerBoundTs(s: BarSeries, t: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.tsMs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
