// Performance metrics of a backtest from its trades, days and equity curve.

import type { RegimeLabel } from '../domain/index.ts';
import type { DayRecord, EquityPoint, TradeRecord } from '../engine/index.ts';

export const TRADING_DAYS_PER_YEAR = 252;

export interface RegimePnl {
  trades: number;
  netPnl: number;
  winRate: number | null;
}

export interface PerformanceMetrics {
  trades: number;
  netPnl: number;
  grossPnl: number;
  commissions: number;
  winRate: number | null;
  /** Sum of winning trades / |sum of losing trades|; null without losing trades. */
  profitFactor: number | null;
  /** Annualized: mean / std of daily returns (P&L / starting balance) × sqrt(252); null if undefined. */
  sharpe: number | null;
  /** Annualized: mean / downside deviation of daily returns × sqrt(252); null if undefined. */
  sortino: number | null;
  /** Largest peak-to-trough fall of the mark-to-market equity curve (USD, >= 0). */
  maxDrawdown: number;
  /** Mean net P&L per trade (USD). */
  expectancy: number | null;
  days: number;
  pnlByRegime: Partial<Record<RegimeLabel, RegimePnl>>;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: 0 };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(v) };
}

/** Maximum drawdown of an equity curve in money. */
export function maxDrawdownUsd(equity: readonly EquityPoint[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let dd = 0;
  for (const p of equity) {
    if (p.equityUsd > peak) peak = p.equityUsd;
    if (peak - p.equityUsd > dd) dd = peak - p.equityUsd;
  }
  return dd;
}

/** Annualized Sharpe and Sortino ratios of daily returns. */
export function dailyRatios(dailyReturns: readonly number[]): { sharpe: number | null; sortino: number | null } {
  const { mean, std } = meanStd(dailyReturns);
  const ann = Math.sqrt(TRADING_DAYS_PER_YEAR);
  const downside = dailyReturns.length ? Math.sqrt(dailyReturns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / dailyReturns.length) : 0;
  return {
    sharpe: std > 0 ? round((mean / std) * ann, 3) : null,
    sortino: downside > 0 ? round((mean / downside) * ann, 3) : null,
  };
}

/** Computes every summary metric. */
export function computeMetrics(
  trades: readonly TradeRecord[],
  days: readonly DayRecord[],
  equity: readonly EquityPoint[],
  startingBalanceUsd: number,
): PerformanceMetrics {
  let gross = 0;
  let comm = 0;
  let net = 0;
  let wins = 0;
  let winSum = 0;
  let lossSum = 0;
  const byRegime: Partial<Record<RegimeLabel, { trades: number; netPnl: number; wins: number }>> = {};
  for (const t of trades) {
    gross += t.grossPnlUsd;
    comm += t.commissionUsd;
    net += t.netPnlUsd;
    if (t.netPnlUsd > 0) {
      wins++;
      winSum += t.netPnlUsd;
    } else {
      lossSum += t.netPnlUsd;
    }
    const r = (byRegime[t.regime] ??= { trades: 0, netPnl: 0, wins: 0 });
    r.trades++;
    r.netPnl += t.netPnlUsd;
    if (t.netPnlUsd > 0) r.wins++;
  }
  const n = trades.length;
  const ratios = dailyRatios(days.map((d) => d.netPnlUsd / startingBalanceUsd));
  const pnlByRegime: Partial<Record<RegimeLabel, RegimePnl>> = {};
  for (const [label, r] of Object.entries(byRegime) as [RegimeLabel, { trades: number; netPnl: number; wins: number }][]) {
    pnlByRegime[label] = { trades: r.trades, netPnl: round(r.netPnl), winRate: r.trades ? round(r.wins / r.trades, 4) : null };
  }
  return {
    trades: n,
    netPnl: round(net),
    grossPnl: round(gross),
    commissions: round(comm),
    winRate: n ? round(wins / n, 4) : null,
    profitFactor: lossSum < 0 ? round(winSum / -lossSum, 3) : null,
    sharpe: ratios.sharpe,
    sortino: ratios.sortino,
    maxDrawdown: round(maxDrawdownUsd(equity)),
    expectancy: n ? round(net / n) : null,
    days: days.length,
    pnlByRegime,
  };
}

/** Net P&L per calendar month "YYYY-MM" (trading dates), ascending. */
export function monthlyPnl(days: readonly DayRecord[]): { month: string; netPnlUsd: number }[] {
  const m = new Map<string, number>();
  for (const d of days) m.set(d.tradingDate.slice(0, 7), (m.get(d.tradingDate.slice(0, 7)) ?? 0) + d.netPnlUsd);
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, v]) => ({ month, netPnlUsd: round(v) }));
}
