// Records a backtest produces: completed trades, per-day results, and the equity curve.

import type { RegimeLabel } from '../domain/regime.ts';
import type { Side } from '../domain/trading.ts';
import type { ExitReason } from '../broker/broker.ts';

/** One round trip. Money in USD; times UTC ms. */
export interface TradeRecord {
  readonly intentId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly entryTsMs: number;
  readonly entryPrice: number;
  readonly exitTsMs: number;
  readonly exitPrice: number;
  readonly grossPnlUsd: number;
  readonly commissionUsd: number;
  readonly netPnlUsd: number;
  readonly regime: RegimeLabel;
  readonly entryReason: string;
  readonly exitReason: ExitReason;
}

/** Result of one trading day: net P&L and the worst intraday equity relative to the day's start. */
export interface DayRecord {
  readonly tradingDate: string;
  readonly netPnlUsd: number;
  /** Lowest mark-to-market equity change from the day's starting balance (<= 0). */
  readonly worstIntradayUsd: number;
  readonly trades: number;
  readonly endBalanceUsd: number;
}

/** A point of the mark-to-market equity curve. */
export interface EquityPoint {
  readonly tsMs: number;
  readonly equityUsd: number;
}

/** A rule breach that halted trading (null when none). */
export interface BreachRecord {
  readonly rule: string;
  readonly tsMs: number;
  readonly detail: string;
}
