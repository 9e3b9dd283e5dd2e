// The live loop around the one engine: bars, fills and commands pass through one queue so they never
// interleave; each bar runs the backtest's sequence (forced exits, broker executions, engine decision,
// commands, liquidation level) against an asynchronous LiveBroker, journaling every step.

import type { Logger } from 'pino';
import type { Bar } from '../domain/bar.ts';
import type { Instrument } from '../domain/instrument.ts';
import { pointValueUsd } from '../domain/instrument.ts';
import { sessionInfo } from '../domain/session.ts';
import { MINUTE_MS } from '../domain/time.ts';
import { type TradingState } from '../domain/trading.ts';
import type { BracketOrderRequest, EngineCommand, ExecutionEvent } from '../broker/broker.ts';
import { TradingEngine, type TradingEngineOptions } from '../engine/tradingEngine.ts';
import type { DecisionRecord } from '../engine/types.ts';
import type { RiskEvent } from '../strategy/riskManager/types.ts';
import type { TradeRecord } from '../backtest/types.ts';
import type { Clock } from './liveClock.ts';
import type { LiveBroker } from './liveBroker.ts';
import { type JournalRecorder } from './journalRecorder.ts';
import { RunRecord } from './runRecord.ts';

/** Journal meta key holding "<trading date> <reason>" after a kill switch (halts restarts that day). */
export const KILL_META_KEY = 'live_kill_switch';

export interface LiveRunnerOptions {
  readonly engine: Omit<TradingEngineOptions, 'onRiskEvent'>;
  readonly broker: LiveBroker;
  readonly journal: JournalRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called with each bar's decision after it was executed. */
  readonly onDecision?: (bar: Bar, d: DecisionRecord) => void;
  /** Called with the bar close → order request latency of each order sent (ms, clock time). */
  readonly onOrderSent?: (barCloseMs: number, sentMs: number) => void;
  /** Called after an entry order was handed to the broker (monitoring): the request, bar close and send time. */
  readonly onOrder?: (order: BracketOrderRequest, barCloseMs: number, sentMs: number) => void;
  /** Called with each execution after the engine and journal took it (monitoring). */
  readonly onExecution?: (ev: ExecutionEvent, trade: TradeRecord | null) => void;
  /** Called with each risk event after it was journaled (monitoring). */
  readonly onRiskEvent?: (e: RiskEvent) => void;
}

/** One status line: regime, position, P&L and the room left under the limits. */
export interface LiveStatus {
  readonly tsMs: number;
  readonly state: TradingState;
  readonly halted: boolean;
  readonly regime: string | null;
  readonly confidence: number | null;
  readonly position: string;
  readonly dayPnlUsd: number;
  readonly balanceUsd: number;
  /** Equity above the MLL floor. */
  readonly mllRoomUsd: number;
  /** Loss still allowed today (null without a daily limit). */
  readonly dailyLossRoomUsd: number | null;
  readonly trades: number;
  readonly bars: number;
}

/** Drives a TradingEngine from live bars through a LiveBroker; all work runs on one serial queue. */
export class LiveRunner {
  readonly engine: TradingEngine;
  readonly record: RunRecord;
  private readonly o: LiveRunnerOptions;
  private readonly inst: Instrument;
  private readonly barMs: number;
  private readonly pendingRisk: RiskEvent[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private lastPrice = Number.NaN;
  private lastBarEndMs = Number.NaN;
  private tradingDate: string | null = null;
  private lastDecision: DecisionRecord | null = null;
  private halted_ = false;
  private errors_ = 0;

  constructor(options: LiveRunnerOptions) {
    this.o = options;
    this.inst = options.engine.instrument;
    this.barMs = options.engine.config.data.bar_minutes * MINUTE_MS;
    this.record = new RunRecord(pointValueUsd(this.inst));
    this.engine = new TradingEngine({ ...options.engine, onRiskEvent: (e) => this.pendingRisk.push(e) });
    options.broker.setEventSink((events) => void this.enqueue(() => this.apply(events)));
  }

  /** True after the kill switch: no new entries until restarted on a later trading day. */
  get halted(): boolean {
    return this.halted_;
  }

  /** Steps that failed (logged and journaled; the loop went on). */
  get errors(): number {
    return this.errors_;
  }

  get trades(): readonly TradeRecord[] {
    return this.record.trades;
  }

  /** Runs `fn` after everything queued before it; failures are logged, journaled and rethrown to the caller. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(async (e: unknown) => {
      this.errors_++;
      const msg = e instanceof Error ? e.message : String(e);
      this.o.logger.error({ err: msg }, 'live step failed');
      await this.o.journal.event(this.o.clock.nowMs(), 'error', 'live', msg).catch(() => undefined);
    });
    return run;
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  /** Warms features, VWAP and the regime filter up on a history bar (before live bars). */
  warmUp(bar: Bar): void {
    this.engine.warmUp(bar);
    this.lastPrice = bar.close;
    this.lastBarEndMs = bar.tsMs + this.barMs;
  }

  /** Halts from the start (kill switch journaled for today, restored at start-up). */
  setHalted(): void {
    this.halted_ = true;
  }

  /** Registers a position found at the broker on start-up with the engine and risk manager (not journaled). */
  adopt(ev: ExecutionEvent): Promise<void> {
    return this.enqueue(async () => {
      this.engine.onExecution(ev);
      await this.flushRisk();
    });
  }

  /** Queues one closed bar. */
  onBar(bar: Bar): Promise<void> {
    return this.enqueue(() => this.step(bar));
  }

  /** Kill switch: flattens, cancels every working order and halts entries; journaled. */
  kill(reason: string): Promise<void> {
    return this.enqueue(async () => {
      const now = this.nowMs();
      this.halted_ = true;
      this.o.logger.warn({ reason }, 'kill switch: flatten, cancel, halt');
      await this.o.journal.journal.setMeta(KILL_META_KEY, `${sessionInfo(now).tradingDate} ${reason}`, now);
      await this.o.journal.event(now, 'error', 'live', `KILL_SWITCH: ${reason}`);
      await this.apply(await this.o.broker.flatten(this.lastPrice, now, 'kill_switch'));
      await this.o.journal.flush();
    });
  }

  /** Clean stop: flattens (or leaves the brackets working) and flushes the journal. */
  stop(onStop: 'flatten' | 'leave_brackets'): Promise<void> {
    return this.enqueue(async () => {
      const now = this.nowMs();
      if (onStop === 'flatten') await this.apply(await this.o.broker.flatten(this.lastPrice, now, 'flatten'));
      await this.o.journal.event(now, 'info', 'live', `stopped (on_stop=${onStop})`);
      await this.o.journal.flush();
    });
  }

  /** End of a replay: closes what is open at the last close, as the backtest does at the end of data. */
  finish(): Promise<void> {
    return this.enqueue(async () => {
      await this.apply(await this.o.broker.flatten(this.lastPrice, this.lastBarEndMs, 'end_of_data'));
      this.record.closeDay(this.risk().snapshot().equityUsd);
      await this.o.journal.flush();
    });
  }

  status(): LiveStatus {
    const s = this.risk().snapshot();
    const pos = this.o.broker.position;
    const dll = this.o.engine.config.risk.daily_loss_limit;
    return {
      tsMs: this.o.clock.nowMs(),
      state: s.state,
      halted: this.halted_,
      regime: this.lastDecision?.regime ?? null,
      confidence: this.lastDecision?.confidence ?? null,
      position: pos
        ? `${pos.side} ${pos.qty} @ ${pos.entryPrice} stop ${pos.stopPrice} target ${pos.targetPrice}`
        : this.o.broker.hasPendingEntry
          ? 'entry working'
          : 'flat',
      dayPnlUsd: round2(s.dayPnlUsd),
      balanceUsd: round2(s.balanceUsd),
      mllRoomUsd: round2(s.equityUsd - s.mllFloorUsd),
      dailyLossRoomUsd: dll === null ? null : round2(dll + s.dayPnlUsd),
      trades: this.record.trades.length,
      bars: this.record.barsProcessed,
    };
  }

  /** Clock time, never before the end of the last bar processed (fills are not journaled before entries). */
  private nowMs(): number {
    const now = this.o.clock.nowMs();
    return Number.isNaN(this.lastBarEndMs) ? now : Math.max(now, this.lastBarEndMs);
  }

  private risk() {
    return this.o.engine.risk;
  }

  /** One bar, in the backtest runner's order. */
  private async step(bar: Bar): Promise<void> {
    const { broker, journal } = this.o;
    const barEndMs = bar.tsMs + this.barMs;
    const forced = this.engine.beforeBar(bar, broker.position);
    if (forced) await this.apply(await broker.flatten(forced.price, forced.tsMs, forced.reason));
    const date = sessionInfo(bar.tsMs).tradingDate;
    if (this.tradingDate !== null && date !== this.tradingDate) {
      await journal.endOfDay(this.tradingDate, this.risk().snapshot().balanceUsd, bar.tsMs);
    }
    this.tradingDate = date;
    this.record.beginBar(bar, this.risk().snapshot().equityUsd);
    await this.apply(await broker.onBarClosed(bar));
    this.record.markAdverse(bar, broker.position, this.risk().snapshot().balanceUsd);
    const out = this.engine.onBarClose(bar, broker.position, broker.hasPendingEntry);
    this.lastPrice = bar.close;
    this.lastBarEndMs = barEndMs;
    await this.execute(out.commands, bar.close, barEndMs, out.decision);
    broker.setLiquidationLevel(this.engine.liquidationLevel(broker.position));
    await this.flushRisk();
    this.lastDecision = out.decision;
    this.record.endBar(barEndMs, out.decision, this.risk().snapshot().equityUsd);
    await journal.decision(bar, out.decision);
    this.o.onDecision?.(bar, out.decision);
  }

  private async execute(commands: readonly EngineCommand[], refPrice: number, tsMs: number, decision: DecisionRecord | null): Promise<void> {
    const { broker, journal } = this.o;
    for (const c of commands) {
      if (c.kind === 'submit_bracket') {
        if (this.halted_) {
          // Never journaled nor sent: the engine only releases its reservation.
          this.engine.onExecution({ kind: 'entry_rejected', intentId: c.order.intentId, tsMs, reason: 'HALTED: kill switch' });
          this.o.logger.info({ intentId: c.order.intentId }, 'entry dropped: halted by the kill switch');
          continue;
        }
        await journal.intent(c.order, decision?.regime ?? null, decision?.reason ?? '', refPrice);
        const sentMs = this.o.clock.nowMs();
        this.o.onOrderSent?.(tsMs, sentMs);
        const res = await broker.submitBracket(c.order);
        await journal.sent(c.order.intentId, sentMs, res.brokerOrderId);
        this.o.onOrder?.(c.order, tsMs, sentMs);
        // Buffered decisions are diagnostics: written after the order so they never delay it.
        await journal.flush();
        this.o.logger.info(
          {
            intentId: c.order.intentId,
            side: c.order.side,
            qty: c.order.qty,
            entry: c.order.entryType,
            stopTicks: c.order.stopTicks,
            targetTicks: c.order.targetTicks,
          },
          'entry sent',
        );
        await this.apply(res.events);
      } else if (c.kind === 'cancel_entry') {
        await this.apply(await broker.cancelEntry(c.intentId, tsMs, c.reason));
      } else if (broker.kind === 'projectx' || !Number.isNaN(refPrice)) {
        // A follow-up flatten (after a fill) has no bar price: paper leaves it to the next bar, as the backtest does.
        this.o.logger.warn({ reason: c.reason, detail: c.detail }, 'flatten');
        await this.apply(await broker.flatten(Number.isNaN(refPrice) ? this.lastPrice : refPrice, tsMs, c.reason));
      }
    }
  }

  /** Feeds executions to the engine, journals them and runs follow-up commands. */
  private async apply(events: readonly ExecutionEvent[]): Promise<void> {
    for (const ev of events) {
      const follow: EngineCommand[] = [];
      const trade = this.engine.onExecution(ev, follow);
      if (trade) {
        this.record.trade(trade);
        this.o.logger.info(
          {
            intentId: trade.intentId,
            side: trade.side,
            entry: trade.entryPrice,
            exit: trade.exitPrice,
            netPnlUsd: round2(trade.netPnlUsd),
            reason: trade.exitReason,
          },
          'trade closed',
        );
      } else {
        this.o.logger.info({ kind: ev.kind, intentId: ev.intentId }, 'execution');
      }
      await this.o.journal.execution(ev, trade);
      this.o.onExecution?.(ev, trade);
      await this.flushRisk();
      await this.execute(follow, Number.NaN, ev.tsMs, null);
    }
  }

  private async flushRisk(): Promise<void> {
    while (this.pendingRisk.length) {
      const e = this.pendingRisk.shift()!;
      this.record.risk(e);
      if (e.kind === 'STATE_CHANGED') this.o.logger.warn({ from: e.from, to: e.to, code: e.code, detail: e.detail }, 'trading state changed');
      await this.o.journal.risk(e);
      this.o.onRiskEvent?.(e);
    }
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;
