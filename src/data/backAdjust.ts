// Panama back-adjustment of unadjusted front-month bars with a roll table: every bar before a roll is
// raised by that roll's gap (new − old contract), so the series shows no jump at the roll and the
// contract after the table's last roll keeps its real prices (as in a back-adjusted file such as ES's).

import { allocateBarSeries, DataError, type BarSeries } from '../domain/index.ts';
import type { RollRecord } from './rollTable.ts';
import { tradingDateStartMs } from './tradingDates.ts';

/** A roll table and the contract root its contracts name (MGCG1, MGCJ1 → MGC). */
export interface RollTable {
  readonly file: string;
  readonly root: string;
  readonly rolls: readonly RollRecord[];
}

/** What back-adjusting a series did (for the note printed to the user). */
export interface BackAdjustment {
  readonly file: string;
  /** Rolls inside the series (between its first and last bar). */
  readonly rolls: number;
  /** The move of the first bar, points (the sum of the gaps of the rolls after it). */
  readonly firstBarShiftPts: number;
  /** Bars before the table's first trading date: their contract is not known, they were moved as its first contract. */
  readonly barsBeforeTable: number;
}

const MONTH_YEAR = /^(.+?)[FGHJKMNQUVXZ]\d{1,2}$/;

/** The root of a table's contracts; a table mixing roots is refused. */
export function rollTableOf(rolls: readonly RollRecord[], file: string): RollTable {
  const roots = new Set<string>();
  for (const r of rolls)
    for (const c of [r.fromContract, r.toContract]) {
      if (c === null) continue;
      const m = MONTH_YEAR.exec(c);
      if (!m) throw new DataError('DATA_INVALID', `${file}: contract "${c}" is not ROOT + month code + year (like MGCG1)`);
      roots.add(m[1]!);
    }
  if (roots.size !== 1)
    throw new DataError(
      'DATA_INVALID',
      `${file}: ${roots.size ? `contracts of several roots (${[...roots].join(', ')})` : 'no contracts'}; one table per instrument`,
    );
  return { file, root: [...roots][0]!, rolls };
}

/** Rounds away the float noise of a subtraction (prices and gaps are decimals with at most a few places). */
const clean = (x: number): number => Math.round(x * 1e9) / 1e9;

/**
 * The series with each bar's open, high, low and close plus the gaps of the rolls after it (a roll at
 * trading date D moves every bar before 18:00 ET of the day before D). The reference is the table's
 * end, not the series', so a bar gets the same price whatever part of the file is loaded (--from/--to,
 * training and test runs). Volume and times are unchanged; within a session every price moves by the same
 * amount, so intraday P&L in ticks is unchanged.
 */
export function backAdjustBars(series: BarSeries, table: RollTable): { series: BarSeries; adjustment: BackAdjustment } {
  const n = series.length;
  const lastTs = n ? series.tsMs[n - 1]! : Number.NEGATIVE_INFINITY;
  const rolls = table.rolls
    .filter((r): r is RollRecord & { gapPts: number } => r.gapPts !== null)
    .map((r) => ({ startMs: tradingDateStartMs(r.firstTradeDate), gap: r.gapPts }));
  const out = allocateBarSeries(n);
  out.tsMs.set(series.tsMs);
  out.volume.set(series.volume);
  let k = rolls.length - 1;
  let shift = 0;
  let inside = 0;
  for (let i = n - 1; i >= 0; i--) {
    const t = series.tsMs[i]!;
    while (k >= 0 && t < rolls[k]!.startMs) {
      shift += rolls[k]!.gap;
      if (rolls[k]!.startMs <= lastTs) inside++;
      k--;
    }
    out.open[i] = shift ? clean(series.open[i]! + shift) : series.open[i]!;
    out.high[i] = shift ? clean(series.high[i]! + shift) : series.high[i]!;
    out.low[i] = shift ? clean(series.low[i]! + shift) : series.low[i]!;
    out.close[i] = shift ? clean(series.close[i]! + shift) : series.close[i]!;
  }
  const first = table.rolls[0];
  const firstStart = first ? tradingDateStartMs(first.firstTradeDate) : Number.NEGATIVE_INFINITY;
  let before = 0;
  while (before < n && series.tsMs[before]! < firstStart) before++;
  return {
    series: out,
    adjustment: { file: table.file, rolls: inside, firstBarShiftPts: n ? clean(shift) : 0, barsBeforeTable: before },
  };
}
