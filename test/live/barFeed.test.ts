// Tests of the live bar feed: the close timer on the exchange clock (fake clock, no sleeps) and trade closes.

import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/domain/bar.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { BarAggregator } from '../../src/live/barAggregator.ts';
import { LiveBarFeed } from '../../src/live/barFeed.ts';
import { ExchangeClock, ManualClock } from '../../src/live/liveClock.ts';

const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

function setup() {
  const base = new ManualClock(Date.UTC(2030, 0, 1));
  const clock = new ExchangeClock(base);
  const bars: Bar[] = [];
  const feed = new LiveBarFeed({
    aggregator: new BarAggregator({ barMs: M5 }),
    clock,
    graceMs: 500,
    logger: silentLogger(),
    onBar: (b) => bars.push(b),
  });
  return { base, clock, bars, feed };
}

describe('LiveBarFeed', () => {
  it('follows the exchange time of the first trade, not the wall clock', () => {
    const { clock, feed } = setup();
    feed.trade(T0 + 1_000, 100, 1);
    expect(clock.nowMs()).toBe(T0 + 1_000);
  });

  it('closes a quiet bar by timer at its end plus the grace, then reports empty bars', async () => {
    const { base, bars, feed } = setup();
    feed.trade(T0 + 10_000, 100, 2);
    feed.start();
    await turns();
    base.advanceBy(M5 - 10_000 + 499);
    await turns();
    expect(bars).toEqual([]);
    base.advanceBy(1);
    await turns();
    expect(bars).toEqual([{ tsMs: T0, open: 100, high: 100, low: 100, close: 100, volume: 2 }]);
    base.advanceBy(M5);
    await turns();
    expect(bars.map((b) => [b.tsMs, b.volume])).toEqual([
      [T0, 2],
      [T0 + M5, 0],
    ]);
    const stopped = feed.stop();
    base.advanceBy(1_000);
    await stopped;
  });

  it('a trade of the next interval closes the bar at once', () => {
    const { bars, feed } = setup();
    feed.trade(T0, 100, 1);
    feed.trade(T0 + M5 + 1, 101, 1);
    expect(bars.map((b) => b.tsMs)).toEqual([T0]);
  });

  it('makes no bars while the market stream is down; on resume the gap comes from history, the rest is unknown (issue 20)', async () => {
    const { base, bars, feed } = setup();
    feed.trade(T0 + 1_000, 100, 2);
    feed.trade(T0 + M5 + 1_000, 101, 3); // closes T0
    feed.start();
    await turns();
    feed.pause(); // the hub dropped while T0+M5 was being built
    base.advanceBy(3 * M5);
    await turns();
    expect(bars.map((b) => b.tsMs)).toEqual([T0]);
    // Back at T0 + 4·M5 + 2 s: history has T0+M5 and T0+3·M5 (not T0+2·M5); the interval in progress is unknown.
    feed.trade(T0 + 4 * M5 + 2_000, 104, 1);
    const hist = (t: number, c: number): Bar => ({ tsMs: t, open: c, high: c + 1, low: c - 1, close: c, volume: 50 });
    const unknown = feed.resume([hist(T0 + M5, 101), hist(T0 + 3 * M5, 103)]);
    expect(bars.map((b) => [b.tsMs, b.volume])).toEqual([
      [T0, 2],
      [T0 + M5, 50],
      [T0 + 3 * M5, 50],
    ]);
    expect(unknown).toEqual([
      { symbol: '', fromMs: T0 + 2 * M5, toMs: T0 + 3 * M5 },
      { symbol: '', fromMs: T0 + 4 * M5, toMs: T0 + 5 * M5 },
    ]);
    expect(bars.every((b) => b.volume > 0)).toBe(true);
    // The next whole interval is built from the stream again.
    feed.trade(T0 + 5 * M5 + 1, 105, 4);
    feed.trade(T0 + 6 * M5 + 1, 106, 1);
    expect(bars.at(-1)).toEqual({ tsMs: T0 + 5 * M5, open: 105, high: 105, low: 105, close: 105, volume: 4 });
    const stopped = feed.stop();
    base.advanceBy(1_000);
    await stopped;
  });

  describe('several instruments', () => {
    function multi(graceMs = 500) {
      const base = new ManualClock(Date.UTC(2030, 0, 1));
      const clock = new ExchangeClock(base);
      const steps: { tsMs: number; symbols: string[] }[] = [];
      const feed = new LiveBarFeed({
        lanes: ['MNQ', 'MES'].map((symbol) => ({ symbol, aggregator: new BarAggregator({ barMs: M5, emptyBars: 'skip' }) })),
        clock,
        graceMs,
        logger: silentLogger(),
        onStep: (bars) => steps.push({ tsMs: bars[0]!.bar.tsMs, symbols: bars.map((b) => b.symbol) }),
      });
      return { base, clock, steps, feed };
    }

    it('releases the bars of one instant together, in lane order, whichever closed first', () => {
      const { steps, feed } = multi();
      feed.trade(T0 + 1_000, 100, 1, 'MES');
      feed.trade(T0 + 2_000, 200, 1, 'MNQ');
      // MES closes its T0 bar first (a trade of the next interval): held until MNQ is known through T0 too.
      feed.trade(T0 + M5 + 10, 101, 1, 'MES');
      expect(steps).toEqual([]);
      feed.trade(T0 + M5 + 20, 201, 1, 'MNQ');
      expect(steps).toEqual([{ tsMs: T0, symbols: ['MNQ', 'MES'] }]);
    });

    it('the timer closes a quiet instrument, so the other one is not held back past the grace', async () => {
      const { base, steps, feed } = multi();
      feed.trade(T0 + 1_000, 100, 1, 'MNQ');
      feed.trade(T0 + 2_000, 200, 1, 'MES');
      feed.trade(T0 + M5 + 10, 101, 1, 'MNQ'); // MNQ T0 closed; MES silent after T0+2s
      feed.start();
      await turns();
      expect(steps).toEqual([]);
      base.advanceBy(489); // exchange time 1 ms before T0 + M5 + grace
      await turns();
      expect(steps).toEqual([]);
      base.advanceBy(1);
      await turns();
      expect(steps).toEqual([{ tsMs: T0, symbols: ['MNQ', 'MES'] }]);
      const stopped = feed.stop();
      base.advanceBy(1_000);
      await stopped;
    });

    it('an instrument without a bar at an instant leaves it out of the step; instants stay in time order', () => {
      const { clock, steps, feed } = multi(0);
      feed.trade(T0 + 1, 100, 1, 'MNQ');
      feed.trade(T0 + M5 + 1, 101, 1, 'MNQ');
      feed.trade(T0 + M5 + 2, 200, 1, 'MES'); // MES has no T0 bar
      feed.trade(T0 + 2 * M5 + 1, 102, 1, 'MNQ');
      feed.trade(T0 + 2 * M5 + 2, 201, 1, 'MES');
      expect(steps).toEqual([
        { tsMs: T0, symbols: ['MNQ'] },
        { tsMs: T0 + M5, symbols: ['MNQ', 'MES'] },
      ]);
      clock.observe(T0 + 3 * M5);
      feed.poll();
      expect(steps.at(-1)).toEqual({ tsMs: T0 + 2 * M5, symbols: ['MNQ', 'MES'] });
    });

    it('never releases an instant twice or out of order: a late bar of a lane without a start point is dropped and counted', () => {
      const { clock, steps, feed } = multi(0);
      // MNQ trades; MES has neither history nor a trade, so only the timer makes it known
      feed.trade(T0 + 1, 100, 1, 'MNQ');
      clock.observe(T0 + M5);
      feed.poll();
      expect(steps).toEqual([{ tsMs: T0, symbols: ['MNQ'] }]);
      // a late MES print of the released instant builds a bar for T0: dropped, not a second T0 step
      feed.trade(T0 + 100, 200, 1, 'MES');
      feed.trade(T0 + M5 + 1, 101, 1, 'MNQ');
      clock.observe(T0 + 2 * M5);
      feed.poll();
      expect(steps).toEqual([
        { tsMs: T0, symbols: ['MNQ'] },
        { tsMs: T0 + M5, symbols: ['MNQ'] },
      ]);
      expect(feed.lateBarCount).toBe(1);
    });

    it('needs the symbol of a trade and refuses an unknown one', () => {
      const { feed } = multi();
      expect(() => feed.trade(T0, 1, 1)).toThrow(/symbol of each trade/);
      expect(() => feed.trade(T0, 1, 1, 'MGC')).toThrow(/no lane for MGC/);
    });
  });
});
