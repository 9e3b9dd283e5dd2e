// Issue 14 item 6: back-adjusting unadjusted front-month bars with a roll table removes a known roll gap
// exactly and moves every session by one constant (so intraday P&L in ticks is unchanged).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  backAdjustBars,
  barsToCsv,
  generateSyntheticBars,
  loadBars,
  parseRollTable,
  rollTableOf,
  sessionColumns,
  sharedDataFile,
  tradingDateStartMs,
  type RollTable,
} from '../../src/data/index.ts';
import { sliceBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const HEADER = 'first_trade_date,from_contract,to_contract,prev_trade_date,compare_minute_et,from_close,to_close,gap_to_minus_from';
const TABLE = `${HEADER}\n2024-01-02,,MESH4,,,,,\n2024-01-22,MESH4,MESM4,2024-01-19,2024-01-19 15:55:00,0,0,4.25\n2024-02-12,MESM4,MESU4,2024-02-09,2024-02-09 15:55:00,0,0,-1.5\n`;
const table = (): RollTable => rollTableOf(parseRollTable(TABLE, 'rolls.csv'), 'rolls.csv');

/** 40 synthetic days on the 0.25 grid: the gap-free (back-adjusted) truth. */
function truth(): BarSeries {
  const s = generateSyntheticBars({ seed: 5, days: 40, startDate: '2024-01-02' }).series;
  const q = sliceBarSeries(s, 0, s.length);
  for (const k of ['open', 'high', 'low', 'close'] as const) for (let i = 0; i < q.length; i++) q[k][i] = Math.round(q[k][i]! * 4) / 4;
  return q;
}

/** The same bars as an unadjusted front-month file: before each roll the older contract, lower by the gap (new − old). */
function unadjusted(s: BarSeries): BarSeries {
  const u = sliceBarSeries(s, 0, s.length);
  const r1 = tradingDateStartMs('2024-01-22');
  const r2 = tradingDateStartMs('2024-02-12');
  for (let i = 0; i < u.length; i++) {
    const add = -((u.tsMs[i]! < r1 ? 4.25 : 0) + (u.tsMs[i]! < r2 ? -1.5 : 0));
    for (const k of ['open', 'high', 'low', 'close'] as const) u[k][i] = u[k][i]! + add;
  }
  return u;
}

describe('back-adjusting with a roll table', () => {
  it('names the table by its contracts and refuses a table mixing roots', () => {
    expect(table().root).toBe('MES');
    const mixed = `${HEADER}\n2024-01-02,,MESH4,,,,,\n2024-01-22,MESH4,MGCJ4,2024-01-19,,0,0,1\n`;
    expect(() => rollTableOf(parseRollTable(mixed, 'm.csv'), 'm.csv')).toThrow(
      'm.csv: contracts of several roots (MES, MGC); one table per instrument',
    );
    const odd = `${HEADER}\n2024-01-02,,gold,,,,,\n`;
    expect(() => rollTableOf(parseRollTable(odd, 'o.csv'), 'o.csv')).toThrow('o.csv: contract "gold" is not ROOT + month code + year (like MGCG1)');
  });

  it('removes the known gaps exactly and moves each session by one constant', () => {
    const s = truth();
    const u = unadjusted(s);
    const { series: a, adjustment } = backAdjustBars(u, table());
    for (const k of ['tsMs', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(a[k])).toEqual(Array.from(s[k]));
    expect(adjustment).toEqual({ file: 'rolls.csv', rolls: 2, firstBarShiftPts: 2.75, barsBeforeTable: 0 });
    // the raw file jumps at the first roll; the adjusted series has the truth's return there
    const first = a.tsMs.findIndex((t) => t >= tradingDateStartMs('2024-01-22'));
    expect(u.open[first]! - u.close[first - 1]!).toBeCloseTo(s.open[first]! - s.close[first - 1]! + 4.25, 9);
    expect(a.open[first]! - a.close[first - 1]!).toBe(s.open[first]! - s.close[first - 1]!);
    // within a trading day every price moved by the same amount: an intraday trade's P&L in ticks is unchanged
    const day = sessionColumns(u).tradingDay;
    const shiftOf = new Map<number, Set<number>>();
    for (let i = 0; i < u.length; i++) {
      const set = shiftOf.get(day[i]!) ?? new Set<number>();
      for (const k of ['open', 'high', 'low', 'close'] as const) set.add(Math.round((u[k][i]! - a[k][i]!) * 1e6) / 1e6);
      shiftOf.set(day[i]!, set);
    }
    expect([...shiftOf.values()].every((v) => v.size === 1)).toBe(true);
    expect(new Set([...shiftOf.values()].map((v) => [...v][0]))).toEqual(new Set([-2.75, 1.5, 0]));
  });

  it('is anchored at the table’s end: a slice of the file gets the same prices as the whole file', () => {
    const u = unadjusted(truth());
    const whole = backAdjustBars(u, table()).series;
    const part = backAdjustBars(sliceBarSeries(u, 0, 10 * 78), table());
    expect(Array.from(part.series.close)).toEqual(Array.from(whole.close.subarray(0, 10 * 78)));
    expect(part.adjustment.rolls).toBe(0);
    const early = `${HEADER}\n2024-01-10,,MESH4,,,,,\n2024-01-22,MESH4,MESM4,,,0,0,4.25\n2024-02-12,MESM4,MESU4,,,0,0,-1.5\n`;
    expect(backAdjustBars(u, rollTableOf(parseRollTable(early, 'e.csv'), 'e.csv')).adjustment.barsBeforeTable).toBe(6 * 78);
  });

  it('loadBars({ rolls }) returns the gap-free bars and says what it did', async () => {
    const s = truth();
    const raw = tmp.file('raw.csv', barsToCsv(unadjusted(s)));
    const loaded = await loadBars(raw, { rolls: table() });
    expect(Array.from(loaded.series.close)).toEqual(Array.from(s.close));
    expect(loaded.backAdjustment?.rolls).toBe(2);
    expect((await loadBars(raw)).backAdjustment).toBeNull();
  });

  const mgcFile = sharedDataFile('mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz');
  const mgcRolls = sharedDataFile('mgc_rolls_databento_2020-12-21_2025-12-19.csv');
  it.skipIf(!mgcFile || !mgcRolls)('on the shared MGC file: the roll of 2021-01-28 (gap 4.1) is gone, the prices stay on the 0.1 grid', async () => {
    const t = rollTableOf(parseRollTable(readFileSync(mgcRolls!, 'utf8'), mgcRolls!), mgcRolls!);
    const raw = await loadBars(mgcFile!, { from: '2021-01-25', to: '2021-02-02' });
    const adj = await loadBars(mgcFile!, { from: '2021-01-25', to: '2021-02-02', rolls: t });
    const i = raw.series.tsMs.findIndex((ts) => ts >= tradingDateStartMs('2021-01-28'));
    const later = t.rolls.filter((r) => r.firstTradeDate > '2021-01-28').reduce((a, r) => a + r.gapPts!, 0);
    // after the roll: raised by the later gaps only; before: by 4.1 more
    expect(adj.series.close[i]!).toBeCloseTo(raw.series.close[i]! + later, 9);
    expect(adj.series.close[i - 1]!).toBeCloseTo(raw.series.close[i - 1]! + later + 4.1, 9);
    // the roll's jump (old close 1841.9 at 16:55, new open 1847.8 at 18:00) shrinks by the gap
    expect(raw.series.open[i]! - raw.series.close[i - 1]!).toBeCloseTo(5.9, 9);
    expect(adj.series.open[i]! - adj.series.close[i - 1]!).toBeCloseTo(1.8, 9);
    for (const p of adj.series.close) expect(Math.abs(p * 10 - Math.round(p * 10))).toBeLessThan(1e-6);
    expect(adj.backAdjustment?.rolls).toBe(1);
  });
});
