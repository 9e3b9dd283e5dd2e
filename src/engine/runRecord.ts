// The run bookkeeping of the engine session: trades, trading days (net P&L, worst intraday equity), the
// equity curve, the first rule breach, bars per regime and the account's room above the MLL floor (the
// stall: breached, or too little room for one contract's stop), the same in every mode.

import { dateKeyOfDays, type Bar, type BrokerPosition, type Instrument } from '../domain/index.ts';
import type { AccountRecord, BreachRecord, DayRecord, DecisionRecord, EquityPoint, RunResult, StallRecord, TradeRecord } from './records.ts';
import { stopLossUsdPerContract, type RiskEvent } from '../strategy/index.ts';
import type { Config } from '../config/index.ts';

interface DayAcc {
  day: number;
  startEquity: number;
  worst: number;
  trades: number;
  /** MLL floor in force during the day (it only moves at a day end). */
  floor: number;
  /** Whether any step of the day was in the trading session. */
  inSession: boolean;
}

/** What the run record reads from the account to follow its room above the MLL floor. */
export interface AccountWatch {
  /** MLL floor in force now. */
  floorUsd(): number;
  /** Equity now (balance + unrealized). */
  equityUsd(): number;
  /** MLL floor once a trading day ends at this balance. */
  floorAfterDayEnd(balanceUsd: number): number;
  readonly dailyLossLimitUsd: number | null;
  /** Stop-out money of the cheapest one-contract entry the config allows (cheapest stop + round-trip commission). */
  readonly minStopRiskUsd: number;
  /** A day whose lowest equity came closer than this to the floor is a day under warning room. */
  readonly warningRoomUsd: number;
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
  private stall: StallRecord | null = null;
  private minRoom = Number.POSITIVE_INFINITY;
  private stalledDays = 0;
  private warningDays = 0;

  /** Without a watch (tests of the record alone) the account figures stay empty. */
  constructor(private readonly watch: AccountWatch | null = null) {}

  risk(e: RiskEvent): void {
    this.riskEvents.push(e);
    if (!this.breach && e.kind === 'STATE_CHANGED' && (e.code === 'MLL_BREACH' || e.code === 'DAILY_LOSS_LIMIT'))
      this.breach = { rule: e.code, tsMs: e.tsMs, detail: e.detail };
    if (e.kind === 'STATE_CHANGED' && e.code === 'MLL_BREACH' && !this.stall && this.watch && this.acc) {
      const room = round2(this.watch.equityUsd() - this.watch.floorUsd());
      this.stall = { date: dateKeyOfDays(this.acc.day), roomUsd: room, reason: `MLL_BREACH: the account is closed (${e.detail})` };
    }
  }

  trade(t: TradeRecord): void {
    this.trades.push(t);
    if (this.acc) this.acc.trades++;
  }

  /** Before the bar's executions: rolls the day (`day`: trading day of the bar, days since epoch). */
  beginBar(day: number, equityUsd: number): void {
    if (!this.acc || this.acc.day !== day) {
      this.closeDay(equityUsd);
      this.acc = { day, startEquity: equityUsd, worst: equityUsd, trades: 0, floor: this.watch ? this.watch.floorUsd() : 0, inSession: false };
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
    if (this.acc) this.acc.inSession = true;
    this.equity.push({ tsMs: barEndMs, equityUsd });
    if (this.acc && equityUsd < this.acc.worst) this.acc.worst = equityUsd;
  }

  closeDay(equityUsd: number): void {
    const a = this.acc;
    if (!a) return;
    this.acc = null;
    // a trading date without a regular-session bar (a holiday's overnight bars) is not a trading day
    if (!a.inSession && a.trades === 0 && round2(equityUsd - a.startEquity) === 0) return;
    const date = dateKeyOfDays(a.day);
    if (this.watch) this.watchDay(a, date, equityUsd, this.watch);
    this.days.push({
      tradingDate: dateKeyOfDays(a.day),
      netPnlUsd: round2(equityUsd - a.startEquity),
      worstIntradayUsd: round2(Math.min(0, a.worst - a.startEquity)),
      trades: a.trades,
      endBalanceUsd: round2(equityUsd),
    });
  }

  /** Room above the floor during the day, days under warning room, and whether the account can still trade. */
  private watchDay(a: DayAcc, date: string, endEquityUsd: number, w: AccountWatch): void {
    if (this.stall && this.stall.date < date) this.stalledDays++;
    const room = Math.min(a.worst, endEquityUsd) - a.floor;
    if (room < this.minRoom) this.minRoom = room;
    if (room < w.warningRoomUsd) this.warningDays++;
    if (this.stall) return;
    const after = endEquityUsd - w.floorAfterDayEnd(endEquityUsd);
    const tradable = Math.min(after, w.dailyLossLimitUsd ?? Number.POSITIVE_INFINITY);
    if (tradable <= w.minStopRiskUsd) {
      const why =
        after <= w.minStopRiskUsd
          ? `room above the MLL floor $${after.toFixed(2)} is not more than one contract's stop-out $${w.minStopRiskUsd.toFixed(2)}`
          : `the daily loss limit $${tradable.toFixed(2)} is not more than one contract's stop-out $${w.minStopRiskUsd.toFixed(2)}`;
      this.stall = { date, roomUsd: round2(after), reason: `${why}: no entry can be sized, the account can no longer trade` };
    }
  }

  /** The account figures so far (null without a watch). */
  account(): AccountRecord | null {
    if (!this.watch) return null;
    return {
      stall: this.stall,
      minRoomToFloorUsd: Number.isFinite(this.minRoom) ? round2(this.minRoom) : null,
      stalledDays: this.stalledDays,
      daysUnderWarningRoom: this.warningDays,
      warningRoomUsd: this.watch.warningRoomUsd,
      minStopRiskUsd: round2(this.watch.minStopRiskUsd),
    };
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
      account: this.account(),
    };
  }
}

/**
 * Stop-out money of the cheapest one-contract entry `config` allows on `inst`: the smallest positive stop
 * of a regime with a size multiplier above 0, with the stop's slippage ticks and the round-trip commission
 * (0 when no regime can trade), as the risk manager sizes it.
 */
export function cheapestStopRiskUsd(config: Pick<Config, 'stops' | 'regime_size_multipliers' | 'backtest'>, inst: Instrument): number {
  let best = Number.POSITIVE_INFINITY;
  const mult = config.regime_size_multipliers as Partial<Record<string, number>>;
  for (const [label, ticks] of Object.entries(config.stops as Partial<Record<string, number>>))
    if (ticks !== undefined && ticks > 0 && (mult[label] ?? 0) > 0)
      best = Math.min(best, stopLossUsdPerContract(ticks, inst, config.backtest.slippage_ticks));
  return Number.isFinite(best) ? best : 0;
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
