// Simulated broker for backtests and paper trading: fills entries and OCO brackets on bars.
//
// Fill assumptions (each has a test in test/broker/sim):
// 1. Decisions are taken at a bar's close; orders reach the market from the next bar on.
// 2. A market entry fills at the next bar's open plus `slippageTicks` against us.
// 3. A limit entry fills only if the price trades through it (strictly beyond the limit); at the
//    open if the bar opens beyond it, else at the limit. Unfilled limits expire at `expiresAtMs`.
// 4. The bracket (stop + target) is one OCO placed at tick distances from the fill price.
//    Inside a bar the path is open→high→low→close, or open→low→high→close when the open is nearer
//    the low. A stop triggers when touched and fills at the stop minus slippage; a target (limit)
//    fills at its price only when traded through. A bar that reaches both counts the stop.
// 5. A gap through the stop (or target) fills at the open (stop: minus slippage).
// 6. Commission is charged per contract per side on every fill.
// 7. Forced exits (session end, kill switch, risk) fill at the given price minus slippage; a flatten
//    without a price (NaN: a follow-up right after a fill) does nothing, the engine asks again next bar.
// 8. A risk liquidation level (MLL floor / daily limit) reached on the path liquidates there.

import {
  roundToTick,
  type Bar,
  type Instrument,
  type OrderSide,
  type Side,
  type BracketOrderRequest,
  type BrokerPosition,
  type ExecutionEvent,
  type ExitReason,
  type LiquidationLevel,
  type SubmitOutcome,
} from '../../domain/index.ts';
import type { BrokerPort } from '../../engine/index.ts';
import { barPath, firstReach, priceAt } from './barPath.ts';

export interface SimBrokerOptions {
  readonly instrument: Instrument;
  readonly slippageTicks: number;
}

/** Shared empty result (never mutated). */
const NO_EVENTS: readonly ExecutionEvent[] = Object.freeze([]);

const entrySide = (s: Side): OrderSide => (s === 'long' ? 'buy' : 'sell');
const exitSide = (s: Side): OrderSide => (s === 'long' ? 'sell' : 'buy');

/** The simulated broker of backtests, paper trading and replays (BrokerPort, synchronous). */
export class SimBroker implements BrokerPort {
  readonly name = 'sim';
  private readonly inst: Instrument;
  private readonly slip: number;
  private pending: BracketOrderRequest | null = null;
  private pos: BrokerPosition | null = null;
  private liquidation: LiquidationLevel | null = null;

  constructor(options: SimBrokerOptions) {
    this.inst = options.instrument;
    this.slip = options.slippageTicks * options.instrument.tickSize;
  }

  /** The open position, or null when flat. */
  get position(): BrokerPosition | null {
    return this.pos;
  }

  /** The working (unfilled) entry, or null. */
  get pendingEntry(): BracketOrderRequest | null {
    return this.pending;
  }

  get hasPendingEntry(): boolean {
    return this.pending !== null;
  }

  /** Places an entry with its bracket; it can fill from the next bar processed. */
  submitBracket(order: BracketOrderRequest): SubmitOutcome {
    const reject = (reason: string): SubmitOutcome => ({
      brokerOrderId: null,
      events: [{ kind: 'entry_rejected', intentId: order.intentId, tsMs: order.decidedAtMs, reason }],
    });
    if (this.pos || this.pending) return reject('an entry or position is already open');
    if (!(order.qty > 0) || !(order.stopTicks > 0) || !(order.targetTicks > 0)) {
      return reject(`invalid order qty=${order.qty} stopTicks=${order.stopTicks} targetTicks=${order.targetTicks}`);
    }
    this.pending = order;
    return { brokerOrderId: `sim-${order.intentId}`, events: NO_EVENTS };
  }

  /** Cancels the working entry if it has this id. */
  cancelEntry(intentId: string, tsMs: number, reason: string): readonly ExecutionEvent[] {
    if (this.pending?.intentId !== intentId) return NO_EVENTS;
    this.pending = null;
    return [{ kind: 'entry_cancelled', intentId, tsMs, reason }];
  }

  /** Sets (or clears) the risk liquidation level of the open position. */
  setLiquidationLevel(level: LiquidationLevel | null): void {
    this.liquidation = level;
  }

  /** Closes the position at `price` minus slippage and cancels a working entry; NaN price: nothing. */
  flatten(price: number, tsMs: number, reason: ExitReason): readonly ExecutionEvent[] {
    if (Number.isNaN(price)) return NO_EVENTS;
    const out: ExecutionEvent[] = [];
    if (this.pending) {
      out.push({ kind: 'entry_cancelled', intentId: this.pending.intentId, tsMs, reason });
      this.pending = null;
    }
    if (this.pos) out.push(this.exit(this.adverse(price, exitSide(this.pos.side)), tsMs, reason));
    return out;
  }

  /** Processes one bar: expiry, entry fill, then bracket/liquidation exits along the bar path. */
  onBar(bar: Bar): readonly ExecutionEvent[] {
    if (!this.pending && !this.pos) return NO_EVENTS;
    const events: ExecutionEvent[] = [];
    const path = barPath(bar);
    let from = 0;
    if (this.pending) {
      const p = this.pending;
      if (p.expiresAtMs !== undefined && bar.tsMs >= p.expiresAtMs) {
        events.push({ kind: 'entry_cancelled', intentId: p.intentId, tsMs: bar.tsMs, reason: 'limit entry expired unfilled' });
        this.pending = null;
      } else {
        const fill = this.entryFill(p, path);
        if (fill) {
          from = fill.distance;
          events.push(this.enter(p, fill.price, bar.tsMs));
        }
      }
    }
    if (this.pos) {
      const exit = this.bracketExit(this.pos, path, from);
      if (exit) events.push(this.exit(exit.price, bar.tsMs, exit.reason));
    }
    return events;
  }

  setEventSink(): void {
    // Simulated executions happen only inside calls.
  }

  close(): void {}

  private adverse(price: number, side: OrderSide): number {
    return side === 'buy' ? price + this.slip : price - this.slip;
  }

  private entryFill(p: BracketOrderRequest, path: readonly number[]): { price: number; distance: number } | null {
    if (p.entryType === 'market') return { price: this.adverse(path[0]!, entrySide(p.side)), distance: 0 };
    const limit = p.limitPrice!;
    const d = firstReach(path, limit, p.side === 'long' ? 'downThrough' : 'upThrough');
    if (!Number.isFinite(d)) return null;
    return { price: d === 0 ? path[0]! : limit, distance: d };
  }

  private enter(p: BracketOrderRequest, price: number, tsMs: number): ExecutionEvent {
    const tick = this.inst.tickSize;
    const sign = p.side === 'long' ? 1 : -1;
    const fill = roundToTick(price, tick);
    this.pos = {
      intentId: p.intentId,
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryPrice: fill,
      entryTsMs: tsMs,
      stopPrice: roundToTick(fill - sign * p.stopTicks * tick, tick),
      targetPrice: roundToTick(fill + sign * p.targetTicks * tick, tick),
    };
    this.pending = null;
    return {
      kind: 'entry_filled',
      intentId: p.intentId,
      tsMs,
      side: entrySide(p.side),
      qty: p.qty,
      price: fill,
      commissionUsd: this.inst.commissionPerSideUsd * p.qty,
      stopPrice: this.pos.stopPrice,
      targetPrice: this.pos.targetPrice,
    };
  }

  private bracketExit(pos: BrokerPosition, path: readonly number[], from: number): { price: number; reason: ExitReason } | null {
    const long = pos.side === 'long';
    const dStop = firstReach(path, pos.stopPrice, long ? 'down' : 'up', from);
    const dTarget = firstReach(path, pos.targetPrice, long ? 'upThrough' : 'downThrough', from);
    const liq = this.liquidation;
    const dLiq = liq ? firstReach(path, liq.price, long ? 'down' : 'up', from) : Number.POSITIVE_INFINITY;
    const worse = (a: number, b: number) => (long ? Math.min(a, b) : Math.max(a, b));
    if (dLiq < dStop && Number.isFinite(dLiq)) {
      return { price: this.adverse(worse(priceAt(path, dLiq), liq!.price), exitSide(pos.side)), reason: 'risk_liquidation' };
    }
    // A bar that reaches both stop and target counts the stop.
    if (Number.isFinite(dStop)) {
      return { price: this.adverse(worse(priceAt(path, dStop), pos.stopPrice), exitSide(pos.side)), reason: 'stop' };
    }
    if (Number.isFinite(dTarget)) {
      const at = priceAt(path, dTarget);
      return { price: long ? Math.max(at, pos.targetPrice) : Math.min(at, pos.targetPrice), reason: 'target' };
    }
    return null;
  }

  private exit(price: number, tsMs: number, reason: ExitReason): ExecutionEvent {
    const pos = this.pos!;
    this.pos = null;
    this.liquidation = null;
    return {
      kind: 'exit_filled',
      intentId: pos.intentId,
      tsMs,
      side: exitSide(pos.side),
      qty: pos.qty,
      price: roundToTick(price, this.inst.tickSize),
      commissionUsd: this.inst.commissionPerSideUsd * pos.qty,
      reason,
    };
  }
}
