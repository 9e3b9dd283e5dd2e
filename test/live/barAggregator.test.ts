// Tests of trade → bar aggregation: alignment, OHLCV, timer closes, empty bars, late trades, properties.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BarAggregator } from '../../src/live/barAggregator.ts';

const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

describe('BarAggregator', () => {
  it('builds an aligned bar from trades and closes it when a trade of the next interval arrives', () => {
    const agg = new BarAggregator({ barMs: M5 });
    expect(agg.onTrade(T0 + 1_000, 100, 1)).toEqual([]);
    agg.onTrade(T0 + 60_000, 102, 2);
    agg.onTrade(T0 + 120_000, 99, 3);
    agg.onTrade(T0 + 299_999, 101, 4);
    const closed = agg.onTrade(T0 + M5, 105, 1);
    expect(closed).toEqual([{ tsMs: T0, open: 100, high: 102, low: 99, close: 101, volume: 10 }]);
    expect(agg.current).toEqual({ tsMs: T0 + M5, open: 105, high: 105, low: 105, close: 105, volume: 1 });
  });

  it('closes a bar on the timer at its end without waiting for the next trade', () => {
    const agg = new BarAggregator({ barMs: M5 });
    agg.onTrade(T0 + 10_000, 100, 1);
    expect(agg.nextCloseMs).toBe(T0 + M5);
    expect(agg.closeUntil(T0 + M5 - 1)).toEqual([]);
    expect(agg.closeUntil(T0 + M5)).toEqual([{ tsMs: T0, open: 100, high: 100, low: 100, close: 100, volume: 1 }]);
    expect(agg.current).toBeNull();
  });

  it('closes an interval without trades as a flat bar at the previous close with volume 0', () => {
    const agg = new BarAggregator({ barMs: M5 });
    agg.onTrade(T0, 100, 1);
    agg.closeUntil(T0 + M5);
    expect(agg.nextCloseMs).toBe(T0 + 2 * M5);
    expect(agg.closeUntil(T0 + 2 * M5)).toEqual([{ tsMs: T0 + M5, open: 100, high: 100, low: 100, close: 100, volume: 0 }]);
    // A trade after two more silent intervals first reports them, then starts its own bar.
    const closed = agg.onTrade(T0 + 4 * M5 + 5, 103, 1);
    expect(closed.map((b) => [b.tsMs, b.volume])).toEqual([
      [T0 + 2 * M5, 0],
      [T0 + 3 * M5, 0],
    ]);
  });

  it('reports the same bars whether empty intervals close by timer or by the next trade', () => {
    const byTimer = new BarAggregator({ barMs: M5 });
    const byTrade = new BarAggregator({ barMs: M5 });
    byTimer.onTrade(T0, 100, 1);
    byTrade.onTrade(T0, 100, 1);
    const a = [
      ...byTimer.closeUntil(T0 + M5),
      ...byTimer.closeUntil(T0 + 2 * M5),
      ...byTimer.closeUntil(T0 + 3 * M5),
      ...byTimer.onTrade(T0 + 3 * M5, 101, 1),
    ];
    const b = byTrade.onTrade(T0 + 3 * M5, 101, 1);
    expect(a).toEqual(b);
  });

  it('stops reporting empty bars after maxEmptyBars (a session break or weekend)', () => {
    const agg = new BarAggregator({ barMs: M5, maxEmptyBars: 3 });
    agg.onTrade(T0, 100, 1);
    const closed = agg.closeUntil(T0 + 50 * M5);
    expect(closed.length).toBe(1 + 3);
    expect(agg.nextCloseMs).toBeNull();
    const after = agg.onTrade(T0 + 60 * M5, 90, 1);
    expect(after).toEqual([]);
    expect(agg.current?.tsMs).toBe(T0 + 60 * M5);
  });

  it("reports no empty bars with emptyBars 'skip'", () => {
    const agg = new BarAggregator({ barMs: M5, emptyBars: 'skip' });
    agg.onTrade(T0, 100, 1);
    expect(agg.closeUntil(T0 + 3 * M5).length).toBe(1);
    expect(agg.onTrade(T0 + 5 * M5, 100, 1)).toEqual([]);
  });

  it('drops and counts a trade of a bar that has already closed', () => {
    const agg = new BarAggregator({ barMs: M5 });
    agg.onTrade(T0, 100, 1);
    agg.onTrade(T0 + M5, 101, 1);
    expect(agg.onTrade(T0 + 10, 50, 1)).toEqual([]);
    expect(agg.lateTrades).toBe(1);
    expect(agg.current?.low).toBe(101);
  });

  it('continues from a seeded last history bar', () => {
    const agg = new BarAggregator({ barMs: M5 });
    agg.seed({ tsMs: T0, open: 1, high: 1, low: 1, close: 7, volume: 1 });
    expect(agg.onTrade(T0 + 100, 5, 1)).toEqual([]);
    expect(agg.lateTrades).toBe(1);
    expect(agg.closeUntil(T0 + 2 * M5)).toEqual([{ tsMs: T0 + M5, open: 7, high: 7, low: 7, close: 7, volume: 0 }]);
  });

  it('rejects a bar length that is not a positive integer', () => {
    expect(() => new BarAggregator({ barMs: 0 })).toThrow(/barMs must be a positive integer/);
  });

  it('property: bars are aligned, ascending, OHLC-consistent, and conserve traded volume', () => {
    const trade = fc.record({
      dtMs: fc.integer({ min: 0, max: 2 * M5 }),
      price: fc.integer({ min: 1, max: 400 }),
      volume: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 200 }), (trades) => {
        const agg = new BarAggregator({ barMs: M5, emptyBars: 'skip' });
        const bars = [];
        let t = T0;
        let vol = 0;
        for (const tr of trades) {
          t += tr.dtMs;
          vol += tr.volume;
          bars.push(...agg.onTrade(t, tr.price / 4, tr.volume));
        }
        bars.push(...agg.closeUntil(t + M5));
        expect(bars.reduce((s, b) => s + b.volume, 0)).toBe(vol);
        for (let i = 0; i < bars.length; i++) {
          const b = bars[i]!;
          expect(b.tsMs % M5).toBe(0);
          if (i > 0) expect(b.tsMs).toBeGreaterThan(bars[i - 1]!.tsMs);
          expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
          expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
        }
      }),
    );
  });
});
