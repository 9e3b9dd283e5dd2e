// THE loop: the one per-bar protocol every mode runs (backtest, walk-forward, replay, paper, live), for one
// or several instruments on one account. A step is the bars of one instant, one per instrument at most, in
// lane order (the configured instrument order). Per step: at a new trading day, positions left from the
// last session are flattened and the day is rolled (risk end of day, journal); then per instrument: a
// position past its session end is flattened → the broker's executions on the bar → the decision at the
// bar's close (the decision policy is asked at every decided bar; an external policy's question is
// yielded to the driver, see PolicyQuestion) → its commands → the risk liquidation level; then the account's run record. A flatten the
// risk manager asks for (breach, flat time, kill switch) closes every instrument. Broker and journal steps
// may be synchronous (backtest) or asynchronous (live): the protocol is written once as generators and
// run by `driveSync` or `driveAsync` (drive.ts).

import {
  pointValueUsd,
  sessionInfo,
  TradingState,
  type Bar,
  type Instrument,
  type BracketOrderRequest,
  type EngineCommand,
  type ExecutionEvent,
  type ExitReason,
} from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import type { RiskManager, FlattenEvent, RiskEvent, PolicyDecision } from '../strategy/index.ts';
import type { BrokerPort, MaybePromise } from './brokerPort.ts';
import type { Step } from './drive.ts';
import type { DecisionRecord, TradeRecord } from './records.ts';
import { adverseUnrealizedUsd, cheapestStopRiskUsd, LaneRecord, RunRecord } from './runRecord.ts';
import { exitReasonOf, PolicyQuestion, TradingEngine, type TradingEngineOptions } from './tradingEngine.ts';

/**
 * What happens in a session, for the journal, monitoring and output files. Every hook is optional and
 * may return a promise (the async driver awaits it before the next step: an intent is durable before
 * its order is sent). Hooks must not call back into the session. `symbol` names the instrument.
 */
export interface SessionObserver {
  /** An entry is about to be sent (journal it durably first). */
  intent?(order: BracketOrderRequest, decision: DecisionRecord | null, refPrice: number): MaybePromise<void>;
  /** The entry was handed to the broker at `sentMs` (for a decision taken at `order.decidedAtMs`). */
  sent?(order: BracketOrderRequest, sentMs: number, brokerOrderId: string | null): MaybePromise<void>;
  /** An execution the engine applied; `trade` when it closed a position. */
  execution?(ev: ExecutionEvent, trade: TradeRecord | null, symbol: string): MaybePromise<void>;
  /** A risk-state change or flatten request. */
  risk?(e: RiskEvent): MaybePromise<void>;
  /** The decision of a bar, after its commands ran. */
  decision?(bar: Bar, d: DecisionRecord, symbol: string): MaybePromise<void>;
  /** A trading day ended (the first bar of the next one arrived) with this balance. */
  dayEnd?(tradingDate: string, balanceUsd: number, tsMs: number): MaybePromise<void>;
  /** Buffered writes may be flushed now (after an order went out; at stop). */
  flush?(): MaybePromise<void>;
  /** A log line (no journal write). */
  note?(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
}

/** One instrument of a session: its engine options (its own config: instrumentConfig) and its broker. */
export interface LaneOptions extends Omit<TradingEngineOptions, 'onRiskEvent' | 'risk'> {
  readonly broker: BrokerPort;
}

/** A session over several instruments on one account risk manager. */
export interface MultiSessionOptions {
  /** Account-level config (bar length); each lane has its own. */
  readonly config: Config;
  readonly risk: RiskManager;
  /** In the order bars of the same instant are processed. */
  readonly lanes: readonly LaneOptions[];
  readonly observer?: SessionObserver;
  /** Clock of the order send time (live); default: the decision time of the order. */
  readonly nowMs?: () => number;
}

/** A session over one instrument (engine options plus its broker). */
export interface EngineSessionOptions extends Omit<TradingEngineOptions, 'onRiskEvent'> {
  readonly broker: BrokerPort;
  readonly observer?: SessionObserver;
  readonly nowMs?: () => number;
}

/** A bar of one instrument in a step. */
export interface LaneBar {
  readonly symbol: string;
  readonly bar: Bar;
}

/** One instrument of a running session. */
export class Lane {
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly engine: TradingEngine;
  readonly broker: BrokerPort;
  readonly record = new LaneRecord();
  readonly pointValueUsd: number;
  lastPrice = Number.NaN;
  lastBarEndMs = Number.NaN;
  lastDecision: DecisionRecord | null = null;

  constructor(o: LaneOptions, risk: RiskManager, onRiskEvent: (e: RiskEvent) => void) {
    this.symbol = o.instrument.symbol;
    this.instrument = o.instrument;
    this.broker = o.broker;
    this.pointValueUsd = pointValueUsd(o.instrument);
    this.engine = new TradingEngine({ ...o, risk, onRiskEvent });
  }

  /** Whether the broker holds a position or a working entry. */
  get exposed(): boolean {
    return this.broker.position !== null || this.broker.hasPendingEntry;
  }
}

/** One engine session; see the file header for the protocol. */
export class EngineSession {
  /** The account's run record (portfolio: every instrument). */
  readonly record: RunRecord;
  readonly lanes: readonly Lane[];
  private readonly bySymbol = new Map<string, Lane>();
  private readonly obs: SessionObserver;
  private readonly risk: RiskManager;
  private readonly nowMsFn: (() => number) | undefined;
  private readonly barMs: number;
  private readonly pendingRisk: RiskEvent[] = [];
  /** A FLATTEN the risk manager asked for in the current step, not yet applied to the other lanes. */
  private flattenOthers: FlattenEvent | null = null;
  private lastBarEndMs_ = Number.NaN;
  /** Last flatten sent by a clock tick (-Infinity: none). */
  private clockFlattenMs = -Infinity;
  private tradingDay = Number.NaN;
  private tradingDate: string | null = null;
  private readonly stepBars: (Bar | null)[];

  constructor(options: EngineSessionOptions | MultiSessionOptions) {
    const multi: MultiSessionOptions =
      'lanes' in options
        ? options
        : { config: options.config, risk: options.risk, lanes: [options], observer: options.observer, nowMs: options.nowMs };
    if (multi.lanes.length === 0) throw new Error('EngineSession: at least one instrument (lane) is required');
    this.risk = multi.risk;
    this.obs = multi.observer ?? {};
    this.nowMsFn = multi.nowMs;
    this.barMs = multi.config.data.bar_minutes * 60_000;
    const risk = multi.risk;
    this.record = new RunRecord({
      floorUsd: () => risk.mllFloorUsd,
      equityUsd: () => risk.equityUsd,
      floorAfterDayEnd: (b) => risk.floorAfterDayEnd(b),
      dailyLossLimitUsd: risk.dailyLossLimitUsd,
      minStopRiskUsd: Math.min(...multi.lanes.map((l) => cheapestStopRiskUsd(l.config, l.instrument))),
      warningRoomUsd: multi.config.report.room_warning_usd,
    });
    const onRiskEvent = (e: RiskEvent): void => void this.pendingRisk.push(e);
    this.lanes = multi.lanes.map((l) => new Lane(l, multi.risk, onRiskEvent));
    for (const l of this.lanes) {
      if (this.bySymbol.has(l.symbol)) throw new Error(`EngineSession: instrument ${l.symbol} given twice`);
      this.bySymbol.set(l.symbol, l);
    }
    this.stepBars = this.lanes.map(() => null);
  }

  /** The first (or only) instrument's engine. */
  get engine(): TradingEngine {
    return this.lanes[0]!.engine;
  }

  /** The first (or only) instrument's broker. */
  get broker(): BrokerPort {
    return this.lanes[0]!.broker;
  }

  /** The lane of `symbol`; throws for an instrument the session does not trade. */
  lane(symbol: string): Lane {
    const l = this.bySymbol.get(symbol);
    if (!l) throw new Error(`EngineSession: no instrument ${symbol} (have ${[...this.bySymbol.keys()].join(', ')})`);
    return l;
  }

  /** Last price seen of the first instrument (bar close or warm-up bar), NaN before any bar. */
  get lastPrice(): number {
    return this.lanes[0]!.lastPrice;
  }

  /** End of the last bar processed on any instrument (UTC ms), NaN before any bar. */
  get lastBarEndMs(): number {
    return this.lastBarEndMs_;
  }

  /** The decision of the first instrument's last bar, or null. */
  get lastDecision(): DecisionRecord | null {
    return this.lanes[0]!.lastDecision;
  }

  /** Warms features, VWAP and the regime filter up on a history bar (before live bars; nothing decided). */
  warmUp(bar: Bar, symbol: string = this.lanes[0]!.symbol): void {
    const lane = this.lane(symbol);
    lane.engine.warmUp(bar);
    lane.lastPrice = bar.close;
    lane.lastBarEndMs = bar.tsMs + this.barMs;
    if (!(lane.lastBarEndMs <= this.lastBarEndMs_)) this.lastBarEndMs_ = lane.lastBarEndMs;
  }

  /** One closed bar of one instrument (default: the first) through the whole protocol. */
  onBar(bar: Bar, symbol?: string): Step {
    // One instrument: the step itself (no delegating generator per bar); the bar is placed when it starts.
    if (this.lanes.length === 1 && (symbol === undefined || symbol === this.lanes[0]!.symbol)) return this.step(bar);
    return this.onLaneBar(bar, symbol);
  }

  private *onLaneBar(bar: Bar, symbol: string | undefined): Step {
    this.stepBars.fill(null);
    this.stepBars[this.lanes.indexOf(this.lane(symbol ?? this.lanes[0]!.symbol))] = bar;
    yield* this.step();
  }

  /** The bars of one instant (at most one per instrument, any order) through the whole protocol. */
  *onStep(bars: readonly LaneBar[]): Step {
    this.stepBars.fill(null);
    for (const b of bars) {
      const i = this.lanes.indexOf(this.lane(b.symbol));
      if (this.stepBars[i]) throw new Error(`EngineSession: two bars of ${b.symbol} in one step`);
      this.stepBars[i] = b.bar;
    }
    yield* this.step();
  }

  /** The step of `stepBars` (`single`: the only lane's bar, placed first). */
  private *step(single: Bar | null = null): Step {
    if (single) this.stepBars[0] = single;
    const risk = this.risk;
    const lanes = this.lanes;
    const bars = this.stepBars;
    let first: Bar | null = null;
    for (const b of bars) if (b && (!first || b.tsMs < first.tsMs)) first = b;
    if (!first) return;
    const info = sessionInfo(first.tsMs);
    if (info.tradingDay !== this.tradingDay) {
      // Positions left from the last session close at their last prices before the day rolls.
      for (const lane of lanes) {
        const forced = lane.engine.beforeBar(first, lane.broker.position);
        if (forced) yield* this.apply(lane, (yield lane.broker.flatten(forced.price, forced.tsMs, forced.reason)) as readonly ExecutionEvent[]);
      }
      if (this.tradingDate !== null) yield* this.endDay(first.tsMs);
      this.tradingDay = info.tradingDay;
      this.tradingDate = info.tradingDate;
    }
    this.record.beginBar(info.tradingDay, risk.equityUsd);
    let inSession = false;
    let stepEndMs = Number.NaN;
    for (let i = 0; i < lanes.length; i++) {
      const bar = bars[i];
      if (!bar) continue;
      const lane = lanes[i]!;
      const broker = lane.broker;
      const barEndMs = bar.tsMs + this.barMs;
      const forced = lane.engine.beforeBar(bar, broker.position);
      if (forced) yield* this.apply(lane, (yield broker.flatten(forced.price, forced.tsMs, forced.reason)) as readonly ExecutionEvent[]);
      const events = (yield broker.onBar(bar)) as readonly ExecutionEvent[];
      if (events.length) yield* this.apply(lane, events);
      const pos = broker.position;
      if (pos) this.record.markAdverseEquity(risk.balanceUsd + adverseUnrealizedUsd(bar, pos, lane.pointValueUsd) + this.otherUnrealizedUsd(lane));
      const begun = lane.engine.beginBar(bar, pos, broker.hasPendingEntry);
      const out =
        begun instanceof PolicyQuestion
          ? lane.engine.answer(begun, lane.engine.policy.external ? ((yield begun) as PolicyDecision) : lane.engine.decide(begun))
          : begun;
      lane.lastPrice = bar.close;
      lane.lastBarEndMs = barEndMs;
      if (out.commands.length) yield* this.execute(lane, out.commands, bar.close, barEndMs, out.decision);
      broker.setLiquidationLevel(lane.engine.liquidationLevel(broker.position));
      if (this.pendingRisk.length) yield* this.flushRisk();
      if (this.flattenOthers) yield* this.flattenOtherLanes(lane, barEndMs);
      lane.lastDecision = out.decision;
      this.record.countDecision(out.decision);
      lane.record.countDecision(out.decision);
      if (out.decision.code !== 'OUTSIDE_SESSION') inSession = true;
      if (!(barEndMs <= stepEndMs)) stepEndMs = barEndMs;
      if (this.obs.decision) yield this.obs.decision(bar, out.decision, lane.symbol);
    }
    if (!(stepEndMs <= this.lastBarEndMs_)) this.lastBarEndMs_ = stepEndMs;
    this.record.endStep(stepEndMs, inSession, risk.equityUsd);
    if (inSession && lanes.length > 1)
      for (const l of lanes) l.record.pnl.push({ tsMs: stepEndMs, equityUsd: l.record.realizedUsd + this.unrealizedUsd(l) });
  }

  /** Unrealized P&L of a lane's position at its last price. */
  private unrealizedUsd(l: Lane): number {
    const p = l.broker.position;
    return p && !Number.isNaN(l.lastPrice) ? (l.lastPrice - p.entryPrice) * (p.side === 'long' ? 1 : -1) * p.qty * l.pointValueUsd : 0;
  }

  /** Executions a broker learned outside a call (venue fills streamed in) for `symbol` (default: the first). */
  *onExecutions(events: readonly ExecutionEvent[], symbol: string = this.lanes[0]!.symbol): Step {
    const lane = this.lane(symbol);
    yield* this.apply(lane, events);
    if (this.flattenOthers) yield* this.flattenOtherLanes(lane, this.lastBarEndMs_);
  }

  /** Registers a position found at the broker on start-up with the engine and risk manager (not journaled). */
  *adopt(ev: ExecutionEvent, symbol: string = this.lanes[0]!.symbol): Step {
    this.lane(symbol).engine.onExecution(ev);
    yield* this.flushRisk();
  }

  /**
   * Kill switch: the risk manager halts (HALTED, code KILL_SWITCH, until the next trading day) and
   * requests a flatten, which closes every position and cancels every working entry.
   */
  *kill(reason: string, nowMs: number): Step {
    const commands: EngineCommand[] = [];
    const events = this.risk.halt('KILL_SWITCH', reason, nowMs);
    this.lanes[0]!.engine.applyRiskEvents(events, commands);
    yield* this.flushRisk();
    this.flattenOthers = null;
    for (const lane of this.lanes) {
      const own = commands.length ? commands : [{ kind: 'flatten', symbol: lane.symbol, reason: 'kill_switch', detail: 'KILL_SWITCH' } as const];
      yield* this.execute(lane, own, lane.lastPrice, nowMs, null);
    }
    if (this.obs.flush) yield this.obs.flush();
  }

  /**
   * Restores a kill switch journaled earlier today at start-up: HALTED with code KILL_SWITCH, nothing
   * sent (nothing is known to be open yet; a position found by reconciliation is flattened next bar).
   */
  *restoreHalt(reason: string, nowMs: number): Step {
    for (const e of this.risk.halt('KILL_SWITCH', reason, nowMs)) if (e.kind === 'STATE_CHANGED') this.pendingRisk.push(e);
    yield* this.flushRisk();
    this.flattenOthers = null;
  }

  /**
   * A clock tick without a bar (live timer): within the trading day of the last bar, the risk manager
   * advances to `nowMs` (flat time) and, when it requires a flatten, every exposed instrument is
   * closed now rather than at the next bar, which may never come during a market-data outage.
   */
  *onClock(nowMs: number): Step {
    // Bars flowing: their own path flattens. Without bars, at most one attempt per bar length.
    if (Number.isNaN(this.lastBarEndMs_) || nowMs - Math.max(this.lastBarEndMs_, this.clockFlattenMs) < this.barMs) return;
    // The day rolls only on a bar (its end-of-day bookkeeping and journal row belong to the bar path).
    if (this.tradingDate === null || sessionInfo(nowMs).tradingDate !== this.tradingDate) return;
    this.lanes[0]!.engine.applyRiskEvents(this.risk.onTime(nowMs), []);
    yield* this.flushRisk();
    if (!this.risk.flattenRequired) return;
    for (const lane of this.lanes) {
      if (!lane.exposed) continue;
      const code = this.risk.stateCode ?? 'HALTED';
      this.clockFlattenMs = nowMs;
      yield* this.execute(
        lane,
        [{ kind: 'flatten', symbol: lane.symbol, reason: exitReasonOf(code), detail: `${code}: flatten at ${nowMs} without a bar` }],
        lane.lastPrice,
        nowMs,
        null,
      );
    }
  }

  /** Closes every position and cancels working entries at each instrument's last price (clean stop, end of data). */
  *flattenAll(reason: ExitReason, nowMs: number): Step {
    for (const lane of this.lanes) yield* this.apply(lane, (yield lane.broker.flatten(lane.lastPrice, nowMs, reason)) as readonly ExecutionEvent[]);
  }

  /** End of a finite bar stream: closes what is open at the last close, as of the last bar's end, and the day. */
  *finish(): Step {
    for (const lane of this.lanes) {
      if (Number.isNaN(lane.lastBarEndMs)) continue;
      yield* this.apply(lane, (yield lane.broker.flatten(lane.lastPrice, lane.lastBarEndMs, 'end_of_data')) as readonly ExecutionEvent[]);
    }
    this.record.closeDay(this.risk.equityUsd);
    if (this.obs.flush) yield this.obs.flush();
  }

  /** Whether new entries are halted by the kill switch today. */
  get killed(): boolean {
    const s = this.risk;
    return s.state === TradingState.HALTED && s.stateCode === 'KILL_SWITCH';
  }

  /** Unrealized P&L of the other instruments' positions at their last marks. */
  private otherUnrealizedUsd(except: Lane): number {
    if (this.lanes.length === 1) return 0;
    let u = 0;
    for (const l of this.lanes) if (l !== except) u += this.unrealizedUsd(l);
    return u;
  }

  /** The trading day of the last bar ended: risk end of day (MLL trail, day limits reset), then the journal. */
  private *endDay(nextBarTsMs: number): Step {
    const risk = this.risk;
    this.pendingRisk.push(...risk.onTradingDayEnd(this.lastBarEndMs_));
    yield* this.flushRisk();
    this.flattenOthers = null;
    if (this.obs.dayEnd) yield this.obs.dayEnd(this.tradingDate!, risk.balanceUsd, nextBarTsMs);
  }

  /** A risk flatten closes every instrument: the lanes other than the one whose step raised it. */
  private *flattenOtherLanes(current: Lane, tsMs: number): Step {
    const e = this.flattenOthers!;
    this.flattenOthers = null;
    const reason: ExitReason = e.code === 'FLAT_TIME' ? 'session_end' : e.code === 'KILL_SWITCH' ? 'kill_switch' : 'risk_liquidation';
    for (const lane of this.lanes) {
      if (lane === current || !lane.exposed) continue;
      this.obs.note?.('warn', 'flatten', { symbol: lane.symbol, reason, detail: `${e.code}: ${e.detail}` });
      yield* this.apply(lane, (yield lane.broker.flatten(lane.lastPrice, tsMs, reason)) as readonly ExecutionEvent[]);
    }
  }

  /** Runs engine commands against the broker; `refPrice` NaN = no bar price (a follow-up after a fill). */
  private *execute(lane: Lane, commands: readonly EngineCommand[], refPrice: number, tsMs: number, decision: DecisionRecord | null): Step {
    const broker = lane.broker;
    for (const c of commands) {
      if (c.kind === 'submit_bracket') {
        yield* this.submit(lane, c.order, refPrice, decision);
      } else if (c.kind === 'cancel_entry') {
        yield* this.apply(lane, (yield broker.cancelEntry(c.intentId, tsMs, c.reason)) as readonly ExecutionEvent[]);
      } else {
        this.obs.note?.('warn', 'flatten', { symbol: lane.symbol, reason: c.reason, detail: c.detail });
        yield* this.apply(lane, (yield broker.flatten(refPrice, tsMs, c.reason)) as readonly ExecutionEvent[]);
      }
    }
  }

  private *submit(lane: Lane, order: BracketOrderRequest, refPrice: number, decision: DecisionRecord | null): Step {
    if (this.obs.intent) yield this.obs.intent(order, decision, refPrice);
    const sentMs = this.nowMsFn ? this.nowMsFn() : order.decidedAtMs;
    const res = (yield lane.broker.submitBracket(order)) as { brokerOrderId: string | null; events: readonly ExecutionEvent[] };
    if (this.obs.sent) yield this.obs.sent(order, sentMs, res.brokerOrderId);
    // Buffered writes (decisions) are diagnostics: flushed after the order so they never delay it.
    if (this.obs.flush) yield this.obs.flush();
    if (res.events.length) yield* this.apply(lane, res.events);
  }

  /** Feeds executions to the lane's engine, records and observes them, and runs the follow-up commands. */
  private *apply(lane: Lane, events: readonly ExecutionEvent[]): Step {
    for (const ev of events) {
      const follow: EngineCommand[] = [];
      const trade = lane.engine.onExecution(ev, follow);
      if (trade) {
        this.record.trade(trade);
        lane.record.trade(trade);
      }
      if (this.obs.execution) yield this.obs.execution(ev, trade, lane.symbol);
      if (this.pendingRisk.length) yield* this.flushRisk();
      if (follow.length) yield* this.execute(lane, follow, Number.NaN, ev.tsMs, null);
    }
  }

  private *flushRisk(): Step {
    while (this.pendingRisk.length) {
      const e = this.pendingRisk.shift()!;
      this.record.risk(e);
      if (e.kind === 'FLATTEN' && this.lanes.length > 1) this.flattenOthers = e;
      if (this.obs.risk) yield this.obs.risk(e);
    }
  }
}
