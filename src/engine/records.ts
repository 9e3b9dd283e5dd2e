// Records every run produces (backtest, replay, paper, live): trades, per-day results, the equity curve,
// the first rule breach, per-bar decisions, and the run as a whole.

import type { RegimeLabel, Side, ExitReason } from '../domain/index.ts';
import type { RiskEvent } from '../strategy/index.ts';

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

/** The account can no longer trade: breached (MLL), or too little room for one contract's stop. */
export interface StallRecord {
  /** Trading date (YYYY-MM-DD) at whose end (or, for a breach, during which) the account stopped being tradable. */
  readonly date: string;
  /** Room above the MLL floor then (USD; <= 0 for a breach). */
  readonly roomUsd: number;
  readonly reason: string;
}

/** How close the account came to its MLL floor over the run. */
export interface AccountRecord {
  /** null while the account could still trade at the end. */
  readonly stall: StallRecord | null;
  /** Lowest (worst intraday equity − MLL floor of the day) over the run; null without a trading day. */
  readonly minRoomToFloorUsd: number | null;
  /** Trading days after the stall (the account could not trade). */
  readonly stalledDays: number;
  /** Days whose lowest equity came within warningRoomUsd of the floor. */
  readonly daysUnderWarningRoom: number;
  readonly warningRoomUsd: number;
  /** The cheapest one-contract stop-out the config allows (the stall threshold). */
  readonly minStopRiskUsd: number;
}

/** One line of decisions.jsonl: the bar, its regime and what the engine did or why not. */
export interface DecisionRecord {
  /** Decision instant: the bar's close (UTC ms). */
  readonly tsMs: number;
  readonly close: number;
  readonly regime: RegimeLabel | null;
  readonly confidence: number | null;
  readonly probs: readonly number[] | null;
  readonly action: 'none' | 'enter' | 'flatten' | 'hold' | 'cancel';
  readonly code: string;
  readonly reason: string;
}

/** What a run produced, in the shapes the summary, report and output files read. */
export interface RunResult {
  readonly trades: TradeRecord[];
  readonly days: DayRecord[];
  readonly equity: EquityPoint[];
  readonly breach: BreachRecord | null;
  /** Bars per regime label (bars with a regime). */
  readonly regimeBars: Map<string, number>;
  readonly barsProcessed: number;
  readonly riskEvents: RiskEvent[];
  /** Room above the MLL floor and the stall (null when the run was recorded without an account watch). */
  readonly account: AccountRecord | null;
}
