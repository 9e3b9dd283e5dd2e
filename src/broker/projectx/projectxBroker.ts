// Live broker over the ProjectX Gateway: entries with native server-side brackets placed once per intent
// (customTag lookup on an unanswered place, a duplicate-tag refusal adopted), fills and leg exits read from
// the user hub's account sync, every resync compared with txbot's view (alert on each disagreement), an
// unresolved place resolved later by its tag or timed out, and flatten = close the contract (retried, then
// a market order) and cancel every leg.

import type { Logger } from 'pino';
import {
  roundToTick,
  type Bar,
  type Side,
  type BracketOrderRequest,
  type BrokerPosition,
  type ExecutionEvent,
  type ExitReason,
  type SubmitOutcome,
} from '../../domain/index.ts';
import type { BrokerPort } from '../../engine/index.ts';
import { ProjectXError } from './errors.ts';
import { TAG_LOOKUP_MARGIN_MS, findOrderByCustomTag, flattenContract, placeBracketEntry } from './http/orders.ts';
import type { ProjectXClient } from './http/client.ts';
import type { ProjectXAccountSync } from './realtime/accountSync.ts';
import { OrderSideCode, OrderStatus, OrderType, PositionType, type PxOrder, type PxTrade } from './types.ts';

/** A disagreement between txbot's view and the venue's, or a failure that needs a human (alerted). */
export interface VenueAlert {
  readonly code: 'VENUE_DISAGREEMENT' | 'FLATTEN_FAILED';
  readonly title: string;
  readonly text: string;
  readonly tsMs: number;
}

export interface ProjectXBrokerOptions {
  readonly client: ProjectXClient;
  readonly sync: ProjectXAccountSync;
  readonly accountId: number;
  readonly contractId: string;
  readonly symbol: string;
  readonly tickSize: number;
  readonly logger: Logger;
  /** Told about every disagreement with the venue and every flatten that needed more than closeContract. */
  readonly onAlert?: (a: VenueAlert) => void;
  /** Venue ms an unresolved place is looked up by its customTag before it counts as never placed (default 120 000). */
  readonly unresolvedTimeoutMs?: number;
  /** closeContract attempts before a market order closes the position (default 3). */
  readonly closeAttempts?: number;
  /** Hub-clock ms between closeContract attempts (default 1 000, doubling). */
  readonly closeRetryDelayMs?: number;
}

interface Working {
  readonly order: BracketOrderRequest;
  /** null while the place is unresolved (no answer and no order found by its tag yet). */
  orderId: number | null;
  filledQty: number;
  notional: number;
  feesUsd: number;
  lastTsMs: number;
  /** Venue time the place went unresolved (NaN when the id is known). */
  unresolvedSinceMs: number;
}

interface Open {
  readonly pos: BrokerPosition;
  /** Entry order id (its legs carry it as parentOrderId); null for an adopted position. */
  readonly entryOrderId: number | null;
  exitQty: number;
  exitNotional: number;
  exitFeesUsd: number;
  /** The venue's realized P&L of the exit fills (Trade.profitAndLoss), summed. */
  exitVenuePnlUsd: number;
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
  /** A place call is in flight (its position may show before its answer: not a stranger's position). */
  private placing = false;
  /** Trades seen before we knew which order they belong to, in arrival order. */
  private early: PxTrade[] = [];
  private readonly offs: (() => void)[] = [];
  /** Trade ids already handled (hub events and REST resyncs report the same trades). */
  private readonly seen = new Set<number>();
  /** Protective stops placed at restart (no parentOrderId): cancelled once the position is gone. */
  private readonly protectiveStops = new Set<number>();
  /** Disagreements found so far (tests and status). */
  disagreements = 0;
  /** Whether resyncs are compared with txbot's view (off until start-up reconciliation adopted what is open). */
  private venueChecks = true;

  constructor(options: ProjectXBrokerOptions) {
    this.o = options;
    for (const id of options.sync.state.trades.keys()) this.seen.add(id);
    this.offs.push(
      options.sync.events.on('trade', ({ trade, result }) => {
        if (result === 'applied') this.emit(this.onTrade(trade));
      }),
    );
    // Hubs do not replay a gap: trades the REST resync found are handled here, oldest first, then the
    // venue's positions are compared with ours.
    this.offs.push(
      options.sync.events.on('resynced', () => {
        const missed = [...options.sync.state.trades.values()]
          .filter((t) => !this.seen.has(t.id))
          .sort((a, b) => a.creationTsMs - b.creationTsMs || a.id - b.id);
        const events = missed.flatMap((t) => this.onTrade(t));
        const w = this.working;
        const entry = w && w.orderId !== null ? options.sync.state.orders.get(w.orderId) : undefined;
        if (entry) events.push(...this.onOrder(entry));
        this.emit(events);
        void this.compareWithVenue().catch((e: unknown) => this.o.logger.warn({ err: String(e) }, 'venue comparison failed'));
      }),
    );
    this.offs.push(
      options.sync.events.on('order', ({ order }) => {
        if (order.contractId === options.contractId) this.emit(this.onOrder(order));
      }),
    );
    this.offs.push(
      options.sync.events.on('position', ({ position, closed }) => {
        if (position.contractId === options.contractId && closed) void this.cancelProtectiveStops();
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
  adopt(pos: BrokerPosition, entryOrderId: number | null, protectiveStopId: number | null = null): void {
    this.open = { pos, entryOrderId, exitQty: 0, exitNotional: 0, exitFeesUsd: 0, exitVenuePnlUsd: 0 };
    if (protectiveStopId !== null) this.protectiveStops.add(protectiveStopId);
  }

  /** Turns the comparison of every resync with txbot's view on or off (off during start-up reconciliation). */
  setVenueChecks(on: boolean): void {
    this.venueChecks = on;
  }

  /** Venue fills stream in through the account sync; a bar close resolves an unresolved place (by its tag). */
  async onBar(_bar: Bar): Promise<readonly ExecutionEvent[]> {
    return this.resolveUnresolved();
  }

  async submitBracket(order: BracketOrderRequest): Promise<SubmitOutcome> {
    const { client, accountId, contractId } = this.o;
    let orderId: number;
    this.placing = true;
    try {
      const placed = await placeBracketEntry(
        client,
        {
          accountId,
          contractId,
          side: order.side,
          entryType: order.entryType,
          size: order.qty,
          customTag: order.customTag,
          stopTicks: order.stopTicks,
          targetTicks: order.targetTicks,
          limitPrice: order.limitPrice,
        },
        // The lookup window is on the market clock (the decision time), never the local wall clock.
        { sinceMs: order.decidedAtMs - TAG_LOOKUP_MARGIN_MS },
      );
      orderId = placed.orderId;
    } catch (e) {
      if (e instanceof ProjectXError && !e.retryable && e.code !== 'PROJECTX_ORDER_UNRESOLVED') {
        return {
          brokerOrderId: null,
          events: [{ kind: 'entry_rejected', intentId: order.intentId, tsMs: order.decidedAtMs, reason: `${e.code}: ${e.message}` }],
        };
      }
      // Unresolved (no answer, not found yet, or the lookup itself failed): it may exist at the venue. It
      // stays pending and is looked up by its tag on every bar and resync until found or timed out.
      const msg = e instanceof Error ? e.message : String(e);
      this.working = {
        order,
        orderId: null,
        filledQty: 0,
        notional: 0,
        feesUsd: 0,
        lastTsMs: order.decidedAtMs,
        unresolvedSinceMs: this.o.sync.venueNowMs(),
      };
      this.o.logger.warn({ intentId: order.intentId, err: msg }, 'entry place unresolved; looking it up by customTag until found or timed out');
      return { brokerOrderId: null, events: [] };
    } finally {
      this.placing = false;
    }
    return { brokerOrderId: String(orderId), events: this.bind(order, orderId) };
  }

  /** The entry's order id is known: starts tracking it and replays what the hub already showed of it. */
  private bind(order: BracketOrderRequest, orderId: number): ExecutionEvent[] {
    const prev = this.working;
    this.working = {
      order,
      orderId,
      filledQty: prev?.filledQty ?? 0,
      notional: prev?.notional ?? 0,
      feesUsd: prev?.feesUsd ?? 0,
      lastTsMs: prev?.lastTsMs ?? order.decidedAtMs,
      unresolvedSinceMs: Number.NaN,
    };
    const events: ExecutionEvent[] = [];
    // Trades of this order the sync holds but we have not handled (the hub was faster than the answer).
    const mine = [...this.o.sync.state.trades.values()].filter((t) => t.orderId === orderId && !this.seen.has(t.id));
    for (const t of mine) this.early.push(t);
    events.push(...this.replayEarly());
    const known = this.o.sync.state.orders.get(orderId);
    if (known) events.push(...this.onOrder(known));
    return events;
  }

  /** Handles the parked trades again (oldest first): the entry's first, then its legs' exits. */
  private replayEarly(): ExecutionEvent[] {
    const parked = this.early.sort((a, b) => a.creationTsMs - b.creationTsMs || a.id - b.id);
    this.early = [];
    const events: ExecutionEvent[] = [];
    for (const t of parked) {
      this.seen.delete(t.id);
      events.push(...this.onTrade(t));
    }
    return events;
  }

  /** Looks an unresolved place up by its tag; found → tracked, past the timeout → rejected. */
  private async resolveUnresolved(): Promise<ExecutionEvent[]> {
    const w = this.working;
    if (!w || w.orderId !== null) return [];
    let found: PxOrder | null;
    try {
      found = await findOrderByCustomTag(this.o.client, this.o.accountId, w.order.customTag, w.order.decidedAtMs - TAG_LOOKUP_MARGIN_MS);
    } catch (e) {
      this.o.logger.warn({ intentId: w.order.intentId, err: String(e) }, 'customTag lookup failed; retried later');
      return [];
    }
    if (this.working !== w) return [];
    if (found) {
      this.o.logger.warn({ intentId: w.order.intentId, orderId: found.id }, 'unresolved entry found by customTag; adopted');
      return this.bind(w.order, found.id);
    }
    const now = this.o.sync.venueNowMs();
    if (now - w.unresolvedSinceMs < (this.o.unresolvedTimeoutMs ?? 120_000)) return [];
    this.working = null;
    return [
      {
        kind: 'entry_rejected',
        intentId: w.order.intentId,
        tsMs: now,
        reason: `no answer to Order/place and no order with customTag ${w.order.customTag} at the venue after ${Math.round((now - w.unresolvedSinceMs) / 1000)} s`,
      },
    ];
  }

  async cancelEntry(intentId: string, tsMs: number, reason: string): Promise<ExecutionEvent[]> {
    const w = this.working;
    if (!w || w.order.intentId !== intentId) return [];
    if (w.orderId === null) return this.resolveUnresolved();
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
    await this.closeRobustly([...legs, ...this.protectiveStops], tsMs);
    this.protectiveStops.clear();
    if (this.working && this.working.filledQty === 0 && this.working.orderId !== null) {
      events.push({ kind: 'entry_cancelled', intentId: this.working.order.intentId, tsMs, reason });
      this.working = null;
    }
    return events;
  }

  /**
   * closeContract + cancel legs, retried `closeAttempts` times; then a market order against the venue's
   * position (cancelling the legs again); then an alert and the error (the venue's own liquidation is all
   * that is left).
   */
  private async closeRobustly(legIds: readonly number[], tsMs: number): Promise<void> {
    const { client, accountId, contractId } = this.o;
    const attempts = this.o.closeAttempts ?? 3;
    let delay = this.o.closeRetryDelayMs ?? 1000;
    let last: unknown = null;
    for (let i = 1; i <= attempts; i++) {
      try {
        await flattenContract(client, accountId, contractId, legIds);
        return;
      } catch (e) {
        last = e;
        this.o.logger.warn({ attempt: i, err: String(e) }, 'flatten failed; retrying');
        if (i < attempts) await client.clock.sleep(delay);
        delay *= 2;
      }
    }
    try {
      const pos = (await client.searchOpenPositions(accountId)).find((p) => p.contractId === contractId && p.size > 0);
      if (pos) {
        await client.placeOrder({
          accountId,
          contractId,
          type: OrderType.Market,
          side: pos.type === PositionType.Long ? OrderSideCode.Ask : OrderSideCode.Bid,
          size: pos.size,
          customTag: `txbot-close-${pos.id}-${tsMs}`,
        });
      }
      for (const id of legIds) await cancelQuietly(client, accountId, id);
      this.alert(
        'FLATTEN_FAILED',
        'closeContract failed: closed by a market order',
        `${attempts} closeContract attempt(s) failed (${String(last)}); market order sent`,
      );
    } catch (e) {
      this.alert(
        'FLATTEN_FAILED',
        'Flatten failed: position may be open',
        `closeContract failed ${attempts} time(s) and the market order failed too: ${String(e)}`,
      );
      throw e;
    }
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

  private alert(code: VenueAlert['code'], title: string, text: string): void {
    if (code === 'VENUE_DISAGREEMENT') this.disagreements++;
    this.o.logger.warn({ code, text }, title);
    this.o.onAlert?.({ code, title, text, tsMs: this.o.sync.venueNowMs() });
  }

  /**
   * After a resync: the venue's position and open orders against ours. Venue flat while we hold a
   * position whose exit we never saw → the trades since its entry are read again (Trade/search) and, if
   * still none, it is closed here at its entry price (P&L unknown, alerted). A venue position we know
   * nothing about → flattened. Each case is alerted.
   */
  async compareWithVenue(): Promise<void> {
    if (this.placing || !this.venueChecks) return;
    const state = this.o.sync.state;
    let venue = state.positions.get(this.o.contractId) ?? null;
    const op = this.open;
    const disagrees = () => (op !== null && venue === null) || (op === null && this.working === null && venue !== null);
    if (!disagrees()) {
      if (op && venue && venue.size !== op.pos.qty)
        this.alert('VENUE_DISAGREEMENT', 'Position size differs', `venue ${venue.size}, txbot ${op.pos.qty} (${op.pos.intentId})`);
      if (!op && !this.working) await this.cancelProtectiveStops();
      return;
    }
    // The snapshot may be older than the stream (an entry or exit that arrived meanwhile): confirm with a
    // fresh read, and act only if nothing changed on our side in between.
    const fresh = (await this.o.client.searchOpenPositions(this.o.accountId)).find((p) => p.contractId === this.o.contractId && p.size > 0) ?? null;
    if (this.open !== op || this.placing) return;
    venue = fresh;
    if (!disagrees()) return;
    if (op && !venue) {
      this.alert(
        'VENUE_DISAGREEMENT',
        'Venue flat, txbot held a position',
        `${op.pos.side} ${op.pos.qty} @ ${op.pos.entryPrice} (${op.pos.intentId}); reading trades since its entry`,
      );
      const trades = await this.o.client.searchTrades(this.o.accountId, op.pos.entryTsMs - TAG_LOOKUP_MARGIN_MS);
      const events: ExecutionEvent[] = [];
      for (const t of trades.sort((a, b) => a.creationTsMs - b.creationTsMs || a.id - b.id))
        if (!this.seen.has(t.id)) events.push(...this.onTrade(t));
      if (this.open === op) {
        this.open = null;
        this.alert(
          'VENUE_DISAGREEMENT',
          'Exit not found at the venue',
          `${op.pos.intentId} closed at its entry price: the venue shows no exit trade (P&L unknown)`,
        );
        events.push({
          kind: 'exit_filled',
          intentId: op.pos.intentId,
          tsMs: this.o.sync.venueNowMs(),
          side: exitSideOf(op.pos.side),
          qty: op.pos.qty,
          price: op.pos.entryPrice,
          commissionUsd: 0,
          reason: 'flatten',
        });
      }
      this.emit(events);
      await this.cancelProtectiveStops();
      return;
    }
    if (!op && !this.working && venue) {
      this.alert(
        'VENUE_DISAGREEMENT',
        'Unknown position at the venue',
        `${PositionType[venue.type]} ${venue.size} @ ${venue.averagePrice} not held by txbot; flattened`,
      );
      await this.closeRobustly(
        state
          .workingOrders()
          .filter((o) => o.contractId === this.o.contractId)
          .map((o) => o.id),
        this.o.sync.venueNowMs(),
      );
      return;
    }
  }

  private async cancelProtectiveStops(): Promise<void> {
    if (this.open || this.protectiveStops.size === 0) return;
    for (const id of [...this.protectiveStops]) {
      await cancelQuietly(this.o.client, this.o.accountId, id).catch((e: unknown) =>
        this.o.logger.warn({ orderId: id, err: String(e) }, 'protective stop not cancelled'),
      );
      this.protectiveStops.delete(id);
      this.o.logger.info({ orderId: id }, 'protective stop of a closed position cancelled');
    }
  }

  private onTrade(t: PxTrade): ExecutionEvent[] {
    if (t.contractId !== this.o.contractId || t.voided || this.seen.has(t.id)) return [];
    this.seen.add(t.id);
    const w = this.working;
    if (w && w.orderId !== null && t.orderId === w.orderId) {
      w.filledQty += t.size;
      w.notional += t.price * t.size;
      w.feesUsd += t.feesUsd;
      w.lastTsMs = t.creationTsMs;
      if (w.filledQty < w.order.qty) {
        // A partial fill whose rest the venue cancelled: what filled is the position.
        const o = this.o.sync.state.orders.get(w.orderId);
        if (!(o && (o.status === OrderStatus.Cancelled || o.status === OrderStatus.Expired))) return [];
      }
      return [this.entered(w), ...this.replayEarly()];
    }
    const op = this.open;
    // An exit of this position happens after its entry; an older parked trade belongs to something else.
    if (op && sideOf(t.side) === exitSideOf(op.pos.side) && t.creationTsMs >= op.pos.entryTsMs) {
      op.exitQty += t.size;
      op.exitNotional += t.price * t.size;
      op.exitFeesUsd += t.feesUsd;
      op.exitVenuePnlUsd += t.profitAndLossUsd ?? 0;
      if (op.exitQty < op.pos.qty) return [];
      this.open = null;
      const reason = this.exitReason(t.orderId);
      this.flattenReason = null;
      void this.cancelProtectiveStops();
      return [
        {
          kind: 'exit_filled',
          intentId: op.pos.intentId,
          tsMs: t.creationTsMs,
          side: exitSideOf(op.pos.side),
          qty: op.pos.qty,
          price: op.exitNotional / op.exitQty,
          commissionUsd: op.exitFeesUsd,
          reason,
        },
      ];
    }
    // Not (yet) ours to place: the entry's answer or the position may still be on its way.
    this.early.push(t);
    if (this.early.length > 1000) this.early.shift();
    return [];
  }

  private entered(w: Working): ExecutionEvent {
    const tick = this.o.tickSize;
    // The average of the fills, unrounded (several fills at different prices: the venue's P&L uses it);
    // the bracket prices are measured from it and rounded to the tick.
    const price = w.notional / w.filledQty;
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
      exitVenuePnlUsd: 0,
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
    if (!w || w.orderId === null || order.id !== w.orderId) return [];
    if (w.filledQty > 0) {
      // Partly filled and the rest cancelled: the filled part is the position.
      if ((order.status === OrderStatus.Cancelled || order.status === OrderStatus.Expired) && w.filledQty < w.order.qty)
        return [this.entered(w), ...this.replayEarly()];
      return [];
    }
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
    if (o && this.protectiveStops.has(o.id)) return 'stop';
    return this.flattenReason ?? 'flatten';
  }
}

async function cancelQuietly(client: ProjectXClient, accountId: number, orderId: number): Promise<void> {
  try {
    await client.cancelOrder(accountId, orderId);
  } catch (e) {
    if (!(e instanceof ProjectXError) || e.code !== 'PROJECTX_REJECTED') throw e;
  }
}
