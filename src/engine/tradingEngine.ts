// The decision core of one instrument: bar → regime → VWAP → filters → signal → risk → broker commands,
// and broker executions → risk and trade records. The engine session (session.ts) drives it in every
// mode; only the bar source and the broker that executes its commands differ. Synchronous, free of I/O.

import {
  pointValueUsd,
  inRth,
  sessionInfo,
  formatIsoInZone,
  MINUTE_MS,
  TradingState,
  SessionVwap,
  type Bar,
  type PluginError,
  type Instrument,
  type RegimeInfo,
  type RegimeLabel,
  type RegimeSource,
  type RthWindow,
  type BrokerPosition,
  type EngineCommand,
  type ExecutionEvent,
  type ExitReason,
  type LiquidationLevel,
  type VwapSnapshot,
} from '../domain/index.ts';
import { rthWindowOf, type Config } from '../config/index.ts';
import {
  evaluateFilters,
  filterSettingsFromConfig,
  EMPTY_CALENDAR,
  NEUTRAL_SENTIMENT,
  signalSettingsFromConfig,
  validateDecision,
  RegimeRunTracker,
  SessionTradeCounter,
  RULES_POLICY,
  LazyReason,
  runGuarded,
  type HasReason,
  type FilterVerdict,
  type CalendarSource,
  type FilterSettings,
  type SentimentSource,
  type VixTable,
  type RiskManager,
  type SignalContext,
  type SignalSettings,
  type TradeSignal,
  type DecisionPolicy,
  type PolicyContext,
  type PolicyDecision,
  type RiskCode,
  type RiskEvent,
} from '../strategy/index.ts';
import { SessionClock } from './sessionClock.ts';
import type { DecisionRecord, TradeRecord } from './records.ts';

export interface TradingEngineOptions {
  readonly config: Config;
  readonly instrument: Instrument;
  readonly regime: RegimeSource;
  /** Who decides at every bar (default: the rule-based policy; config decision_policy, PLUG: rl_agent). */
  readonly policy?: DecisionPolicy | null;
  readonly risk: RiskManager;
  readonly vixTable?: VixTable | null;
  readonly calendar?: CalendarSource;
  readonly sentiment?: SentimentSource;
  /** Filter settings (default: from config; a vendor calendar adjusts the blackout times). */
  readonly filterSettings?: FilterSettings;
  /** Prefix of intent ids (unique per run/process, or shared by the machines of one account with `intentIds: 'bar'`). */
  readonly idPrefix?: string;
  /**
   * sequential (default): `<prefix>-1`, `-2`, ...; bar: `<prefix><trading date>-<symbol>-<bar close, base-36 s>-<n-th intent of
   * that bar>`, the same on every machine deciding the same bar, so two machines' copies of one intent collide at the broker
   * (its customTag is unique per account) instead of doubling the order.
   */
  readonly intentIds?: 'sequential' | 'bar';
  /** Called with every risk event (state changes, flatten requests) for logging/journaling. */
  readonly onRiskEvent?: (e: RiskEvent) => void;
  /** Called when a plug-in (sentiment, calendar, rl_agent) failed and its fallback was used (PLUG: monitoring). */
  readonly onPluginError?: (e: PluginError, tsMs: number) => void;
}

interface Intent {
  readonly reservationId: string;
  readonly tradingDate: string;
  readonly regime: RegimeLabel;
  readonly reason: string;
  entry?: { tsMs: number; price: number; commissionUsd: number; qty: number; side: 'long' | 'short' };
}

/** Result of one bar: commands for the broker and the decision record. */
export interface BarOutcome {
  readonly commands: EngineCommand[];
  readonly decision: DecisionRecord;
}

/** The fields of a bar's decision record that do not depend on the policy's answer. */
type DecisionBase = Omit<DecisionRecord, 'action' | 'code' | 'reason'>;

/** A decision record (one literal of a fixed shape: the per-bar path builds no spread copies). */
function decisionOf(b: DecisionBase, action: DecisionRecord['action'], code: string, reason: string): DecisionRecord {
  return { tsMs: b.tsMs, close: b.close, regime: b.regime, confidence: b.confidence, probs: b.probs, action, code, reason };
}

/**
 * A decision record whose reason is a LazyReason's: formatted when read (only the decisions that are
 * written or journaled are). JSON.stringify gives the same object as a plain record.
 */
class LazyDecision implements DecisionRecord {
  readonly tsMs: number;
  readonly close: number;
  readonly regime: RegimeLabel | null;
  readonly confidence: number | null;
  readonly probs: readonly number[] | null;
  readonly action: DecisionRecord['action'];
  readonly code: string;
  private readonly source: HasReason;

  constructor(b: DecisionBase, action: DecisionRecord['action'], code: string, source: HasReason) {
    this.tsMs = b.tsMs;
    this.close = b.close;
    this.regime = b.regime;
    this.confidence = b.confidence;
    this.probs = b.probs;
    this.action = action;
    this.code = code;
    this.source = source;
  }

  get reason(): string {
    return this.source.reason;
  }

  toJSON(): DecisionRecord {
    return decisionOf(this, this.action, this.code, this.reason);
  }
}

/**
 * A bar on which the decision policy must answer (beginBar's result): the session asks the policy, or
 * yields the question to its driver when the policy is external (the RL environment), then calls answer().
 */
export class PolicyQuestion {
  constructor(
    readonly ctx: PolicyContext,
    /** @internal the decision record's common fields */
    readonly base: DecisionBase,
  ) {}
}

/**
 * What the engine tells the policy about one bar. `filters()` and `signalContext()` are methods (no
 * closures made per bar); the filters are evaluated at most once per bar.
 */
class BarPolicyContext implements PolicyContext {
  private verdict: FilterVerdict | null = null;

  constructor(
    private readonly engine: TradingEngine,
    readonly bar: Bar,
    readonly decisionMs: number,
    readonly tradingDate: string,
    readonly instrument: Instrument,
    readonly regimeInfo: RegimeInfo,
    readonly vwap: VwapSnapshot,
    readonly position: BrokerPosition | null,
    readonly hasPendingEntry: boolean,
    readonly tradingState: TradingState,
    readonly risk: RiskManager,
    readonly barMs: number,
    /** Start of the current regime run (anchored VWAP), null when none. */
    private readonly runStartMs: number | null,
  ) {}

  filters(): FilterVerdict {
    return (this.verdict ??= this.engine.filtersAt(this.decisionMs, this.tradingDate, this.regimeInfo.regime));
  }

  signalContext(): SignalContext {
    return this.engine.signalContextOf(this, this.filters(), this.runStartMs);
  }
}

export class TradingEngine {
  private readonly o: TradingEngineOptions;
  private readonly vwap: SessionVwap;
  private readonly filters: FilterSettings;
  private readonly clock: SessionClock;
  private readonly barMs: number;
  private readonly pv: number;
  private readonly signalSettings: SignalSettings;
  private readonly rthOnly: boolean;
  /** The instrument's regular session (config session.rth_start/rth_end). */
  private readonly rth: RthWindow;
  private readonly policy_: DecisionPolicy;
  private readonly runs = new RegimeRunTracker();
  private readonly counter = new SessionTradeCounter();
  private readonly intents = new Map<string, Intent>();
  private nextId = 1;
  /** Bar close of the last intent and how many intents that bar made (intentIds: 'bar'). */
  private lastIntentBar = { decisionMs: Number.NaN, count: 0 };
  private lastClose = Number.NaN;
  private lastBarEndMs = Number.NaN;
  private lastTradingDay = Number.NaN;
  private pendingIntent: string | null = null;
  private openIntent: string | null = null;

  constructor(options: TradingEngineOptions) {
    this.o = options;
    const c = options.config;
    this.vwap = new SessionVwap({
      anchorTime: c.vwap.anchor_time,
      timeZone: c.session.timezone,
      bandMultipliers: c.vwap.band_multipliers,
      priceSource: c.vwap.price_source,
    });
    this.filters = options.filterSettings ?? filterSettingsFromConfig(c);
    this.signalSettings = signalSettingsFromConfig(c);
    this.clock = new SessionClock(c.session);
    this.rthOnly = c.session.rth_only;
    this.rth = rthWindowOf(c.session);
    this.barMs = c.data.bar_minutes * MINUTE_MS;
    this.pv = pointValueUsd(options.instrument);
    this.policy_ = options.policy ?? RULES_POLICY;
  }

  /** The session VWAP accumulator (anchored VWAP queries). */
  get sessionVwap(): SessionVwap {
    return this.vwap;
  }

  /**
   * Called before a bar is executed: when a position is still open although the bar begins at or
   * after the session end (or on a later trading date), returns a flatten at the last price seen.
   */
  beforeBar(bar: Bar, position: BrokerPosition | null): { price: number; tsMs: number; reason: ExitReason } | null {
    if (!position || Number.isNaN(this.lastClose)) return null;
    const day = sessionInfo(bar.tsMs).tradingDay;
    const end = this.clock.sessionEndMs(this.lastTradingDay);
    if (day !== this.lastTradingDay || bar.tsMs >= end) return { price: this.lastClose, tsMs: this.lastBarEndMs, reason: 'session_end' };
    return null;
  }

  /**
   * Feeds a historical bar to the VWAP and the regime filter without deciding anything (live start-up
   * warm-up from REST history). Bars must come in time order and end before live bars begin.
   */
  warmUp(bar: Bar): void {
    const info = sessionInfo(bar.tsMs);
    this.lastClose = bar.close;
    this.lastBarEndMs = bar.tsMs + this.barMs;
    this.lastTradingDay = info.tradingDay;
    if (this.rthOnly && !inRth(info, this.rth)) return;
    this.vwap.update(bar);
    const regime = this.o.regime.predictRegime(bar);
    if (regime) this.runs.update(bar.tsMs, regime.regime);
  }

  /** The decision policy of this engine (the rule-based one unless another was configured). */
  get policy(): DecisionPolicy {
    return this.policy_;
  }

  /** Processes a closed bar and returns the commands to send and the decision record (the policy answers synchronously). */
  onBarClose(bar: Bar, position: BrokerPosition | null, hasPendingEntry: boolean): BarOutcome {
    const begun = this.beginBar(bar, position, hasPendingEntry);
    return begun instanceof PolicyQuestion ? this.answer(begun, this.decide(begun)) : begun;
  }

  /** Asks the configured policy; a non-rule policy that throws or gives an invalid signal holds instead (counted as a plug-in failure). */
  decide(q: PolicyQuestion): PolicyDecision {
    const policy = this.policy_;
    if (policy === RULES_POLICY) return policy.decide(q.ctx);
    const guarded = runGuarded(
      `rl_agent:${policy.name}`,
      () => policy.decide(q.ctx),
      (): PolicyDecision => ({ kind: 'hold', code: 'POLICY_FAILED', reason: `policy ${policy.name} failed: holding` }),
      (d) => (d && d.kind === 'open' ? validateDecision(d.signal, { instrument: this.o.instrument }) : null),
      'hold',
    );
    if (guarded.error) this.o.onPluginError?.(guarded.error, q.ctx.decisionMs);
    return guarded.value;
  }

  /**
   * The bar's decision up to the policy: the outcome when the bar needs no policy answer (outside the
   * session, a risk flatten, the session end, regime warm-up), else the question to answer.
   */
  beginBar(bar: Bar, position: BrokerPosition | null, hasPendingEntry: boolean): BarOutcome | PolicyQuestion {
    const decisionMs = bar.tsMs + this.barMs;
    const info = sessionInfo(bar.tsMs);
    this.lastClose = bar.close;
    this.lastBarEndMs = decisionMs;
    this.lastTradingDay = info.tradingDay;
    const commands: EngineCommand[] = [];
    const risk = this.o.risk;
    for (const ev of risk.markToMarket(this.o.instrument.symbol, bar.close, decisionMs)) this.onRisk(ev, commands);
    // A flatten asked for earlier but not done (no price right after a fill, a failed venue call) is repeated.
    if (position && commands.length === 0 && risk.flattenRequired) {
      commands.push({
        kind: 'flatten',
        symbol: this.o.instrument.symbol,
        reason: exitReasonOf(risk.stateCode ?? 'HALTED'),
        detail: `${risk.stateCode ?? risk.state}: flatten still required`,
      });
    }

    if (this.rthOnly && !inRth(info, this.rth)) {
      return {
        commands,
        decision: {
          tsMs: decisionMs,
          close: bar.close,
          regime: null,
          confidence: null,
          probs: null,
          action: commands.length ? 'flatten' : 'none',
          code: 'OUTSIDE_SESSION',
          reason: 'bar outside regular trading hours',
        },
      };
    }
    const vwap = this.vwap.update(bar);
    const regime = this.o.regime.predictRegime(bar);
    const runStartMs = regime ? this.runs.update(bar.tsMs, regime.regime) : null;
    const base: DecisionBase = {
      tsMs: decisionMs,
      close: bar.close,
      regime: regime?.regime ?? null,
      confidence: regime ? round4(regime.confidence) : null,
      probs: regime ? round4All(regime.probs) : null,
    };

    if (commands.length) return { commands, decision: decisionOf(base, 'flatten', 'RISK_FLATTEN', 'risk manager requested a flatten') };
    const sessionEnd = this.clock.sessionEndMs(info.tradingDay);
    if (decisionMs >= sessionEnd) {
      if (position) {
        commands.push({
          kind: 'flatten',
          symbol: this.o.instrument.symbol,
          reason: 'session_end',
          detail: `session end ${formatIsoInZone('America/New_York', sessionEnd)}`,
        });
        return { commands, decision: decisionOf(base, 'flatten', 'SESSION_END', 'flat by the session end') };
      }
      if (hasPendingEntry && this.pendingIntent) {
        commands.push({ kind: 'cancel_entry', intentId: this.pendingIntent, reason: 'session end' });
        return { commands, decision: decisionOf(base, 'cancel', 'SESSION_END', 'working entry cancelled at the session end') };
      }
      return { commands, decision: decisionOf(base, 'none', 'SESSION_END', 'session over') };
    }
    if (!regime) return { commands, decision: decisionOf(base, 'none', 'REGIME_WARMUP', 'regime detector warming up') };
    const ctx = new BarPolicyContext(
      this,
      bar,
      decisionMs,
      info.tradingDate,
      this.o.instrument,
      regime,
      vwap,
      position,
      hasPendingEntry,
      risk.state,
      risk,
      this.barMs,
      runStartMs,
    );
    return new PolicyQuestion(ctx, base);
  }

  /** @internal The entry filters at a decision instant (BarPolicyContext.filters); plug-in failures are reported. */
  filtersAt(decisionMs: number, tradingDate: string, regime: RegimeLabel): FilterVerdict {
    const v = evaluateFilters({
      tsMs: decisionMs,
      tradingDate,
      regime,
      settings: this.filters,
      vixTable: this.o.vixTable ?? null,
      calendar: this.o.calendar ?? EMPTY_CALENDAR,
      sentiment: this.o.sentiment ?? NEUTRAL_SENTIMENT,
    });
    if (v.pluginErrors.length) for (const e of v.pluginErrors) this.o.onPluginError?.(e, decisionMs);
    return v;
  }

  /** @internal The rule generator's context of a bar (BarPolicyContext.signalContext). */
  signalContextOf(ctx: PolicyContext, filters: FilterVerdict, runStartMs: number | null): SignalContext {
    const regime = ctx.regimeInfo;
    return {
      bar: ctx.bar,
      instrument: this.o.instrument,
      regimeInfo: regime,
      vwap: ctx.vwap,
      // Only the CRASH target uses the anchored VWAP; skip the query otherwise (per-bar path).
      anchoredVwap: runStartMs === null || regime.regime !== 'CRASH' || !this.signalSettings.anchoredVwap ? null : this.vwap.getAnchored(runStartMs),
      filters,
      position: null,
      tradingState: this.o.risk.state,
      regimeTradesThisSession: this.counter.count(ctx.tradingDate, regime.regime),
      settings: this.signalSettings,
    };
  }

  /** Turns the policy's answer into the bar's commands and decision record (the hard gates are checked here again). */
  answer(q: PolicyQuestion, d: PolicyDecision): BarOutcome {
    const { ctx, base } = q;
    const commands: EngineCommand[] = [];
    const held = ctx.position !== null || ctx.hasPendingEntry;
    if (d.kind === 'hold') {
      const action = held ? 'hold' : 'none';
      return { commands, decision: d instanceof LazyReason ? new LazyDecision(base, action, d.code, d) : decisionOf(base, action, d.code, d.reason) };
    }
    if (d.kind === 'flat') {
      if (ctx.position) {
        commands.push({ kind: 'flatten', symbol: this.o.instrument.symbol, reason: 'policy_exit', detail: `${d.code}: ${d.reason}` });
        return { commands, decision: decisionOf(base, 'flatten', d.code, d.reason) };
      }
      if (ctx.hasPendingEntry && this.pendingIntent) {
        commands.push({ kind: 'cancel_entry', intentId: this.pendingIntent, reason: d.reason });
        return { commands, decision: decisionOf(base, 'cancel', d.code, d.reason) };
      }
      return { commands, decision: decisionOf(base, 'none', d.code, d.reason) };
    }
    if (held)
      return {
        commands,
        decision: decisionOf(base, 'hold', 'POLICY_REFUSED', 'an entry was asked for while a position or entry is open'),
      };
    if (ctx.tradingState !== TradingState.ACTIVE)
      return { commands, decision: decisionOf(base, 'none', ctx.tradingState, `trading state ${ctx.tradingState}`) };
    const verdict = ctx.filters();
    if (!verdict.allowEntry) return { commands, decision: decisionOf(base, 'none', verdict.code, verdict.reason) };
    return this.enter(ctx, d.signal, verdict, base, commands);
  }

  private enter(ctx: PolicyContext, signal: TradeSignal, verdict: FilterVerdict, base: DecisionBase, commands: EngineCommand[]): BarOutcome {
    const decisionMs = ctx.decisionMs;
    const regime = ctx.regimeInfo;
    const tradingDate = ctx.tradingDate;
    const tick = this.o.instrument.tickSize;
    const stopTicks = signal.stopTicks;
    const targetTicks = Math.max(1, Math.round(Math.abs(signal.targetPrice - signal.entryPrice) / tick));
    const res = this.o.risk.reserveEntry({
      tsMs: decisionMs,
      symbol: this.o.instrument.symbol,
      side: signal.side,
      stopTicks,
      baseSize: signal.size,
      regime: regime.regime,
      regimeConfidence: regime.confidence,
      vixMultiplier: verdict.vixMultiplier,
      newsMultiplier: verdict.newsMultiplier,
    });
    if (!('id' in res)) return { commands, decision: decisionOf(base, 'none', res.code, `${signal.reason}; denied: ${res.detail}`) };
    const intentId = this.nextIntentId(tradingDate, decisionMs);
    this.intents.set(intentId, { reservationId: res.id, tradingDate, regime: regime.regime, reason: signal.reason });
    this.pendingIntent = intentId;
    commands.push({
      kind: 'submit_bracket',
      order: {
        intentId,
        customTag: `txbot-${intentId}`,
        symbol: this.o.instrument.symbol,
        side: signal.side,
        qty: res.qty,
        entryType: signal.entryType,
        limitPrice: signal.entryType === 'limit' ? signal.entryPrice : undefined,
        stopTicks,
        targetTicks,
        decidedAtMs: decisionMs,
        expiresAtMs: signal.entryType === 'limit' ? decisionMs + this.o.config.entries.limit_entry_bars * this.barMs : undefined,
      },
    });
    return {
      commands,
      decision: decisionOf(base, 'enter', signal.reasonCode, `${signal.reason}; ${signal.side} ${res.qty} stop ${stopTicks}t target ${targetTicks}t`),
    };
  }

  /** Applies an execution report; returns the completed trade when a position closed. */
  onExecution(ev: ExecutionEvent, commands: EngineCommand[] = []): TradeRecord | null {
    const intent = this.intents.get(ev.intentId);
    const risk = this.o.risk;
    const symbol = this.o.instrument.symbol;
    switch (ev.kind) {
      case 'entry_filled': {
        this.pendingIntent = null;
        this.openIntent = ev.intentId;
        if (intent) {
          risk.commit(intent.reservationId);
          this.counter.record(intent.tradingDate, intent.regime);
          intent.entry = { tsMs: ev.tsMs, price: ev.price, commissionUsd: ev.commissionUsd, qty: ev.qty, side: ev.side === 'buy' ? 'long' : 'short' };
        }
        for (const e of risk.onFill({ tsMs: ev.tsMs, symbol, side: ev.side, qty: ev.qty, price: ev.price, commissionUsd: ev.commissionUsd }))
          this.onRisk(e, commands);
        return null;
      }
      case 'exit_filled': {
        this.openIntent = null;
        for (const e of risk.onFill({ tsMs: ev.tsMs, symbol, side: ev.side, qty: ev.qty, price: ev.price, commissionUsd: ev.commissionUsd }))
          this.onRisk(e, commands);
        this.intents.delete(ev.intentId);
        if (!intent?.entry) return null;
        const en = intent.entry;
        const sign = en.side === 'long' ? 1 : -1;
        const gross = (ev.price - en.price) * sign * ev.qty * this.pv;
        const comm = en.commissionUsd + ev.commissionUsd;
        return {
          intentId: ev.intentId,
          symbol,
          side: en.side,
          qty: ev.qty,
          entryTsMs: en.tsMs,
          entryPrice: en.price,
          exitTsMs: ev.tsMs,
          exitPrice: ev.price,
          grossPnlUsd: gross,
          commissionUsd: comm,
          netPnlUsd: gross - comm,
          regime: intent.regime,
          entryReason: intent.reason,
          exitReason: ev.reason,
        };
      }
      case 'entry_cancelled':
      case 'entry_rejected':
        if (this.pendingIntent === ev.intentId) this.pendingIntent = null;
        if (intent) risk.release(intent.reservationId);
        this.intents.delete(ev.intentId);
        return null;
    }
  }

  /**
   * Price at which the open position would take the account to the MLL floor or the daily loss limit
   * (for the simulated broker's liquidation on the bar path); null when flat.
   */
  liquidationLevel(position: BrokerPosition | null): LiquidationLevel | null {
    if (!position) return null;
    const snap = this.o.risk.snapshot();
    const exitCommission = this.o.instrument.commissionPerSideUsd * position.qty;
    const mllRoom = snap.balanceUsd - snap.mllFloorUsd - exitCommission;
    const dll = this.o.config.risk.daily_loss_limit;
    const dayRoom = dll === null ? Number.POSITIVE_INFINITY : dll + snap.realizedTodayUsd - exitCommission;
    const room = Math.min(mllRoom, dayRoom);
    const dist = room / (position.qty * this.pv);
    const rule = mllRoom <= dayRoom ? 'MAX_LOSS_LIMIT' : 'DAILY_LOSS_LIMIT';
    return { price: position.side === 'long' ? position.entryPrice - dist : position.entryPrice + dist, rule };
  }

  /** Applies risk events from outside a bar (kill switch): a FLATTEN becomes a flatten command. */
  applyRiskEvents(events: readonly RiskEvent[], commands: EngineCommand[]): void {
    for (const e of events) this.onRisk(e, commands);
  }

  /** The next intent id (see TradingEngineOptions.intentIds). */
  private nextIntentId(tradingDate: string, decisionMs: number): string {
    const prefix = this.o.idPrefix ?? 'e';
    if (this.o.intentIds !== 'bar') return `${prefix}-${this.nextId++}`;
    const last = this.lastIntentBar;
    const n = last.decisionMs === decisionMs ? last.count + 1 : 1;
    this.lastIntentBar = { decisionMs, count: n };
    return `${prefix}${tradingDate.replaceAll('-', '')}-${this.o.instrument.symbol}-${Math.floor(decisionMs / 1000).toString(36)}-${n}`;
  }

  private onRisk(ev: RiskEvent, commands: EngineCommand[]): void {
    this.o.onRiskEvent?.(ev);
    if (ev.kind === 'FLATTEN' && !commands.some((c) => c.kind === 'flatten')) {
      commands.push({ kind: 'flatten', symbol: this.o.instrument.symbol, reason: exitReasonOf(ev.code), detail: `${ev.code}: ${ev.detail}` });
    }
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** The probabilities rounded to 4 decimals (a plain array, as `probs.map(round4)` gave). */
function round4All(xs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) out.push(round4(xs[i]!));
  return out;
}

/** The exit reason a risk flatten is reported with. */
export function exitReasonOf(code: RiskCode): ExitReason {
  if (code === 'FLAT_TIME') return 'session_end';
  if (code === 'KILL_SWITCH') return 'kill_switch';
  return 'risk_liquidation';
}
