// Live broker over the ProjectX Gateway: entries with native server-side brackets placed once per intent
// (customTag lookup on an unanswered place), fills and leg exits read from the user hub's account sync,
// flatten = close the contract and cancel every leg.

import type { Logger } from 'pino';
import type { Bar } from '../../domain/bar.ts';
import { roundToTick } from '../../domain/instrument.ts';
import type { Side } from '../../domain/trading.ts';
import type { BracketOrderRequest, BrokerPosition, ExecutionEvent, ExitReason, SubmitOutcome } from '../../domain/orders.ts';
import type { BrokerPort } from '../../engine/brokerPort.ts';
import { ProjectXError } from './errors.ts';
import { flattenContract, placeBracketEntry } from './http/orders.ts';
import type { ProjectXClient } from './http/client.ts';
import type { ProjectXAccountSync } from './realtime/accountSync.ts';
import { OrderSideCode, OrderStatus, OrderType, type PxOrder, type PxTrade } from './types.ts';

export interface ProjectXBrokerOptions {
  readonly client: ProjectXClient;
  readonly sync: ProjectXAccountSync;
  readonly accountId: number;
  readonly contractId: string;
  readonly symbol: string;
  readonly tickSize: number;
  readonly logger: Logger;
}

interface Working {
  readonly order: BracketOrderRequest;
  readonly orderId: number;
  filledQty: number;
  notional: number;
  feesUsd: number;
  lastTsMs: number;
}

interface Open {
  readonly pos: BrokerPosition;
  /** Entry order id (its legs carry it as parentOrderId); null for an adopted position. */
  readonly entryOrderId: number | null;
  exitQty: number;
  exitNotional: number;
  exitFeesUsd: number;
}

const sideOf = (code: OrderSideCode): 'buy' | 'sell' => (code === OrderSideCode.Bid ? 'buy' : 'sell');
const exitSideOf = (s: Side): 'buy' | 'sell' => (s === 'long' ? 'sell' : 'buy');

/** BrokerPort on ProjectX; executions arrive from the user hub through the event sink. */
export class ProjectXBroker implements BrokerPort {
  readonly name = 'projectx';
  private readonly o: ProjectXBrokerOptions;
  private sink: (events: readonly ExecutionEvent[]) => void = () => undefined;
  private working: Working | null = null;
  private open: Open | null = null;
  private flattenReason: ExitReason | null = null;
  /** Trades seen before the place response told us their order id. */
  private readonly early = new Map<number, PxTrade[]>();
  private readonly offs: (() => void)[] = [];
  /** Trade ids already handled (hub events and REST resyncs report the same trades). */
  private readonly seen = new Set<number>();

  constructor(options: ProjectXBrokerOptions) {
    this.o = options;
    for (const id of options.sync.state.trades.keys()) this.seen.add(id);
    this.offs.push(
      options.sync.events.on('trade', ({ trade, result }) => {
        if (result === 'applied') this.emit(this.onTrade(trade));
      }),
    );
    // Hubs do not replay a gap: trades the REST resync found are handled here, oldest first.
    this.offs.push(
      options.sync.events.on('resynced', () => {
        const missed = [...options.sync.state.trades.values()]
          .filter((t) => !this.seen.has(t.id))
          .sort((a, b) => a.creationTsMs - b.creationTsMs || a.id - b.id);
        const events = missed.flatMap((t) => this.onTrade(t));
        const w = this.working;
        const entry = w ? options.sync.state.orders.get(w.orderId) : undefined;
        if (entry) events.push(...this.onOrder(entry));
        this.emit(events);
      }),
    );
    this.offs.push(
      options.sync.events.on('order', ({ order }) => {
        if (order.contractId === options.contractId) this.emit(this.onOrder(order));
      }),
    );
  }

  get position(): BrokerPosition | null {
    return this.open?.pos ?? null;
  }

  get hasPendingEntry(): boolean {
    return this.working !== null;
  }

  /** The entry order id of the working entry or open position (journal/reconcile). */
  get entryOrderId(): number | null {
    return this.working?.orderId ?? this.open?.entryOrderId ?? null;
  }

  /** Takes over a position found at start-up (reconciliation); its exits are reported as usual. */
  adopt(pos: BrokerPosition, entryOrderId: number | null): void {
    this.open = { pos, entryOrderId, exitQty: 0, exitNotional: 0, exitFeesUsd: 0 };
  }

  /** Venue fills stream in through the account sync; a bar close causes none. */
  onBar(_bar: Bar): readonly ExecutionEvent[] {
    return [];
  }

  async submitBracket(order: BracketOrderRequest): Promise<SubmitOutcome> {
    const { client, accountId, contractId } = this.o;
    let orderId: number;
    try {
      const placed = await placeBracketEntry(client, {
        accountId,
        contractId,
        side: order.side,
        entryType: order.entryType,
        size: order.qty,
        customTag: order.customTag,
        stopTicks: order.stopTicks,
        targetTicks: order.targetTicks,
        limitPrice: order.limitPrice,
      });
      orderId = placed.orderId;
    } catch (e) {
      if (e instanceof ProjectXError && !e.retryable) {
        return {
          brokerOrderId: null,
          events: [{ kind: 'entry_rejected', intentId: order.intentId, tsMs: order.decidedAtMs, reason: `${e.code}: ${e.message}` }],
        };
      }
      throw e;
    }
    this.working = { order, orderId, filledQty: 0, notional: 0, feesUsd: 0, lastTsMs: order.decidedAtMs };
    const events: ExecutionEvent[] = [];
    for (const t of this.early.get(orderId) ?? []) {
      this.seen.delete(t.id);
      events.push(...this.onTrade(t));
    }
    this.early.delete(orderId);
    const known = this.o.sync.state.orders.get(orderId);
    if (known) events.push(...this.onOrder(known));
    return { brokerOrderId: String(orderId), events };
  }

  async cancelEntry(intentId: string, tsMs: number, reason: string): Promise<ExecutionEvent[]> {
    const w = this.working;
    if (!w || w.order.intentId !== intentId) return [];
    try {
      await this.o.client.cancelOrder(this.o.accountId, w.orderId);
    } catch (e) {
      // Filled meanwhile: the fill arrives through the hub.
      if (e instanceof ProjectXError && e.code === 'PROJECTX_REJECTED') return [];
      throw e;
    }
    // The venue's order update may have reported the cancel already (while the call was in flight).
    if (this.working !== w) return [];
    this.working = null;
    return [{ kind: 'entry_cancelled', intentId, tsMs, reason }];
  }

  async flatten(_refPrice: number, tsMs: number, reason: ExitReason): Promise<ExecutionEvent[]> {
    const events: ExecutionEvent[] = [];
    const legs = this.open?.entryOrderId ? this.o.sync.state.legsOf(this.open.entryOrderId).map((l) => l.id) : [];
    this.flattenReason = reason;
    await flattenContract(this.o.client, this.o.accountId, this.o.contractId, legs);
    if (this.working && this.working.filledQty === 0) {
      events.push({ kind: 'entry_cancelled', intentId: this.working.order.intentId, tsMs, reason });
      this.working = null;
    }
    return events;
  }

  setLiquidationLevel(): void {
    // The venue enforces its own liquidation; the risk manager flattens on its marks.
  }

  setEventSink(sink: (events: readonly ExecutionEvent[]) => void): void {
    this.sink = sink;
  }

  async close(): Promise<void> {
    for (const off of this.offs) off();
  }

  private emit(events: ExecutionEvent[]): void {
    if (events.length) this.sink(events);
  }

  private onTrade(t: PxTrade): ExecutionEvent[] {
    if (t.contractId !== this.o.contractId || t.voided || this.seen.has(t.id)) return [];
    this.seen.add(t.id);
    const w = this.working;
    if (w && t.orderId === w.orderId) {
      w.filledQty += t.size;
      w.notional += t.price * t.size;
      w.feesUsd += t.feesUsd;
      w.lastTsMs = t.creationTsMs;
      if (w.filledQty < w.order.qty) return [];
      return [this.entered(w)];
    }
    const op = this.open;
    if (op && sideOf(t.side) === exitSideOf(op.pos.side)) {
      op.exitQty += t.size;
      op.exitNotional += t.price * t.size;
      op.exitFeesUsd += t.feesUsd;
      if (op.exitQty < op.pos.qty) return [];
      this.open = null;
      const reason = this.exitReason(t.orderId);
      this.flattenReason = null;
      return [
        {
          kind: 'exit_filled',
          intentId: op.pos.intentId,
          tsMs: t.creationTsMs,
          side: exitSideOf(op.pos.side),
          qty: op.pos.qty,
          price: roundToTick(op.exitNotional / op.exitQty, this.o.tickSize),
          commissionUsd: op.exitFeesUsd,
          reason,
        },
      ];
    }
    if (!w && !op) this.early.set(t.orderId, [...(this.early.get(t.orderId) ?? []), t]);
    return [];
  }

  private entered(w: Working): ExecutionEvent {
    const tick = this.o.tickSize;
    const price = roundToTick(w.notional / w.filledQty, tick);
    const sign = w.order.side === 'long' ? 1 : -1;
    const stopPrice = roundToTick(price - sign * w.order.stopTicks * tick, tick);
    const targetPrice = roundToTick(price + sign * w.order.targetTicks * tick, tick);
    this.working = null;
    this.open = {
      pos: {
        intentId: w.order.intentId,
        symbol: this.o.symbol,
        side: w.order.side,
        qty: w.filledQty,
        entryPrice: price,
        entryTsMs: w.lastTsMs,
        stopPrice,
        targetPrice,
      },
      entryOrderId: w.orderId,
      exitQty: 0,
      exitNotional: 0,
      exitFeesUsd: 0,
    };
    return {
      kind: 'entry_filled',
      intentId: w.order.intentId,
      tsMs: w.lastTsMs,
      side: w.order.side === 'long' ? 'buy' : 'sell',
      qty: w.filledQty,
      price,
      commissionUsd: w.feesUsd,
      stopPrice,
      targetPrice,
    };
  }

  private onOrder(order: PxOrder): ExecutionEvent[] {
    const w = this.working;
    if (!w || order.id !== w.orderId || w.filledQty > 0) return [];
    if (order.status === OrderStatus.Cancelled || order.status === OrderStatus.Expired) {
      this.working = null;
      return [
        {
          kind: 'entry_cancelled',
          intentId: w.order.intentId,
          tsMs: order.updateTsMs ?? order.creationTsMs,
          reason: `order ${order.id} ${OrderStatus[order.status]}`,
        },
      ];
    }
    if (order.status === OrderStatus.Rejected) {
      this.working = null;
      return [
        {
          kind: 'entry_rejected',
          intentId: w.order.intentId,
          tsMs: order.updateTsMs ?? order.creationTsMs,
          reason: `order ${order.id} rejected by the venue`,
        },
      ];
    }
    return [];
  }

  private exitReason(orderId: number): ExitReason {
    const o = this.o.sync.state.orders.get(orderId);
    if (o && o.parentOrderId !== null && this.flattenReason === null) return o.type === OrderType.Stop ? 'stop' : 'target';
    if (o?.customTag?.endsWith('-SL')) return 'stop';
    if (o?.customTag?.endsWith('-TP')) return 'target';
    return this.flattenReason ?? 'flatten';
  }
}
