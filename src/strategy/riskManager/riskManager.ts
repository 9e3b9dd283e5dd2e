// Account-level Topstep risk manager: gates and sizes every entry (exits are never gated), tracks P&L, MLL, daily limits, flat time, states.
//
// State machine (TradingState): ACTIVE → REDUCING (flat time, daily profit target; back to ACTIVE next
// trading day) → HALTED (daily loss limit: until the next trading day; MLL breach: permanent). In
// REDUCING and HALTED no entry passes; flattenRequired tells the engine to close what is open. Every change is returned as a StateChangedEvent.
// One instance serves every instrument of the account: reserveEntry() holds contracts and stop risk
// synchronously, so concurrent async order flows cannot double-spend the remaining risk.

import { TradingState, sessionInfo, MINUTE_MS, type Instrument } from '../../domain/index.ts';
import { AccountBook, type PositionState } from './account.ts';
import { breachesDailyLoss, dailyLossRoomUsd, reachedProfitTarget } from './dailyLimits.ts';
import { contractsAvailable, contractUnits } from './exposure.ts';
import { isAfterFlatTime } from './flatTime.ts';
import { breachesMll, mllFloor } from './mll.ts';
import { computeFinalSize, stopLossUsdPerContract, type SizingResult } from './sizing.ts';
import type { EntryRequest, Reservation, RiskCode, RiskDenied, RiskEvent, RiskFill, RiskSettings } from './types.ts';

/** Balances to resume from (live restart); defaults: a fresh account at the starting balance. */
export interface RiskInitialState {
  readonly balanceUsd?: number;
  readonly highestEodBalanceUsd?: number;
  /**
   * P&L already realized today (net), included in `balanceUsd`: a session taking over mid-day (another
   * machine traded earlier) resumes the daily loss limit where it stood. Default 0.
   */
  readonly realizedTodayUsd?: number;
  /** Trades already closed today (with realizedTodayUsd). Default 0. */
  readonly tradesToday?: number;
}

/** Everything the engine, journal and dashboard need to show the risk state. */
export interface RiskSnapshot {
  readonly state: TradingState;
  readonly stateCode: RiskCode | null;
  readonly tradingDate: string | null;
  readonly balanceUsd: number;
  readonly equityUsd: number;
  readonly dayPnlUsd: number;
  readonly realizedTodayUsd: number;
  readonly highestEodBalanceUsd: number;
  readonly mllFloorUsd: number;
  readonly tradesToday: number;
  readonly consecutiveLosses: number;
  readonly cooldownUntilMs: number | null;
  readonly reservedRiskUsd: number;
  readonly usedContractUnits: number;
  /** Positions are open while HALTED or after the flat time: the engine must close them. */
  readonly mustFlatten: boolean;
  readonly positions: readonly PositionState[];
}

const deny = (code: RiskCode, detail: string): RiskDenied => ({ code, detail });
const usd = (x: number): string => x.toFixed(2);

/** Topstep rules for one account; see the file header for the state machine. */
export class RiskManager {
  private readonly book: AccountBook;
  private state_ = TradingState.ACTIVE;
  private stateCode_: RiskCode | null = null;
  private mllBreached = false;
  private dayStartBalance: number;
  private highestEod: number;
  private realizedToday = 0;
  private tradesToday = 0;
  private consecutiveLosses = 0;
  private cooldownUntil: number | null = null;
  private tradingDate: string | null = null;
  private dayClosed = false;
  private nextId = 1;
  private readonly reservations = new Map<string, Reservation>();
  private readonly history: RiskEvent[] = [];
  private outbox: RiskEvent[] = [];
  private flatTimeFlattenSent = false;

  constructor(
    private readonly settings: RiskSettings,
    instruments: readonly Instrument[],
    initial: RiskInitialState = {},
  ) {
    this.book = new AccountBook(new Map(instruments.map((i) => [i.symbol, i])));
    this.realizedToday = initial.realizedTodayUsd ?? 0;
    this.tradesToday = initial.tradesToday ?? 0;
    this.dayStartBalance = (initial.balanceUsd ?? settings.accountSizeUsd) - this.realizedToday;
    this.highestEod = Math.max(initial.highestEodBalanceUsd ?? this.dayStartBalance, this.dayStartBalance);
  }

  get state(): TradingState {
    return this.state_;
  }

  /** Positions must be closed now: HALTED, or past the flat time (the engine flattens what the broker holds). */
  get flattenRequired(): boolean {
    return this.state_ === TradingState.HALTED || this.stateCode_ === 'FLAT_TIME' || this.flatTimeFlattenSent;
  }

  /** Why the state is not ACTIVE (null when ACTIVE). */
  get stateCode(): RiskCode | null {
    return this.stateCode_;
  }

  /** Every event returned so far, oldest first. */
  get events(): readonly RiskEvent[] {
    return this.history;
  }

  /** Balance plus unrealized P&L at the last marks (cheap; no snapshot object). */
  get equityUsd(): number {
    return this.equity();
  }

  /** Realized balance: the day's starting balance plus today's realized P&L net of commissions. */
  get balanceUsd(): number {
    return this.dayStartBalance + this.realizedToday;
  }

  /** Current MLL floor (fixed during the day). */
  get mllFloorUsd(): number {
    return mllFloor(this.settings.accountSizeUsd, this.settings.maxLossLimitUsd, this.highestEod);
  }

  /** MLL floor once the trading day ends at `balanceUsd` (the trail then includes that end-of-day balance). */
  floorAfterDayEnd(balanceUsd: number): number {
    return mllFloor(this.settings.accountSizeUsd, this.settings.maxLossLimitUsd, Math.max(this.highestEod, balanceUsd));
  }

  /** The personal daily loss limit (USD), null when none. */
  get dailyLossLimitUsd(): number | null {
    return this.settings.dailyLossLimitUsd;
  }

  snapshot(): RiskSnapshot {
    const equity = this.equity();
    return {
      state: this.state_,
      stateCode: this.stateCode_,
      tradingDate: this.tradingDate,
      balanceUsd: this.dayStartBalance + this.realizedToday,
      equityUsd: equity,
      dayPnlUsd: equity - this.dayStartBalance,
      realizedTodayUsd: this.realizedToday,
      highestEodBalanceUsd: this.highestEod,
      mllFloorUsd: this.mllFloorUsd,
      tradesToday: this.tradesToday,
      consecutiveLosses: this.consecutiveLosses,
      cooldownUntilMs: this.cooldownUntil,
      reservedRiskUsd: this.reservedRisk(),
      usedContractUnits: this.usedUnits(),
      positions: this.book.positions(),
      mustFlatten: this.book.positions().length > 0 && this.flattenRequired,
    };
  }

  // ---- COMMANDS ------------------------------------------------------------------------------

  /**
   * Sizes an entry (computeFinalSize with the contract cap and the risk room) and reserves its
   * contracts, stop risk and a trade slot. Returns the reservation, or a denial value. One entry
   * per instrument at a time: denied with POSITION_OPEN while the symbol has a position or a
   * pending reservation (other instruments of the account may reserve concurrently).
   */
  reserveEntry(req: EntryRequest): Reservation | RiskDenied {
    this.advance(req.tsMs);
    const sized = this.sizeEntry(req);
    if ('code' in sized) return sized;
    const { sizing, perContract } = sized;
    const r: Reservation = {
      id: `r${this.nextId++}`,
      symbol: req.symbol,
      side: req.side,
      qty: sizing.size,
      riskUsd: sizing.size * perContract,
      formulaSize: sizing.formulaSize,
      cappedBy: sizing.cappedBy,
    };
    this.reservations.set(r.id, r);
    return r;
  }

  /**
   * The size reserveEntry would give `req` now, without reserving anything (the RL environment masks the
   * entries it would refuse). Call after the bar's markToMarket (the state is not advanced here).
   */
  previewEntry(req: EntryRequest): { readonly qty: number } | RiskDenied {
    const sized = this.sizeEntry(req);
    return 'code' in sized ? sized : { qty: sized.sizing.size };
  }

  private sizeEntry(
    req: EntryRequest,
  ): { sizing: Omit<SizingResult, 'cappedBy'> & { readonly cappedBy: Reservation['cappedBy'] }; perContract: number } | RiskDenied {
    const inst = this.book.instrument(req.symbol);
    if (!inst) return deny('UNKNOWN_INSTRUMENT', `symbol=${req.symbol}`);
    if (!(req.stopTicks > 0)) return deny('INVALID_ORDER', `stop_ticks=${req.stopTicks} expected > 0`);
    const gate = this.entryGate(req.tsMs);
    if (gate) return gate;
    // one position per instrument: the stop-risk model assumes each symbol's position has one stop
    const held = this.book.qtyOf(req.symbol);
    const pending = [...this.reservations.values()].filter((x) => x.symbol === req.symbol).length;
    if (held !== 0 || pending > 0) return deny('POSITION_OPEN', `symbol=${req.symbol} position=${held} pending_entries=${pending}`);
    const perContract = stopLossUsdPerContract(req.stopTicks, inst, this.settings.stopSlippageTicks);
    const sizing = computeFinalSize(
      {
        ...req,
        caps: {
          contractsAvailable: contractsAvailable(inst, this.usedUnits(), this.settings.maxContractsMinis),
          perContractRiskUsd: perContract,
          riskRoomUsd: this.riskRoomUsd(),
        },
      },
      this.settings,
    );
    if (sizing.formulaSize === 0) return deny('SIZE_ZERO', sizing.detail);
    if (sizing.size === 0) return deny(sizing.cappedBy === 'MAX_CONTRACTS' ? 'MAX_CONTRACTS' : 'RISK_BUDGET', sizing.detail);
    const bucket = this.bucketCap(inst, perContract);
    if (bucket && bucket.max < sizing.size) {
      const detail = `${sizing.detail} capped to ${bucket.max} by ${bucket.detail}`;
      if (bucket.max === 0) return deny('CORRELATION_BUCKET', detail);
      return { sizing: { ...sizing, size: bucket.max, cappedBy: 'CORRELATION_BUCKET', detail }, perContract };
    }
    return { sizing, perContract };
  }

  /**
   * Contracts of `inst` the correlation bucket still takes (its open and reserved positions' remaining stop
   * risk and units against its caps), or null when off or `inst` is outside it. Entries of one bar reserve in
   * turn, so two correlated instruments never both pass on the same room.
   */
  private bucketCap(inst: Instrument, perContract: number): { max: number; detail: string } | null {
    const b = this.settings.correlationBucket;
    if (!b || !b.symbols.includes(inst.symbol)) return null;
    const members = new Set(b.symbols);
    let units = this.book.usedUnits(members);
    let risk = this.book.remainingRiskUsd(members);
    for (const x of this.reservations.values()) {
      if (!members.has(x.symbol)) continue;
      const xi = this.book.instrument(x.symbol);
      if (xi) units += x.qty * contractUnits(xi);
      risk += x.riskUsd;
    }
    let max = Number.MAX_SAFE_INTEGER;
    const parts = [`correlation bucket ${b.symbols.join(',')}`];
    if (b.maxUnits !== null) {
      max = Math.min(max, Math.max(0, Math.floor((b.maxUnits - units) / contractUnits(inst))));
      parts.push(`units=${units}/${b.maxUnits}`);
    }
    if (b.maxStopRiskUsd !== null) {
      // at most the budget (a budget, not a breach level): q × perContract <= room
      max = Math.min(max, Math.max(0, Math.floor((b.maxStopRiskUsd - risk) / perContract + 1e-9)));
      parts.push(`stop_risk=${usd(risk)}/${usd(b.maxStopRiskUsd)} per_contract=${usd(perContract)}`);
    }
    return { max, detail: parts.join(' ') };
  }

  /** The entry of a reservation was filled: counts the trade and attaches its stop risk to the position. */
  commit(reservationId: string): boolean {
    const r = this.reservations.get(reservationId);
    if (!r) return false;
    this.reservations.delete(reservationId);
    this.tradesToday++;
    this.book.addRisk(r.symbol, r.riskUsd);
    return true;
  }

  /** The entry was rejected or cancelled: frees its contracts, risk and trade slot. */
  release(reservationId: string): boolean {
    return this.reservations.delete(reservationId);
  }

  /**
   * Kill switch: HALTED with code KILL_SWITCH (an MLL breach keeps its permanent code) and a flatten
   * request for every position and working entry. Clears at the next trading day like a daily halt.
   */
  halt(code: 'KILL_SWITCH', detail: string, tsMs: number): RiskEvent[] {
    this.advance(tsMs);
    if (!this.mllBreached) this.transition(TradingState.HALTED, code, detail, tsMs);
    this.flatten(code, detail, tsMs);
    return this.drainEvents();
  }

  // ---- PRE-TRADE CHECKS ----------------------------------------------------------------------

  /** Rules every new exposure must pass, in this order: HALTED, flat time, REDUCING, trades per day, cooldown. */
  private entryGate(tsMs: number): RiskDenied | null {
    if (this.state_ === TradingState.HALTED) return deny('HALTED', `state=HALTED reason=${this.stateCode_}`);
    if (isAfterFlatTime(tsMs, this.settings)) return deny('FLAT_TIME', `flat_time=${this.settings.flatTime} ${this.settings.flatTimeZone}`);
    if (this.state_ === TradingState.REDUCING) return deny('REDUCING', `state=REDUCING reason=${this.stateCode_}`);
    const pending = this.reservations.size;
    if (this.tradesToday + pending >= this.settings.maxTradesPerDay)
      return deny('MAX_TRADES_PER_DAY', `trades=${this.tradesToday} pending=${pending} max=${this.settings.maxTradesPerDay}`);
    if (this.cooldownUntil !== null && tsMs < this.cooldownUntil)
      return deny('COOLDOWN', `until_ms=${this.cooldownUntil} after ${this.settings.cooldownAfterLosses} consecutive losses`);
    return null;
  }

  // ---- ACCOUNT UPDATES -----------------------------------------------------------------------

  /** Applies a fill (realized P&L net of commission, round-trip result for the cooldown) and re-checks limits. */
  onFill(fill: RiskFill): RiskEvent[] {
    this.advance(fill.tsMs);
    const eff = this.book.applyFill(fill);
    this.realizedToday += eff.realizedUsd;
    if (eff.closedTripPnlUsd !== null) {
      if (eff.closedTripPnlUsd < 0) {
        this.consecutiveLosses++;
        if (this.consecutiveLosses >= this.settings.cooldownAfterLosses) {
          this.cooldownUntil = fill.tsMs + this.settings.cooldownMinutes * MINUTE_MS;
          this.consecutiveLosses = 0;
        }
      } else {
        this.consecutiveLosses = 0;
      }
    }
    this.checkLimits(fill.tsMs);
    return this.drainEvents();
  }

  /** Marks a symbol's position at `price` (unrealized P&L) and checks MLL, daily limits and flat time. */
  markToMarket(symbol: string, price: number, tsMs: number): RiskEvent[] {
    this.advance(tsMs);
    this.book.mark(symbol, price);
    this.checkLimits(tsMs);
    return this.drainEvents();
  }

  /**
   * Advances the clock: rolls the trading day (CME trade date, 18:00 ET) with an implicit end of day
   * when onTradingDayEnd was not called, and enforces the flat time.
   */
  onTime(tsMs: number): RiskEvent[] {
    this.advance(tsMs);
    return this.drainEvents();
  }

  /** Events produced since the last drain (also by reserveEntry), oldest first; empties the outbox. */
  drainEvents(): RiskEvent[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  private advance(tsMs: number): void {
    const date = sessionInfo(tsMs).tradingDate;
    if (this.tradingDate !== null && date !== this.tradingDate) {
      if (!this.dayClosed) this.closeDay(this.equity(), tsMs);
      this.dayClosed = false;
    }
    this.tradingDate = date;
    if (isAfterFlatTime(tsMs, this.settings) && !this.dayClosed) {
      const detail = `flat_time=${this.settings.flatTime} ${this.settings.flatTimeZone}`;
      if (this.state_ === TradingState.ACTIVE) this.transition(TradingState.REDUCING, 'FLAT_TIME', detail, tsMs);
      if (!this.flatTimeFlattenSent && this.book.positions().length > 0) {
        this.flatTimeFlattenSent = true;
        this.flatten('FLAT_TIME', detail, tsMs);
      }
    }
  }

  /**
   * End of the trading day with the end-of-day balance (the broker's, or the internal one when
   * omitted): the MLL trails the highest EOD balance, day counters reset, day halts and REDUCING clear.
   */
  onTradingDayEnd(tsMs: number, balanceUsd?: number): RiskEvent[] {
    this.advance(tsMs);
    if (!this.dayClosed) {
      this.closeDay(balanceUsd ?? this.equity(), tsMs);
      this.dayClosed = true;
    }
    return this.drainEvents();
  }

  // ---- internals -----------------------------------------------------------------------------

  private closeDay(balance: number, tsMs: number): void {
    this.highestEod = Math.max(this.highestEod, balance);
    this.dayStartBalance = balance;
    this.realizedToday = 0;
    this.tradesToday = 0;
    this.consecutiveLosses = 0;
    this.cooldownUntil = null;
    this.flatTimeFlattenSent = false;
    this.book.clearFlatRisk();
    if (this.state_ !== TradingState.ACTIVE && !this.mllBreached)
      this.transition(TradingState.ACTIVE, 'NEW_TRADING_DAY', `balance=${usd(balance)} mll_floor=${usd(this.mllFloorUsd)}`, tsMs);
  }

  private checkLimits(tsMs: number): void {
    const equity = this.equity();
    const floor = this.mllFloorUsd;
    const dayPnl = equity - this.dayStartBalance;
    if (!this.mllBreached && breachesMll(equity, floor)) {
      this.mllBreached = true;
      const detail = `equity=${usd(equity)} floor=${usd(floor)}`;
      // emitted even when already HALTED for the day: the reason changes to a permanent one
      this.transition(TradingState.HALTED, 'MLL_BREACH', detail, tsMs);
      this.flatten('MLL_BREACH', detail, tsMs);
    } else if (this.state_ !== TradingState.HALTED && breachesDailyLoss(dayPnl, this.settings)) {
      const detail = `pnl=${usd(dayPnl)} limit=-${this.settings.dailyLossLimitUsd}`;
      this.transition(TradingState.HALTED, 'DAILY_LOSS_LIMIT', detail, tsMs);
      this.flatten('DAILY_LOSS_LIMIT', detail, tsMs);
    } else if (this.state_ === TradingState.ACTIVE && reachedProfitTarget(this.realizedToday, this.settings)) {
      this.transition(
        TradingState.REDUCING,
        'DAILY_PROFIT_TARGET',
        `realized=${usd(this.realizedToday)} target=${this.settings.dailyProfitTargetUsd}`,
        tsMs,
      );
    }
  }

  private transition(to: TradingState, code: RiskCode, detail: string, tsMs: number): void {
    this.emit({ kind: 'STATE_CHANGED', tsMs, from: this.state_, to, code, detail });
    this.state_ = to;
    this.stateCode_ = to === TradingState.ACTIVE ? null : code;
  }

  private flatten(code: RiskCode, detail: string, tsMs: number): void {
    this.emit({ kind: 'FLATTEN', tsMs, code, detail, symbols: this.book.positions().map((p) => p.symbol) });
  }

  private emit(ev: RiskEvent): void {
    this.history.push(ev);
    this.outbox.push(ev);
  }

  private equity(): number {
    return this.dayStartBalance + this.realizedToday + this.book.unrealizedUsd();
  }

  private reservedRisk(): number {
    let r = 0;
    for (const x of this.reservations.values()) r += x.riskUsd;
    return r;
  }

  private usedUnits(): number {
    let u = this.book.usedUnits();
    for (const x of this.reservations.values()) {
      const inst = this.book.instrument(x.symbol);
      if (inst) u += x.qty * contractUnits(inst);
    }
    return u;
  }

  /** min(daily room, MLL room) minus stop risk already committed or reserved. */
  private riskRoomUsd(): number {
    const equity = this.equity();
    const held = this.book.remainingRiskUsd() + this.reservedRisk();
    const daily = dailyLossRoomUsd(equity - this.dayStartBalance, this.settings);
    const mll = equity - this.mllFloorUsd;
    return Math.min(daily, mll) - held;
  }
}
