// The run bookkeeping of the engine session: trades, trading days (net P&L, worst intraday equity), the
// equity curve, the first rule breach and bars per regime, the same in every mode.

import type { Bar } from '../domain/bar.ts';
import { dateKeyOfDays } from '../domain/time.ts';
import type { BrokerPosition } from '../domain/orders.ts';
import type { BreachRecord, DayRecord, DecisionRecord, EquityPoint, RunResult, TradeRecord } from './records.ts';
import type { RiskEvent } from '../strategy/riskManager/types.ts';

interface DayAcc {
  day: number;
  startEquity: number;
  worst: number;
  trades: number;
}

/** Fed step by step by the engine session (engine/session.ts), the only writer. */
export class RunRecord {
  readonly trades: TradeRecord[] = [];
  readonly days: DayRecord[] = [];
  readonly equity: EquityPoint[] = [];
  readonly regimeBars = new Map<string, number>();
  readonly riskEvents: RiskEvent[] = [];
  breach: BreachRecord | null = null;
  barsProcessed = 0;
  private acc: DayAcc | null = null;

  risk(e: RiskEvent): void {
    this.riskEvents.push(e);
    if (!this.breach && e.kind === 'STATE_CHANGED' && (e.code === 'MLL_BREACH' || e.code === 'DAILY_LOSS_LIMIT'))
      this.breach = { rule: e.code, tsMs: e.tsMs, detail: e.detail };
  }

  trade(t: TradeRecord): void {
    this.trades.push(t);
    if (this.acc) this.acc.trades++;
  }

  /** Before the bar's executions: rolls the day (`day`: trading day of the bar, days since epoch). */
  beginBar(day: number, equityUsd: number): void {
    if (!this.acc || this.acc.day !== day) {
      this.closeDay(equityUsd);
      this.acc = { day, startEquity: equityUsd, worst: equityUsd, trades: 0 };
    }
  }

  /** After the bars' fills: the worst intrabar equity of the open positions (balance + adverse unrealized). */
  markAdverseEquity(equityUsd: number): void {
    if (this.acc && equityUsd < this.acc.worst) this.acc.worst = equityUsd;
  }

  /** One bar's decision: bars and regime counts. */
  countDecision(d: DecisionRecord): void {
    this.barsProcessed++;
    if (d.regime) this.regimeBars.set(d.regime, (this.regimeBars.get(d.regime) ?? 0) + 1);
  }

  /** After a step's decisions: the equity point (when any bar of the step was in session). */
  endStep(barEndMs: number, inSession: boolean, equityUsd: number): void {
    if (!inSession) return;
    this.equity.push({ tsMs: barEndMs, equityUsd });
    if (this.acc && equityUsd < this.acc.worst) this.acc.worst = equityUsd;
  }

  closeDay(equityUsd: number): void {
    const a = this.acc;
    if (!a) return;
    this.days.push({
      tradingDate: dateKeyOfDays(a.day),
      netPnlUsd: round2(equityUsd - a.startEquity),
      worstIntradayUsd: round2(Math.min(0, a.worst - a.startEquity)),
      trades: a.trades,
      endBalanceUsd: round2(equityUsd),
    });
    this.acc = null;
  }

  /** The record as a RunResult (for buildSummary and the report). */
  toResult(): RunResult {
    return {
      trades: this.trades,
      days: this.days,
      equity: this.equity,
      breach: this.breach,
      regimeBars: this.regimeBars,
      barsProcessed: this.barsProcessed,
      riskEvents: this.riskEvents,
    };
  }
}

/** Unrealized P&L of `pos` at the bar's most adverse price (low for a long, high for a short). */
export function adverseUnrealizedUsd(bar: Bar, pos: BrokerPosition, pointValueUsd: number): number {
  const adverse = pos.side === 'long' ? bar.low : bar.high;
  return (adverse - pos.entryPrice) * (pos.side === 'long' ? 1 : -1) * pos.qty * pointValueUsd;
}

/** What one instrument of a run produced (several instruments on one account: outputs per symbol). */
export class LaneRecord {
  readonly trades: TradeRecord[] = [];
  readonly regimeBars = new Map<string, number>();
  /** Net P&L of this instrument (realized + unrealized at its last price) at each account equity point; several-instrument runs only. */
  readonly pnl: EquityPoint[] = [];
  barsProcessed = 0;
  realizedUsd = 0;

  trade(t: TradeRecord): void {
    this.trades.push(t);
    this.realizedUsd += t.netPnlUsd;
  }

  countDecision(d: DecisionRecord): void {
    this.barsProcessed++;
    if (d.regime) this.regimeBars.set(d.regime, (this.regimeBars.get(d.regime) ?? 0) + 1);
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;
