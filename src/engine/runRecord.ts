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

  constructor(private readonly pointValueUsd: number) {}

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

  /** After the bar's fills: the worst intrabar equity of the open position. */
  markAdverse(bar: Bar, pos: BrokerPosition | null, balanceUsd: number): void {
    if (!pos || !this.acc) return;
    const adverse = pos.side === 'long' ? bar.low : bar.high;
    const eq = balanceUsd + (adverse - pos.entryPrice) * (pos.side === 'long' ? 1 : -1) * pos.qty * this.pointValueUsd;
    if (eq < this.acc.worst) this.acc.worst = eq;
  }

  /** After the decision: equity point and regime count. */
  endBar(barEndMs: number, d: DecisionRecord, equityUsd: number): void {
    this.barsProcessed++;
    if (d.code !== 'OUTSIDE_SESSION') {
      this.equity.push({ tsMs: barEndMs, equityUsd });
      if (this.acc && equityUsd < this.acc.worst) this.acc.worst = equityUsd;
    }
    if (d.regime) this.regimeBars.set(d.regime, (this.regimeBars.get(d.regime) ?? 0) + 1);
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

const round2 = (x: number) => Math.round(x * 100) / 100;
