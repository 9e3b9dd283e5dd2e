// THE loop: the one per-bar protocol every mode runs (backtest, walk-forward, replay, paper, live).
// Per bar: forced exit of a position left from an earlier session → trading-day roll (risk end of day,
// journal) → the broker's executions on the bar → the decision at the bar's close → its commands →
// the risk liquidation level → the run record and the decision. Broker and journal steps may be
// synchronous (backtest) or asynchronous (live); the protocol is written once as generators and run by
// `driveSync` or `driveAsync` (drive.ts).

import type { Bar } from '../domain/bar.ts';
import type { BracketOrderRequest, EngineCommand, ExecutionEvent, ExitReason } from '../domain/orders.ts';
import { sessionInfo } from '../domain/session.ts';
import { TradingState } from '../domain/trading.ts';
import type { RiskEvent } from '../strategy/riskManager/types.ts';
import type { BrokerPort, MaybePromise } from './brokerPort.ts';
import type { Step } from './drive.ts';
import type { DecisionRecord, TradeRecord } from './records.ts';
import { RunRecord } from './runRecord.ts';
import { TradingEngine, type TradingEngineOptions } from './tradingEngine.ts';

/**
 * What happens in a session, for the journal, monitoring and output files. Every hook is optional and
 * may return a promise (the async driver awaits it before the next step: an intent is durable before
 * its order is sent). Hooks must not call back into the session.
 */
export interface SessionObserver {
  /** An entry is about to be sent (journal it durably first). */
  intent?(order: BracketOrderRequest, decision: DecisionRecord | null, refPrice: number): MaybePromise<void>;
  /** The entry was handed to the broker at `sentMs` (for a decision taken at `order.decidedAtMs`). */
  sent?(order: BracketOrderRequest, sentMs: number, brokerOrderId: string | null): MaybePromise<void>;
  /** An execution the engine applied; `trade` when it closed a position. */
  execution?(ev: ExecutionEvent, trade: TradeRecord | null): MaybePromise<void>;
  /** A risk-state change or flatten request. */
  risk?(e: RiskEvent): MaybePromise<void>;
  /** The decision of a bar, after its commands ran. */
  decision?(bar: Bar, d: DecisionRecord): MaybePromise<void>;
  /** A trading day ended (the first bar of the next one arrived) with this balance. */
  dayEnd?(tradingDate: string, balanceUsd: number, tsMs: number): MaybePromise<void>;
  /** Buffered writes may be flushed now (after an order went out; at stop). */
  flush?(): MaybePromise<void>;
  /** A log line (no journal write). */
  note?(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
}

export interface EngineSessionOptions extends Omit<TradingEngineOptions, 'onRiskEvent'> {
  readonly broker: BrokerPort;
  readonly observer?: SessionObserver;
  /** Clock of the order send time (live); default: the decision time of the order. */
  readonly nowMs?: () => number;
}

/** One engine session over one instrument; see the file header for the protocol. */
export class EngineSession {
  readonly engine: TradingEngine;
  readonly record: RunRecord;
  readonly broker: BrokerPort;
  private readonly obs: SessionObserver;
  private readonly o: EngineSessionOptions;
  private readonly barMs: number;
  private readonly pendingRisk: RiskEvent[] = [];
  private lastPrice_ = Number.NaN;
  private lastBarEndMs_ = Number.NaN;
  private tradingDay = Number.NaN;
  private tradingDate: string | null = null;
  private lastDecision_: DecisionRecord | null = null;

  constructor(options: EngineSessionOptions) {
    this.o = options;
    this.broker = options.broker;
    this.obs = options.observer ?? {};
    this.barMs = options.config.data.bar_minutes * 60_000;
    this.record = new RunRecord(options.instrument.tickValueUsd / options.instrument.tickSize);
    this.engine = new TradingEngine({ ...options, onRiskEvent: (e) => this.pendingRisk.push(e) });
  }

  /** Last price seen (bar close or warm-up bar), NaN before any bar. */
  get lastPrice(): number {
    return this.lastPrice_;
  }

  /** End of the last bar processed (UTC ms), NaN before any bar. */
  get lastBarEndMs(): number {
    return this.lastBarEndMs_;
  }

  /** The decision of the last bar processed, or null. */
  get lastDecision(): DecisionRecord | null {
    return this.lastDecision_;
  }

  /** Warms features, VWAP and the regime filter up on a history bar (before live bars; nothing decided). */
  warmUp(bar: Bar): void {
    this.engine.warmUp(bar);
    this.lastPrice_ = bar.close;
    this.lastBarEndMs_ = bar.tsMs + this.barMs;
  }

  /** One closed bar through the whole protocol. */
  *onBar(bar: Bar): Step {
    const broker = this.broker;
    const risk = this.o.risk;
    const barEndMs = bar.tsMs + this.barMs;
    const forced = this.engine.beforeBar(bar, broker.position);
    if (forced) yield* this.apply((yield broker.flatten(forced.price, forced.tsMs, forced.reason)) as readonly ExecutionEvent[]);
    const info = sessionInfo(bar.tsMs);
    if (info.tradingDay !== this.tradingDay) {
      if (this.tradingDate !== null) yield* this.endDay(bar.tsMs);
      this.tradingDay = info.tradingDay;
      this.tradingDate = info.tradingDate;
    }
    this.record.beginBar(info.tradingDay, risk.equityUsd);
    const events = (yield broker.onBar(bar)) as readonly ExecutionEvent[];
    if (events.length) yield* this.apply(events);
    this.record.markAdverse(bar, broker.position, risk.balanceUsd);
    const out = this.engine.onBarClose(bar, broker.position, broker.hasPendingEntry);
    this.lastPrice_ = bar.close;
    this.lastBarEndMs_ = barEndMs;
    if (out.commands.length) yield* this.execute(out.commands, bar.close, barEndMs, out.decision);
    broker.setLiquidationLevel(this.engine.liquidationLevel(broker.position));
    if (this.pendingRisk.length) yield* this.flushRisk();
    this.lastDecision_ = out.decision;
    this.record.endBar(barEndMs, out.decision, risk.equityUsd);
    if (this.obs.decision) yield this.obs.decision(bar, out.decision);
  }

  /** Executions the broker learned outside a call (venue fills streamed in). */
  *onExecutions(events: readonly ExecutionEvent[]): Step {
    yield* this.apply(events);
  }

  /** Registers a position found at the broker on start-up with the engine and risk manager (not journaled). */
  *adopt(ev: ExecutionEvent): Step {
    this.engine.onExecution(ev);
    yield* this.flushRisk();
  }

  /**
   * Kill switch: the risk manager halts (HALTED, code KILL_SWITCH, until the next trading day) and
   * requests a flatten, which closes the position and cancels every working entry.
   */
  *kill(reason: string, nowMs: number): Step {
    const commands: EngineCommand[] = [];
    this.engine.applyRiskEvents(this.o.risk.halt('KILL_SWITCH', reason, nowMs), commands);
    yield* this.flushRisk();
    yield* this.execute(commands, this.lastPrice_, nowMs, null);
    if (this.obs.flush) yield this.obs.flush();
  }

  /**
   * Restores a kill switch journaled earlier today at start-up: HALTED with code KILL_SWITCH, nothing
   * sent (nothing is known to be open yet; a position found by reconciliation is flattened next bar).
   */
  *restoreHalt(reason: string, nowMs: number): Step {
    for (const e of this.o.risk.halt('KILL_SWITCH', reason, nowMs)) if (e.kind === 'STATE_CHANGED') this.pendingRisk.push(e);
    yield* this.flushRisk();
  }

  /** Closes the position and cancels a working entry at the last price seen (clean stop, end of data). */
  *flattenAll(reason: ExitReason, nowMs: number): Step {
    yield* this.apply((yield this.broker.flatten(this.lastPrice_, nowMs, reason)) as readonly ExecutionEvent[]);
  }

  /** End of a finite bar stream: closes what is open at the last close, as of the last bar's end, and the day. */
  *finish(): Step {
    if (!Number.isNaN(this.lastBarEndMs_)) yield* this.flattenAll('end_of_data', this.lastBarEndMs_);
    this.record.closeDay(this.o.risk.equityUsd);
    if (this.obs.flush) yield this.obs.flush();
  }

  /** The trading day of the last bar ended: risk end of day (MLL trail, day limits reset), then the journal. */
  private *endDay(nextBarTsMs: number): Step {
    const risk = this.o.risk;
    this.pendingRisk.push(...risk.onTradingDayEnd(this.lastBarEndMs_));
    yield* this.flushRisk();
    if (this.obs.dayEnd) yield this.obs.dayEnd(this.tradingDate!, risk.balanceUsd, nextBarTsMs);
  }

  /** Runs engine commands against the broker; `refPrice` NaN = no bar price (a follow-up after a fill). */
  private *execute(commands: readonly EngineCommand[], refPrice: number, tsMs: number, decision: DecisionRecord | null): Step {
    const broker = this.broker;
    for (const c of commands) {
      if (c.kind === 'submit_bracket') {
        yield* this.submit(c.order, refPrice, decision);
      } else if (c.kind === 'cancel_entry') {
        yield* this.apply((yield broker.cancelEntry(c.intentId, tsMs, c.reason)) as readonly ExecutionEvent[]);
      } else {
        this.obs.note?.('warn', 'flatten', { reason: c.reason, detail: c.detail });
        yield* this.apply((yield broker.flatten(refPrice, tsMs, c.reason)) as readonly ExecutionEvent[]);
      }
    }
  }

  private *submit(order: BracketOrderRequest, refPrice: number, decision: DecisionRecord | null): Step {
    if (this.obs.intent) yield this.obs.intent(order, decision, refPrice);
    const sentMs = this.o.nowMs ? this.o.nowMs() : order.decidedAtMs;
    const res = (yield this.broker.submitBracket(order)) as { brokerOrderId: string | null; events: readonly ExecutionEvent[] };
    if (this.obs.sent) yield this.obs.sent(order, sentMs, res.brokerOrderId);
    // Buffered writes (decisions) are diagnostics: flushed after the order so they never delay it.
    if (this.obs.flush) yield this.obs.flush();
    if (res.events.length) yield* this.apply(res.events);
  }

  /** Feeds executions to the engine, records and observes them, and runs the follow-up commands. */
  private *apply(events: readonly ExecutionEvent[]): Step {
    for (const ev of events) {
      const follow: EngineCommand[] = [];
      const trade = this.engine.onExecution(ev, follow);
      if (trade) this.record.trade(trade);
      if (this.obs.execution) yield this.obs.execution(ev, trade);
      if (this.pendingRisk.length) yield* this.flushRisk();
      if (follow.length) yield* this.execute(follow, Number.NaN, ev.tsMs, null);
    }
  }

  private *flushRisk(): Step {
    while (this.pendingRisk.length) {
      const e = this.pendingRisk.shift()!;
      this.record.risk(e);
      if (this.obs.risk) yield this.obs.risk(e);
    }
  }

  /** Whether new entries are halted by the kill switch today. */
  get killed(): boolean {
    const s = this.o.risk;
    return s.state === TradingState.HALTED && s.stateCode === 'KILL_SWITCH';
  }
}
