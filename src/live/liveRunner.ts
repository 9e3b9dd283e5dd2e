// The live shell around the one engine session: bars, streamed fills, the kill switch and stops pass
// through one serial queue so they never interleave; each runs the session's protocol with driveAsync
// and a journal observer (intent durable before the order is sent), plus monitoring callbacks.

import type { Logger } from 'pino';
import { sessionInfo, type Bar, type Clock, type BracketOrderRequest, type ExecutionEvent, type TradingState } from '../domain/index.ts';
import {
  driveAsync,
  EngineSession,
  type BrokerPort,
  type DecisionRecord,
  type TradeRecord,
  type RunRecord,
  type EngineSessionOptions,
  type LaneBar,
  type LaneOptions,
  type SessionObserver,
} from '../engine/index.ts';
import type { Config } from '../config/index.ts';
import type { RiskEvent, RiskManager } from '../strategy/index.ts';
import type { JournalRecorder } from './journalRecorder.ts';

/** Journal meta key holding "<trading date> <reason>" after a kill switch (halts restarts that day). */
export const KILL_META_KEY = 'live_kill_switch';

/** Several instruments on one account: the account config and risk manager, and one lane per instrument. */
export interface LiveAccountLanes {
  /** Account-level config (bar length); each lane has its own. */
  readonly config: Config;
  readonly risk: RiskManager;
  /** In the order bars of one instant are processed. */
  readonly lanes: readonly LaneOptions[];
}

export interface LiveRunnerOptions {
  /** One instrument: its engine options (its risk manager is the account's) … */
  readonly engine?: Omit<EngineSessionOptions, 'broker' | 'observer' | 'nowMs'>;
  /** … and its broker. */
  readonly broker?: BrokerPort;
  /** Several instruments (instead of `engine` and `broker`). */
  readonly account?: LiveAccountLanes;
  readonly journal: JournalRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called with each bar's decision after it was executed and journaled. */
  readonly onDecision?: (bar: Bar, d: DecisionRecord, symbol: string) => void;
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
  /** Halted by the kill switch today. */
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

/** The journal + monitoring observer of a live session. */
function liveObserver(o: LiveRunnerOptions): SessionObserver {
  const { journal, logger } = o;
  return {
    intent: (order, d, refPrice) => journal.intent(order, d?.regime ?? null, d?.reason ?? '', refPrice),
    sent: async (order, sentMs, brokerOrderId) => {
      o.onOrderSent?.(order.decidedAtMs, sentMs);
      await journal.sent(order.intentId, sentMs, brokerOrderId);
      o.onOrder?.(order, order.decidedAtMs, sentMs);
      logger.info(
        {
          intentId: order.intentId,
          side: order.side,
          qty: order.qty,
          entry: order.entryType,
          stopTicks: order.stopTicks,
          targetTicks: order.targetTicks,
        },
        'entry sent',
      );
    },
    execution: async (ev, trade, symbol) => {
      if (trade) {
        const net = Math.round(trade.netPnlUsd * 100) / 100;
        logger.info(
          { intentId: trade.intentId, side: trade.side, entry: trade.entryPrice, exit: trade.exitPrice, netPnlUsd: net, reason: trade.exitReason },
          'trade closed',
        );
      } else {
        logger.info({ kind: ev.kind, intentId: ev.intentId }, 'execution');
      }
      await journal.execution(ev, trade, symbol);
      o.onExecution?.(ev, trade);
    },
    risk: async (e) => {
      if (e.kind === 'STATE_CHANGED') logger.warn({ from: e.from, to: e.to, code: e.code, detail: e.detail }, 'trading state changed');
      await journal.risk(e);
      o.onRiskEvent?.(e);
    },
    decision: async (bar, d, symbol) => {
      await journal.decision(bar, d, symbol);
      o.onDecision?.(bar, d, symbol);
    },
    dayEnd: (tradingDate, balanceUsd, tsMs) => journal.endOfDay(tradingDate, balanceUsd, tsMs),
    flush: () => journal.flush(),
    note: (level, message, fields) => logger[level](fields, message),
  };
}

/** Drives an EngineSession from live bars through an asynchronous broker; all work runs on one serial queue. */
export class LiveRunner {
  readonly session: EngineSession;
  private readonly o: LiveRunnerOptions;
  private readonly account: LiveAccountLanes;
  private tail: Promise<unknown> = Promise.resolve();
  private errors_ = 0;

  constructor(options: LiveRunnerOptions) {
    this.o = options;
    if (options.account) this.account = options.account;
    else if (options.engine && options.broker)
      this.account = { config: options.engine.config, risk: options.engine.risk, lanes: [{ ...options.engine, broker: options.broker }] };
    else throw new Error('LiveRunner: give engine and broker (one instrument) or account (several)');
    this.session = new EngineSession({
      ...this.account,
      observer: liveObserver(options),
      nowMs: () => options.clock.nowMs(),
    });
    for (const lane of this.session.lanes) {
      lane.broker.setEventSink(
        (events) => void this.enqueue(() => driveAsync(this.session.onExecutions(events, lane.symbol))).catch(() => undefined),
      );
    }
  }

  get record(): RunRecord {
    return this.session.record;
  }

  /** True after the kill switch: no new entries until the next trading day. */
  get halted(): boolean {
    return this.session.killed;
  }

  /** Steps that failed (logged and journaled; the loop went on). */
  get errors(): number {
    return this.errors_;
  }

  get trades(): readonly TradeRecord[] {
    return this.session.record.trades;
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

  /** Warms features, VWAP and the regime filter up on a history bar of `symbol` (default: the first instrument; before live bars). */
  warmUp(bar: Bar, symbol?: string): void {
    this.session.warmUp(bar, symbol);
  }

  /**
   * Halts from the start (a kill switch journaled earlier today): the risk manager is HALTED with code
   * KILL_SWITCH; a position found at reconciliation is flattened on the next bar.
   */
  restoreKill(reason: string): Promise<void> {
    return this.enqueue(() => driveAsync(this.session.restoreHalt(reason, this.nowMs())));
  }

  /** Registers a position of `symbol` found at the broker on start-up with the engine and risk manager (not journaled). */
  adopt(ev: ExecutionEvent, symbol?: string): Promise<void> {
    return this.enqueue(() => driveAsync(this.session.adopt(ev, symbol)));
  }

  /** Queues one closed bar (of `symbol`; default the first instrument). */
  onBar(bar: Bar, symbol?: string): Promise<void> {
    return this.enqueue(() => driveAsync(this.session.onBar(bar, symbol)));
  }

  /** Queues the bars of one instant (one per instrument at most, in lane order). */
  onStep(bars: readonly LaneBar[]): Promise<void> {
    return this.enqueue(() => driveAsync(this.session.onStep(bars)));
  }

  /** A timer tick without a bar: the risk clock advances and a required flatten (flat time, halt) is sent even when no bar arrives. */
  tick(): Promise<void> {
    return this.enqueue(() => driveAsync(this.session.onClock(this.nowMs())));
  }

  /** Kill switch: the risk manager halts for the day, flattens and cancels every working order; journaled. */
  kill(reason: string): Promise<void> {
    return this.enqueue(async () => {
      const now = this.nowMs();
      this.o.logger.warn({ reason }, 'kill switch: flatten, cancel, halt');
      await this.o.journal.journal.setMeta(KILL_META_KEY, `${sessionInfo(now).tradingDate} ${reason}`, now);
      await this.o.journal.event(now, 'error', 'live', `KILL_SWITCH: ${reason}`);
      await driveAsync(this.session.kill(reason, now));
    });
  }

  /** Clean stop: flattens (or leaves the brackets working) and flushes the journal. */
  stop(onStop: 'flatten' | 'leave_brackets'): Promise<void> {
    return this.enqueue(async () => {
      const now = this.nowMs();
      if (onStop === 'flatten') await driveAsync(this.session.flattenAll('flatten', now));
      await this.o.journal.event(now, 'info', 'live', `stopped (on_stop=${onStop})`);
      await this.o.journal.flush();
    });
  }

  /** End of a replay: closes what is open at the last close, as the backtest does at the end of data. */
  finish(): Promise<void> {
    return this.enqueue(() => driveAsync(this.session.finish()));
  }

  status(): LiveStatus {
    const s = this.account.risk.snapshot();
    const dll = this.account.config.risk.daily_loss_limit;
    const d = this.session.lastDecision;
    const positionOf = (broker: BrokerPort): string => {
      const pos = broker.position;
      if (pos) return `${pos.side} ${pos.qty} @ ${pos.entryPrice} stop ${pos.stopPrice} target ${pos.targetPrice}`;
      return broker.hasPendingEntry ? 'entry working' : 'flat';
    };
    const lanes = this.session.lanes;
    return {
      tsMs: this.o.clock.nowMs(),
      state: s.state,
      halted: this.session.killed,
      // several instruments: the first instrument's regime (each lane's is in the journal and on the dashboard)
      regime: d?.regime ?? null,
      confidence: d?.confidence ?? null,
      position: lanes.length === 1 ? positionOf(lanes[0]!.broker) : lanes.map((l) => `${l.symbol} ${positionOf(l.broker)}`).join('; '),
      dayPnlUsd: round2(s.dayPnlUsd),
      balanceUsd: round2(s.balanceUsd),
      mllRoomUsd: round2(s.equityUsd - s.mllFloorUsd),
      dailyLossRoomUsd: dll === null ? null : round2(dll + s.dayPnlUsd),
      trades: this.session.record.trades.length,
      bars: this.session.record.barsProcessed,
    };
  }

  /** Clock time, never before the end of the last bar processed (fills are not journaled before entries). */
  private nowMs(): number {
    const now = this.o.clock.nowMs();
    const last = this.session.lastBarEndMs;
    return Number.isNaN(last) ? now : Math.max(now, last);
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;
