// Market data for the simulator: bars expanded to a few trades along O→H→L→C or O→L→H→C, and bars
// aggregated to the unit/unitNumber a History/retrieveBars request asks for.

import type { Bar } from '../../../domain/index.ts';
import { BarUnit } from '../types.ts';

/** Path through a bar: 'auto' goes O→L→H→C on an up bar (close ≥ open) and O→H→L→C on a down bar. */
export type BarPath = 'OHLC' | 'OLHC' | 'auto';

/** One replayed trade. */
export interface ReplayTick {
  readonly tsMs: number;
  readonly price: number;
  readonly volume: number;
}

/**
 * Expands a bar of `barMs` into four trades at tsMs, +¼, +½ and +¾ of the bar, volume split evenly;
 * consecutive equal prices are merged (their volume added).
 */
export function barToTicks(bar: Bar, barMs: number, path: BarPath = 'auto'): ReplayTick[] {
  const order = path === 'auto' ? (bar.close >= bar.open ? 'OLHC' : 'OHLC') : path;
  const prices = order === 'OHLC' ? [bar.open, bar.high, bar.low, bar.close] : [bar.open, bar.low, bar.high, bar.close];
  const vol = bar.volume / 4;
  const ticks: ReplayTick[] = [];
  prices.forEach((price, i) => {
    const last = ticks[ticks.length - 1];
    if (last && last.price === price) ticks[ticks.length - 1] = { ...last, volume: last.volume + vol };
    else ticks.push({ tsMs: bar.tsMs + Math.floor((i * barMs) / 4), price, volume: vol });
  });
  return ticks;
}

const UNIT_MS: Partial<Record<BarUnit, number>> = {
  [BarUnit.Second]: 1000,
  [BarUnit.Minute]: 60_000,
  [BarUnit.Hour]: 3_600_000,
  [BarUnit.Day]: 86_400_000,
  [BarUnit.Week]: 7 * 86_400_000,
};

/** Bar length in ms of a unit/unitNumber pair, or null when the simulator does not support the unit (Month). */
export function periodMs(unit: number, unitNumber: number): number | null {
  const u = UNIT_MS[unit as BarUnit];
  return u === undefined ? null : u * unitNumber;
}

/** Base bar length: the smallest positive gap between consecutive bars (ascending input). */
export function inferBarMs(bars: readonly Bar[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < bars.length; i++) {
    const d = bars[i]!.tsMs - bars[i - 1]!.tsMs;
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : 60_000;
}

/** Aggregates ascending base bars into buckets of `periodMs` aligned to UTC epoch multiples. */
export function aggregateBars(bars: readonly Bar[], periodMsValue: number): Bar[] {
  const out: Bar[] = [];
  let cur: { tsMs: number; open: number; high: number; low: number; close: number; volume: number } | null = null;
  for (const b of bars) {
    const bucket = Math.floor(b.tsMs / periodMsValue) * periodMsValue;
    if (!cur || cur.tsMs !== bucket) {
      if (cur) out.push(cur);
      cur = { tsMs: bucket, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
    } else {
      cur.high = Math.max(cur.high, b.high);
      cur.low = Math.min(cur.low, b.low);
      cur.close = b.close;
      cur.volume += b.volume;
    }
  }
  if (cur) out.push(cur);
  return out;
}
