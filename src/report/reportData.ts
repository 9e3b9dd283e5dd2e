// Prepares chart data for the HTML report: ET-shifted times and downsampled price/equity series.

import { zoneOffsetMinutes, type BarSeries, type RegimeLabel } from '../domain/index.ts';
import type { EquityPoint, TradeRecord } from '../engine/index.ts';

/** Chart time: seconds, shifted so the axis reads ET wall-clock time. */
export function chartTime(tsMs: number): number {
  return Math.floor((tsMs + zoneOffsetMinutes('America/New_York', tsMs) * 60_000) / 1000);
}

export interface PricePoint {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Index into the label list, or -1 when no regime was known. */
  regime: number;
}

/** Aggregates bars into at most `maxPoints` candles; each keeps the most frequent regime of its bars. */
export function downsamplePrice(s: BarSeries, regimeIdx: Int8Array, nLabels: number, maxPoints = 2500): PricePoint[] {
  const step = Math.max(1, Math.ceil(s.length / maxPoints));
  const out: PricePoint[] = [];
  const counts = new Int32Array(nLabels + 1);
  for (let i = 0; i < s.length; i += step) {
    const end = Math.min(s.length, i + step);
    let h = s.high[i]!;
    let l = s.low[i]!;
    counts.fill(0);
    for (let j = i; j < end; j++) {
      if (s.high[j]! > h) h = s.high[j]!;
      if (s.low[j]! < l) l = s.low[j]!;
      counts[regimeIdx[j]! + 1]!++;
    }
    let best = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
    const time = chartTime(s.tsMs[i]!);
    if (out.length && time <= out[out.length - 1]!.time) continue;
    out.push({ time, open: s.open[i]!, high: h, low: l, close: s.close[end - 1]!, regime: best - 1 });
  }
  return out;
}

/** Keeps at most `maxPoints` equity points (the last of each bucket) plus the drawdown at each. */
export function downsampleEquity(equity: readonly EquityPoint[], maxPoints = 4000): { time: number; equity: number; drawdown: number }[] {
  const step = Math.max(1, Math.ceil(equity.length / maxPoints));
  const out: { time: number; equity: number; drawdown: number }[] = [];
  let peak = Number.NEGATIVE_INFINITY;
  let worstInBucket = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!.equityUsd;
    if (e > peak) peak = e;
    worstInBucket = Math.min(worstInBucket, e - peak);
    if ((i + 1) % step === 0 || i === equity.length - 1) {
      const time = chartTime(equity[i]!.tsMs);
      if (!out.length || time > out[out.length - 1]!.time)
        out.push({ time, equity: Math.round(e * 100) / 100, drawdown: Math.round(worstInBucket * 100) / 100 });
      worstInBucket = 0;
    }
  }
  return out;
}

/**
 * Trade markers (entry and exit) for the price chart, at most `maxTrades` most recent trades; each
 * marker is snapped to the candle containing it (`candleTimes` ascending).
 */
export function tradeMarkers(
  trades: readonly TradeRecord[],
  candleTimes: readonly number[],
  maxTrades = 1500,
): { time: number; position: string; color: string; shape: string; text: string }[] {
  if (candleTimes.length === 0) return [];
  const snap = (t: number): number => {
    let lo = 0;
    let hi = candleTimes.length - 1;
    if (t < candleTimes[0]!) return candleTimes[0]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (candleTimes[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return candleTimes[lo]!;
  };
  const markers = trades.slice(-maxTrades).flatMap((t) => {
    const long = t.side === 'long';
    return [
      {
        time: snap(chartTime(t.entryTsMs)),
        position: long ? 'belowBar' : 'aboveBar',
        color: long ? '#1565c0' : '#c62828',
        shape: long ? 'arrowUp' : 'arrowDown',
        text: `${long ? 'B' : 'S'}${t.qty}`,
      },
      {
        time: snap(chartTime(t.exitTsMs)),
        position: long ? 'aboveBar' : 'belowBar',
        color: t.netPnlUsd > 0 ? '#2e7d32' : '#6d4c41',
        shape: 'circle',
        text: t.exitReason,
      },
    ];
  });
  return markers.sort((a, b) => a.time - b.time);
}

/** Colours of the regime background, most bullish to most bearish. */
export const REGIME_COLORS: Record<RegimeLabel, string> = {
  STRONG_BULL: 'rgba(27,127,59,0.28)',
  BULL: 'rgba(76,175,80,0.22)',
  SOFT_BULL: 'rgba(165,214,167,0.25)',
  NEUTRAL: 'rgba(158,158,158,0.15)',
  SOFT_BEAR: 'rgba(255,204,128,0.28)',
  BEAR: 'rgba(239,108,0,0.22)',
  CRASH: 'rgba(198,40,40,0.28)',
};
