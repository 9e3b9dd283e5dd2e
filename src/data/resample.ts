// Resamples bars to N-minute bars aligned to the exchange clock (ET wall time), and detects bar size.

import { MINUTE_MS, zoneOffsetMinutes, type BarSeries } from '../domain/index.ts';
import { GrowableBars } from './growableBars.ts';

/**
 * Aggregates a sorted series into `minutes`-minute bars labelled by interval start. Buckets are
 * aligned to multiples of `minutes` from local midnight in `zone` (the exchange clock), so 5-min
 * bars start at :00, :05, ...; open = first, high = max, low = min, close = last, volume = sum.
 * Empty intervals produce no bar (as in the vendor files).
 */
export function resampleBars(s: BarSeries, minutes: number, zone = 'America/New_York'): BarSeries {
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError(`bar minutes must be a positive integer (got ${minutes})`);
  const out = new GrowableBars(Math.ceil(s.length / minutes) + 16);
  const bucketMs = minutes * MINUTE_MS;
  let curStart = Number.NaN;
  let o = 0;
  let h = 0;
  let l = 0;
  let c = 0;
  let v = 0;
  let offsetHour = Number.NaN;
  let offsetMs = 0;
  for (let i = 0; i < s.length; i++) {
    const ts = s.tsMs[i]!;
    const hour = Math.floor(ts / 3_600_000);
    if (hour !== offsetHour) {
      offsetHour = hour;
      offsetMs = zoneOffsetMinutes(zone, ts) * MINUTE_MS;
    }
    const local = ts + offsetMs;
    const start = local - ((((local % 86_400_000) + 86_400_000) % 86_400_000) % bucketMs) - offsetMs;
    if (start !== curStart) {
      if (!Number.isNaN(curStart)) out.push(curStart, o, h, l, c, v);
      curStart = start;
      o = s.open[i]!;
      h = s.high[i]!;
      l = s.low[i]!;
      c = s.close[i]!;
      v = s.volume[i]!;
    } else {
      if (s.high[i]! > h) h = s.high[i]!;
      if (s.low[i]! < l) l = s.low[i]!;
      c = s.close[i]!;
      v += s.volume[i]!;
    }
  }
  if (!Number.isNaN(curStart)) out.push(curStart, o, h, l, c, v);
  return out.finish();
}

/** Most common positive spacing between consecutive bars, in minutes (null for < 2 bars). */
export function detectBarMinutes(s: BarSeries): number | null {
  if (s.length < 2) return null;
  const counts = new Map<number, number>();
  const n = Math.min(s.length, 20_000);
  for (let i = 1; i < n; i++) {
    const d = Math.round((s.tsMs[i]! - s.tsMs[i - 1]!) / MINUTE_MS);
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestN = 0;
  for (const [d, k] of counts) {
    if (k > bestN || (k === bestN && best !== null && d < best)) {
      best = d;
      bestN = k;
    }
  }
  return best;
}
