// Rebuilds daily results (P&L and worst intraday equity) from an equity.csv written by a backtest.

import { DataError, sessionInfo } from '../domain/index.ts';
import type { DayRecord } from '../engine/index.ts';

/** Parses equity.csv (time,equity; ISO times with offset) into one DayRecord per trading date. */
export function dailyResultsFromEquityCsv(text: string, file: string, startingBalanceUsd: number): DayRecord[] {
  const lines = text.split('\n').filter(Boolean);
  if (lines[0] !== 'time,equity')
    throw new DataError('COMBINE_INPUT_INVALID', `${file} line 1: expected header time,equity (got ${lines[0]?.slice(0, 40)})`);
  const days: DayRecord[] = [];
  let date: string | null = null;
  let dayStart = startingBalanceUsd;
  let last = startingBalanceUsd;
  let worst = 0;
  const close = () => {
    if (date !== null) days.push({ tradingDate: date, netPnlUsd: last - dayStart, worstIntradayUsd: worst, trades: 0, endBalanceUsd: last });
  };
  for (let i = 1; i < lines.length; i++) {
    const [t, e] = lines[i]!.split(',');
    const ms = Date.parse(t ?? '');
    const eq = Number(e);
    if (Number.isNaN(ms) || !Number.isFinite(eq))
      throw new DataError('COMBINE_INPUT_INVALID', `${file} line ${i + 1}: expected an ISO time and a number (got "${lines[i]!.slice(0, 60)}")`);
    const d = sessionInfo(ms - 1).tradingDate;
    if (d !== date) {
      close();
      date = d;
      dayStart = last;
      worst = 0;
    }
    last = eq;
    worst = Math.min(worst, eq - dayStart);
  }
  close();
  return days;
}
