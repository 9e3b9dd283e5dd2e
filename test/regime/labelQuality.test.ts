// Issue 13 defect 10: the label-quality table (next-N-bar return mean and t-statistic, volatility, persistence, entries and flips per day).
import { describe, expect, it } from 'vitest';
import { allocateBarSeries } from '../../src/domain/bar.ts';
import { localToUtc, naiveLocalMs } from '../../src/domain/time.ts';
import type { RegimeLabel } from '../../src/domain/regime.ts';
import { labelQuality, labelQualityLines } from '../../src/regime/labelQuality.ts';

const LABELS: RegimeLabel[] = ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'];

/** Two trading days of 6 bars each with the given closes (log steps in bp). */
function series(closes: number[]) {
  const s = allocateBarSeries(closes.length);
  closes.forEach((c, i) => {
    const day = Math.floor(i / 6);
    s.tsMs[i] = localToUtc('America/New_York', naiveLocalMs(2024, 1, 3 + day, 10, 0))! + (i % 6) * 300_000;
    s.open[i] = s.high[i] = s.low[i] = s.close[i] = c;
    s.volume[i] = 100;
  });
  return s;
}

describe('labelQuality', () => {
  it('counts next-bar returns within a day, runs, entries and flips per day', () => {
    // day 1: +10 bp every bar; day 2: -10 bp every bar
    const closes: number[] = [];
    let c = 100;
    for (let i = 0; i < 12; i++) {
      if (i % 6 !== 0) c *= Math.exp((i < 6 ? 10 : -10) / 1e4);
      closes.push(c);
    }
    const s = series(closes);
    // day 1: BULL BULL BULL BEAR BEAR BULL; day 2: BEAR x6
    const lab: RegimeLabel[] = ['BULL', 'BULL', 'BULL', 'BEAR', 'BEAR', 'BULL', 'BEAR', 'BEAR', 'BEAR', 'BEAR', 'BEAR', 'BEAR'];
    const q = labelQuality(s, (i) => lab[i]!, LABELS, 1);
    const bull = q.rows.find((r) => r.label === 'BULL')!;
    const bear = q.rows.find((r) => r.label === 'BEAR')!;
    // BULL bars 0,1,2,5: next-bar returns inside day 1 exist for 0,1,2 (+10 bp each); bar 5 is the day's last
    expect(bull).toMatchObject({ bars: 4, samples: 3, meanNextReturnBp: 10, tStat: null, entriesPerDay: 1 });
    expect(bull.meanRunBars).toBe(2);
    // BEAR: bars 3,4 (+10 bp next) and 6..10 (-10 bp next): mean (20 - 50) / 7
    expect(bear.samples).toBe(7);
    expect(bear.meanNextReturnBp).toBeCloseTo(-30 / 7, 3);
    expect(bear.tStat).toBeCloseTo(-30 / 7 / (Math.sqrt((2 * (10 + 30 / 7) ** 2 + 5 * (-10 + 30 / 7) ** 2) / 6) / Math.sqrt(7)), 3);
    // flips inside days only: day 1 BULL→BEAR→BULL = 2; day 2 none; 2 days
    expect(q.flipsPerDay).toBe(1);
    expect(q.rows.find((r) => r.label === 'CRASH')).toMatchObject({ bars: 0, samples: 0, meanNextReturnBp: null, tStat: null });
    expect(labelQualityLines(q, 'title')[1]).toMatch(/^state +bars +next 1-bar mean \(bp\) +t-stat/);
  });

  it('takes non-overlapping N-bar returns', () => {
    const s = series(Array.from({ length: 12 }, (_, i) => 100 + i));
    const q = labelQuality(s, () => 'NEUTRAL', LABELS, 2);
    // per day 6 bars: starts 0, 2 (4 would end at 6 = the day's last bar index 5? no: 4+2 = 6 is the next day) → 2 per day
    expect(q.rows.find((r) => r.label === 'NEUTRAL')!.samples).toBe(4);
    expect(() => labelQuality(s, () => null, LABELS, 0)).toThrow(/>= 1 bar/);
  });
});
