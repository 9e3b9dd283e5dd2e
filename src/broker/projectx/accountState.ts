// The client's view of one account, fed by user-hub events and REST snapshots: orders, positions and
// trades with duplicate and out-of-order events detected, and bracket legs tracked by parentOrderId.

import {
  EventAction,
  OrderStatus,
  TERMINAL_ORDER_STATUSES,
  type PxAccount,
  type PxOrder,
  type PxPosition,
  type PxTrade,
  type PxUserEvent,
} from './types.ts';

/** What applying an event did. */
export type ApplyResult = 'applied' | 'duplicate' | 'stale';

/** A REST reconciliation snapshot (positions and open orders are complete; orders/trades cover a window). */
export interface AccountSnapshot {
  readonly account: PxAccount | null;
  readonly positions: readonly PxPosition[];
  readonly openOrders: readonly PxOrder[];
  readonly recentOrders: readonly PxOrder[];
  readonly recentTrades: readonly PxTrade[];
}

function versionOf(o: PxOrder): number {
  return o.updateTsMs ?? o.creationTsMs;
}

function sameOrder(a: PxOrder, b: PxOrder): boolean {
  return (
    a.status === b.status &&
    a.fillVolume === b.fillVolume &&
    versionOf(a) === versionOf(b) &&
    a.limitPrice === b.limitPrice &&
    a.stopPrice === b.stopPrice &&
    a.size === b.size
  );
}

/** In-memory account state; pure (no I/O, no clock). */
export class ProjectXAccountState {
  account: PxAccount | null = null;
  readonly orders = new Map<number, PxOrder>();
  /** Open positions by contract id. */
  readonly positions = new Map<string, PxPosition>();
  readonly trades = new Map<number, PxTrade>();

  applyAccount(ev: PxUserEvent<PxAccount>): ApplyResult {
    this.account = ev.data;
    return 'applied';
  }

  /**
   * Applies an order event. Stale: older than what we hold (by updateTimestamp), a terminal order going back
   * to working, or fewer contracts filled. Duplicate: the same version again. Stream-only fields
   * (parentOrderId, linkedOrderId) are kept when a later REST copy lacks them.
   */
  applyOrder(ev: PxUserEvent<PxOrder>): ApplyResult {
    return this.mergeOrder(ev.data);
  }

  private mergeOrder(o: PxOrder): ApplyResult {
    const cur = this.orders.get(o.id);
    if (cur) {
      if (sameOrder(cur, o)) return 'duplicate';
      if (versionOf(o) < versionOf(cur)) return 'stale';
      if (TERMINAL_ORDER_STATUSES.has(cur.status) && !TERMINAL_ORDER_STATUSES.has(o.status)) return 'stale';
      if (o.fillVolume < cur.fillVolume) return 'stale';
    }
    this.orders.set(
      o.id,
      cur ? { ...o, parentOrderId: o.parentOrderId ?? cur.parentOrderId, linkedOrderId: o.linkedOrderId ?? cur.linkedOrderId } : o,
    );
    return 'applied';
  }

  /** Applies a position event; action 2 or size 0 closes it. */
  applyPosition(ev: PxUserEvent<PxPosition>): ApplyResult {
    const p = ev.data;
    const cur = this.positions.get(p.contractId);
    if (ev.action === EventAction.Delete || p.size === 0) {
      if (!cur) return 'duplicate';
      this.positions.delete(p.contractId);
      return 'applied';
    }
    if (cur && cur.size === p.size && cur.type === p.type && cur.averagePrice === p.averagePrice && cur.id === p.id) return 'duplicate';
    this.positions.set(p.contractId, p);
    return 'applied';
  }

  applyTrade(ev: PxUserEvent<PxTrade>): ApplyResult {
    if (this.trades.has(ev.data.id)) return 'duplicate';
    this.trades.set(ev.data.id, ev.data);
    return 'applied';
  }

  /**
   * Reconciles with REST after a gap: positions replaced, orders and trades merged. An order we think is
   * working but REST lists neither as open nor in the window keeps its state; suspended legs (status 8)
   * are invisible to REST and kept as they are, except when their entry ended without a fill.
   */
  applySnapshot(s: AccountSnapshot): void {
    if (s.account) this.account = s.account;
    this.positions.clear();
    for (const p of s.positions) if (p.size > 0) this.positions.set(p.contractId, p);
    for (const o of s.recentOrders) this.mergeOrder(o);
    for (const o of s.openOrders) this.mergeOrder(o);
    for (const t of s.recentTrades) this.trades.set(t.id, t);
    for (const leg of this.orders.values()) {
      if (leg.status !== OrderStatus.Suspended || leg.parentOrderId === null) continue;
      const parent = this.orders.get(leg.parentOrderId);
      if (parent && TERMINAL_ORDER_STATUSES.has(parent.status) && parent.status !== OrderStatus.Filled)
        this.orders.set(leg.id, { ...leg, status: OrderStatus.Cancelled });
    }
  }

  /** Bracket legs of an entry order. */
  legsOf(entryOrderId: number): PxOrder[] {
    return [...this.orders.values()].filter((o) => o.parentOrderId === entryOrderId);
  }

  /** Legs still alive (working or suspended) whose entry has filled: what must go when the position is flat. */
  orphanLegs(contractId: string): PxOrder[] {
    return [...this.orders.values()].filter((o) => {
      if (o.contractId !== contractId || o.parentOrderId === null) return false;
      if (o.status !== OrderStatus.Open && o.status !== OrderStatus.Suspended) return false;
      return this.orders.get(o.parentOrderId)?.status === OrderStatus.Filled;
    });
  }

  /** Orders whose status is working (1 Open, 6 Pending) or suspended (8). */
  workingOrders(): PxOrder[] {
    return [...this.orders.values()].filter(
      (o) => o.status === OrderStatus.Open || o.status === OrderStatus.Pending || o.status === OrderStatus.Suspended,
    );
  }
}
