// Tests of resampling to the exchange clock against hand-computed bars, and date selection.

import { describe, expect, it } from 'vitest';
import { barSeriesFromBars } from '../../src/domain/bar.ts';
import { resampleBars, detectBarMinutes, selectTradingDates, tradingDatesOf } from '../../src/data/index.ts';

const t = (s: string) => Date.parse(s);

describe('resampleBars', () => {
  it('aggregates 1-minute bars into 5-minute bars labelled by interval start', () => {
    const ones = barSeriesFromBars([
      { tsMs: t('2023-03-08T14:30:00Z'), open: 10, high: 11, low: 9, close: 10.5, volume: 1 },
      { tsMs: t('2023-03-08T14:31:00Z'), open: 10.5, high: 12, low: 10, close: 11, volume: 2 },
      { tsMs: t('2023-03-08T14:34:00Z'), open: 11, high: 11.5, low: 8, close: 9, volume: 3 },
      { tsMs: t('2023-03-08T14:35:00Z'), open: 9, high: 9.5, low: 8.5, close: 9.25, volume: 4 },
      { tsMs: t('2023-03-08T14:47:00Z'), open: 9.25, high: 9.75, low: 9, close: 9.5, volume: 5 },
    ]);
    const five = resampleBars(ones, 5);
    expect(five.length).toBe(3);
    expect([...five.tsMs].map((x) => new Date(x).toISOString().slice(11, 16))).toEqual(['14:30', '14:35', '14:45']);
    expect([five.open[0], five.high[0], five.low[0], five.close[0], five.volume[0]]).toEqual([10, 12, 8, 9, 6]);
    expect([five.open[1], five.high[1], five.low[1], five.close[1], five.volume[1]]).toEqual([9, 9.5, 8.5, 9.25, 4]);
    expect([five.open[2], five.close[2], five.volume[2]]).toEqual([9.25, 9.5, 5]);
  });

  it('aligns 45-minute buckets to ET midnight, also in summer', () => {
    const s = barSeriesFromBars([
      { tsMs: t('2023-07-05T13:30:00Z'), open: 1, high: 1, low: 1, close: 1, volume: 1 }, // 09:30 EDT -> 09:00 bucket
      { tsMs: t('2023-07-05T13:44:00Z'), open: 2, high: 2, low: 2, close: 2, volume: 1 }, // 09:44 -> 09:00
      { tsMs: t('2023-07-05T13:45:00Z'), open: 3, high: 3, low: 3, close: 3, volume: 1 }, // 09:45 -> 09:45
    ]);
    const r = resampleBars(s, 45);
    expect([...r.tsMs].map((x) => new Date(x).toISOString().slice(11, 16))).toEqual(['13:00', '13:45']);
  });

  it('detects the bar size', () => {
    const s = barSeriesFromBars([0, 5, 10, 20, 25].map((m) => ({ tsMs: m * 60000, open: 1, high: 1, low: 1, close: 1, volume: 1 })));
    expect(detectBarMinutes(s)).toBe(5);
  });
});

describe('trading date selection', () => {
  const bars = barSeriesFromBars(
    ['2023-03-07T22:55:00Z', '2023-03-07T23:00:00Z', '2023-03-08T15:00:00Z', '2023-03-08T23:05:00Z'].map((x) => ({
      tsMs: t(x),
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
    })),
  );

  it('lists trade dates with evening bars rolled forward', () => {
    expect(tradingDatesOf(bars)).toEqual(['2023-03-07', '2023-03-08', '2023-03-09']);
  });

  it('keeps whole trading dates between from and to', () => {
    const s = selectTradingDates(bars, '2023-03-08', '2023-03-08');
    expect(s.length).toBe(2);
    expect(new Date(s.tsMs[0]!).toISOString()).toBe('2023-03-07T23:00:00.000Z');
  });
});
