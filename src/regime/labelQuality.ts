// Label quality: does a regime label say anything about what comes next? Per label, out of sample: mean and
// t-statistic of the next-N-bar return, volatility, persistence and how often the label is entered per day.

import type { BarSeries, RegimeLabel } from '../domain/index.ts';
import { tradingDayColumn } from '../data/index.ts';

/** One label's row. Returns are log returns in basis points. */
export interface LabelQualityRow {
  readonly label: RegimeLabel;
  /** Bars given this label. */
  readonly bars: number;
  /** Non-overlapping next-N-bar returns counted (start bar labelled, end bar N bars later on the same trading day). */
  readonly samples: number;
  readonly meanNextReturnBp: number | null;
  /** mean / (sd / √samples); |t| < 2 means the label's direction is not distinguishable from noise. */
  readonly tStat: number | null;
  /** Standard deviation of the one-bar return of labelled bars. */
  readonly volatilityBp: number | null;
  /** Mean length of an unbroken run of the label within a trading day, bars. */
  readonly meanRunBars: number | null;
  /** Runs of the label started per trading day. */
  readonly entriesPerDay: number;
}

/** The table plus the overall label changes per trading day. */
export interface LabelQuality {
  readonly horizonBars: number;
  readonly tradingDays: number;
  readonly flipsPerDay: number;
  readonly rows: readonly LabelQualityRow[];
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Mean and sample standard deviation of a stream of values seen twice: first `add` each (the sum, in
 * order), then `addSquare` each (squared deviations from that mean), the same arithmetic as summing a kept
 * array with reduce twice.
 */
class Moments {
  n = 0;
  private sum = 0;
  private squares = 0;
  add(v: number): void {
    this.sum += v;
    this.n++;
  }
  mean(): number {
    return this.sum / this.n;
  }
  addSquare(v: number): void {
    this.squares += (v - this.mean()) ** 2;
  }
  sd(): number {
    return Math.sqrt(this.squares / (this.n - 1));
  }
}

/**
 * Label quality over `series` with `labelOf(i)` the label the engine acted on at bar i (null: none).
 * The next-N-bar return from bar t is log(close[t+N] / close[t]) when bar t+N is on the same trading
 * day (no overnight gaps); a label's samples do not overlap (a start at least N bars after the last).
 */
export function labelQuality(
  series: BarSeries,
  labelOf: (i: number) => RegimeLabel | null,
  labels: readonly RegimeLabel[],
  horizonBars = 1,
): LabelQuality {
  if (!Number.isInteger(horizonBars) || horizonBars < 1) throw new RangeError(`label horizon must be an integer >= 1 bar (got ${horizonBars})`);
  const tradingDay = tradingDayColumn(series);
  const acc = new Map(labels.map((l) => [l, { bars: 0, runs: 0, one: new Moments(), fwd: new Moments() }]));
  const days = new Set<number>();
  let flips = 0;
  /**
   * One pass over the bars in order: the label runs, and each one-bar and next-N-bar return of a labelled
   * bar, handed to `add`. Run twice (sums, then squared deviations from the mean), so the returns are
   * recomputed instead of kept in arrays; the sums run in the same order as over a kept array.
   */
  const scan = (count: boolean, add: (m: Moments, v: number) => void): void => {
    const lastStart = new Map(labels.map((l) => [l, -Infinity]));
    let prev: RegimeLabel | null = null;
    let prevDay = Number.NaN;
    for (let i = 0; i < series.length; i++) {
      const label = labelOf(i);
      const day = tradingDay[i]!;
      if (day !== prevDay) prev = null;
      prevDay = day;
      if (label === null) continue;
      if (count) days.add(day);
      const a = acc.get(label);
      if (!a) continue;
      if (count) {
        a.bars++;
        if (label !== prev) {
          a.runs++;
          if (prev !== null) flips++;
        }
      }
      prev = label;
      if (i > 0 && tradingDay[i - 1] === day) add(a.one, Math.log(series.close[i]! / series.close[i - 1]!) * 1e4);
      const j = i + horizonBars;
      if (j < series.length && tradingDay[j] === day && i >= lastStart.get(label)! + horizonBars) {
        add(a.fwd, Math.log(series.close[j]! / series.close[i]!) * 1e4);
        lastStart.set(label, i);
      }
    }
  };
  scan(true, (m, v) => m.add(v));
  scan(false, (m, v) => m.addSquare(v));
  const nDays = days.size;
  const rows = labels.map((label): LabelQualityRow => {
    const a = acc.get(label)!;
    const m = a.fwd.n ? a.fwd.mean() : null;
    const s = a.fwd.n > 1 ? a.fwd.sd() : null;
    return {
      label,
      bars: a.bars,
      samples: a.fwd.n,
      meanNextReturnBp: m === null ? null : r4(m),
      tStat: m === null || s === null || s === 0 ? null : r4(m / (s / Math.sqrt(a.fwd.n))),
      volatilityBp: a.one.n > 1 ? r4(a.one.sd()) : null,
      meanRunBars: a.runs ? r4(a.bars / a.runs) : null,
      entriesPerDay: nDays ? r4(a.runs / nDays) : 0,
    };
  });
  return { horizonBars, tradingDays: nDays, flipsPerDay: nDays ? r4(flips / nDays) : 0, rows };
}

/** Text table lines (header, one row per label, the flips line). */
export function labelQualityLines(q: LabelQuality, title: string): string[] {
  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  const head = ['state', 'bars', `next ${q.horizonBars}-bar mean (bp)`, 't-stat', 'samples', 'vol/bar (bp)', 'mean run (bars)', 'entries/day'];
  const rows = q.rows.map((r) => [
    r.label,
    String(r.bars),
    f(r.meanNextReturnBp, 3),
    f(r.tStat),
    String(r.samples),
    f(r.volatilityBp),
    f(r.meanRunBars, 1),
    f(r.entriesPerDay),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [
    title,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    `label changes per trading day: ${q.flipsPerDay.toFixed(2)} over ${q.tradingDays} days (|t| < 2: the label's direction is not distinguishable from noise)`,
  ];
}
