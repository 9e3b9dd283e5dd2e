// The assumed price path inside a bar and where along it a price level is first reached.
// Path: open→high→low→close, or open→low→high→close when the open is nearer the low
// (ties take the high first). Distances are measured in price units travelled along the path.

import type { Bar } from '../../domain/index.ts';

/** The four path points of a bar. */
export function barPath(bar: Bar): [number, number, number, number] {
  const nearerLow = bar.open - bar.low < bar.high - bar.open;
  return nearerLow ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
}

/** How a level is reached: at or below (`down`), at or above (`up`), strictly below/above (`downThrough`/`upThrough`). */
export type ReachMode = 'down' | 'up' | 'downThrough' | 'upThrough';

function beyond(price: number, level: number, mode: ReachMode): boolean {
  switch (mode) {
    case 'down':
      return price <= level;
    case 'up':
      return price >= level;
    case 'downThrough':
      return price < level;
    case 'upThrough':
      return price > level;
  }
}

/** Price at path distance `d` (d beyond the end gives the close). */
export function priceAt(path: readonly number[], d: number): number {
  let cum = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const len = Math.abs(b - a);
    if (d <= cum + len) return a + Math.sign(b - a) * (d - cum);
    cum += len;
  }
  return path[path.length - 1]!;
}

/**
 * First path distance >= `from` at which the price reaches `level` in `mode`, or Infinity.
 * At `from` itself the level counts as reached if the price there is already beyond it (a gap).
 */
export function firstReach(path: readonly number[], level: number, mode: ReachMode, from = 0): number {
  const start = priceAt(path, from);
  if (beyond(start, level, mode)) return from;
  let cum = 0;
  for (let i = 1; i < path.length; i++) {
    const a0 = path[i - 1]!;
    const b = path[i]!;
    const len = Math.abs(b - a0);
    const segEnd = cum + len;
    if (segEnd > from) {
      const a = from > cum ? start : a0;
      const aDist = from > cum ? from : cum;
      if (beyond(b, level, mode)) {
        // Reached within the segment at the level itself.
        return aDist + Math.abs(level - a);
      }
    }
    cum = segEnd;
  }
  return Number.POSITIVE_INFINITY;
}
