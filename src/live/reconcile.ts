// Start-up reconciliation of a live account: the broker's REST view (open positions, working and recent
// orders) is the truth; every journaled intent with an open outcome is resolved by its customTag before
// anything new is sent, a round trip that entered and exited while txbot was down is journaled from
// Trade/search (the venue's prices, fees and P&L), and a position without a working stop gets a protective
// stop (cancelled by the broker once the position is gone) or is flattened. Each difference is logged and
// journaled.

import type { Logger } from 'pino';
import { isOpenIntent, type IntentRecord, type Journal } from '../state/index.ts';
import { roundToTick, type RegimeLabel, type ExecutionEvent } from '../domain/index.ts';
import {
  OrderSideCode,
  OrderStatus,
  OrderType,
  PositionType,
  ProjectXError,
  flattenContract,
  type ProjectXClient,
  type PxOrder,
  type PxTrade,
  type ProjectXBroker,
} from '../broker/index.ts';

export interface ReconcileContext {
  readonly client: ProjectXClient;
  readonly accountId: number;
  readonly contractId: string;
  readonly symbol: string;
  /**
   * Which journaled intents this contract's reconciliation takes, by their symbol (default: its own). The
   * session's first contract also takes intents of symbols the session no longer trades (an earlier
   * instrument), so none is left open with its order working at the venue.
   */
  readonly takesIntentOf?: (symbol: string) => boolean;
  readonly journal: Journal;
  readonly broker: ProjectXBroker;
  /** Registers an adopted position with the engine and risk manager (no journal write). */
  readonly adopt: (ev: ExecutionEvent) => Promise<void>;
  readonly nowMs: number;
  /**
   * Stop distance (ticks) of a protective stop for a position found without one, by the regime of its
   * journaled intent (null when unknown); omitted = such a position is flattened instead.
   */
  readonly protectiveStopTicks?: (regime: RegimeLabel | null) => number;
  /** Tick size of the contract (protective stop prices). */
  readonly tickSize?: number;
  /** How far back orders are searched for customTags (default 24 h). */
  readonly lookbackMs?: number;
  readonly logger: Logger;
}

/** One difference found and how it was resolved. */
export interface ReconcileAction {
  readonly code:
    | 'INTENT_NOT_AT_VENUE'
    | 'INTENT_FILLED'
    | 'ROUND_TRIP_WHILE_DOWN'
    | 'INTENT_WORKING_CANCELLED'
    | 'INTENT_CANCELLED'
    | 'INTENT_REJECTED'
    | 'POSITION_ADOPTED'
    | 'POSITION_UNPROTECTED_FLATTENED'
    | 'PROTECTIVE_STOP_PLACED'
    | 'ORPHAN_ORDER_CANCELLED';
  readonly detail: string;
}

const WORKING = new Set([OrderStatus.Open, OrderStatus.Pending, OrderStatus.Suspended]);

/** Reconciles journal and broker; returns what it did (also logged and journaled). */
export async function reconcileLive(c: ReconcileContext): Promise<ReconcileAction[]> {
  const { client, accountId, contractId, journal } = c;
  const actions: ReconcileAction[] = [];
  const act = async (code: ReconcileAction['code'], detail: string) => {
    actions.push({ code, detail });
    c.logger.warn({ code, detail }, 'reconcile');
    await journal.recordEvent({ tsMs: c.nowMs, level: 'warn', component: 'reconcile', message: `${code}: ${detail}` });
  };
  const recent = await client.searchOrders(accountId, c.nowMs - (c.lookbackMs ?? 86_400_000));
  const byTag = new Map(recent.filter((o) => o.customTag).map((o) => [o.customTag!, o]));
  const entryOf = new Map<number, string>();
  const filledWhileDown: { order: PxOrder; intent: IntentRecord }[] = [];

  for (const intent of await journal.openIntents()) {
    // Several instruments on the account: each contract's reconciliation takes its own intents.
    if (!isOpenIntent(intent.status) || !(c.takesIntentOf ?? ((sym) => sym === c.symbol))(intent.symbol)) continue;
    const order = byTag.get(intent.customTag);
    if (!order) {
      await journal.markRejected(intent.intentId, { reason: 'not at the venue after a restart (customTag search): never sent' }, c.nowMs);
      await act('INTENT_NOT_AT_VENUE', `${intent.intentId} (${intent.status}) customTag ${intent.customTag} not found; not resent`);
      continue;
    }
    if (intent.brokerOrderId === null) await journal.recordBrokerOrderId(intent.intentId, String(order.id), c.nowMs);
    if (order.status === OrderStatus.Filled) {
      await journal.recordFill({
        fillId: `${order.id}-entry`,
        orderId: String(order.id),
        intentId: intent.intentId,
        symbol: c.symbol,
        tsMs: order.updateTsMs ?? order.creationTsMs,
        side: order.side === OrderSideCode.Bid ? 'buy' : 'sell',
        qty: order.fillVolume || order.size,
        price: order.filledPrice ?? 0,
        commissionUsd: 0,
      });
      entryOf.set(order.id, intent.intentId);
      filledWhileDown.push({ order, intent });
      await act('INTENT_FILLED', `${intent.intentId} order ${order.id} filled ${order.fillVolume} @ ${order.filledPrice}`);
    } else if (WORKING.has(order.status)) {
      await cancelQuietly(client, accountId, order.id);
      await journal.markCancelled(intent.intentId, c.nowMs);
      await act('INTENT_WORKING_CANCELLED', `${intent.intentId} order ${order.id} was still working; cancelled (the engine decides afresh)`);
    } else if (order.status === OrderStatus.Rejected) {
      await journal.markRejected(intent.intentId, { reason: `order ${order.id} rejected by the venue` }, c.nowMs);
      await act('INTENT_REJECTED', `${intent.intentId} order ${order.id} rejected`);
    } else {
      await journal.markCancelled(intent.intentId, c.nowMs);
      await act('INTENT_CANCELLED', `${intent.intentId} order ${order.id} ${OrderStatus[order.status]}`);
    }
  }

  const position = (await client.searchOpenPositions(accountId)).find((p) => p.contractId === contractId && p.size > 0) ?? null;
  const open = (await client.searchOpenOrders(accountId)).filter((o) => o.contractId === contractId && WORKING.has(o.status));
  if (filledWhileDown.length) {
    const trades = await client.searchTrades(accountId, Math.min(...filledWhileDown.map((f) => f.order.creationTsMs)) - 60_000);
    // Oldest first; the newest entry may be the open position (its exit is not among the trades).
    for (const f of filledWhileDown.sort((a, b) => a.order.creationTsMs - b.order.creationTsMs)) {
      const rt = roundTripOf(f.order, trades, c.contractId, recent);
      if (!rt) continue;
      const { intent, order } = f;
      const long = order.side === OrderSideCode.Bid;
      await journal.recordFill({
        fillId: `${order.id}-exit`,
        orderId: `${order.id}-exit`,
        intentId: null,
        symbol: c.symbol,
        tsMs: rt.exitTsMs,
        side: long ? 'sell' : 'buy',
        qty: rt.qty,
        price: rt.exitPrice,
        commissionUsd: rt.exitFeesUsd,
      });
      await journal.recordTrade({
        tradeId: intent.intentId,
        symbol: c.symbol,
        side: long ? 'long' : 'short',
        qty: rt.qty,
        entryTsMs: rt.entryTsMs,
        exitTsMs: rt.exitTsMs,
        entryPrice: rt.entryPrice,
        exitPrice: rt.exitPrice,
        pnlUsd: rt.pnlUsd - rt.entryFeesUsd - rt.exitFeesUsd,
        commissionUsd: rt.entryFeesUsd + rt.exitFeesUsd,
        regime: intent.regime,
        entryReason: intent.reason,
        exitReason: rt.exitReason,
      });
      await journal.recordPosition({ symbol: c.symbol, tsMs: rt.exitTsMs, qty: 0, avgPrice: 0 });
      await act(
        'ROUND_TRIP_WHILE_DOWN',
        `${intent.intentId} ${long ? 'long' : 'short'} ${rt.qty} @ ${rt.entryPrice} exited ${rt.exitReason} @ ${rt.exitPrice} while txbot was down; journaled from Trade/search (venue P&L ${(rt.pnlUsd - rt.entryFeesUsd - rt.exitFeesUsd).toFixed(2)} USD)`,
      );
    }
  }
  if (!position) {
    for (const o of open) {
      await cancelQuietly(client, accountId, o.id);
      await act('ORPHAN_ORDER_CANCELLED', `order ${o.id} (${OrderType[o.type]}) working while flat; cancelled`);
    }
    return actions;
  }
  const long = position.type === PositionType.Long;
  const exitSide = long ? OrderSideCode.Ask : OrderSideCode.Bid;
  let stop = open.find((o) => o.type === OrderType.Stop && o.side === exitSide && o.stopPrice !== null) ?? null;
  let protectedEntry: { orderId: number; intentId: string } | null = null;
  let protectiveStopId: number | null = null;
  if (!stop && c.protectiveStopTicks && c.tickSize) {
    const entryIntent = [...byTag.values()].find(
      (o) => o.contractId === contractId && o.status === OrderStatus.Filled && o.customTag?.startsWith('txbot-') && !/-(SL|TP)$/.test(o.customTag),
    );
    const regime = entryIntent ? ((await journal.intentByCustomTag(entryIntent.customTag!))?.regime ?? null) : null;
    if (entryIntent)
      protectedEntry = { orderId: entryIntent.id, intentId: entryOf.get(entryIntent.id) ?? entryIntent.customTag!.slice('txbot-'.length) };
    const ticks = c.protectiveStopTicks(regime);
    const stopPrice = roundToTick(position.averagePrice + (long ? -1 : 1) * ticks * c.tickSize, c.tickSize);
    try {
      const id = await client.placeOrder({
        accountId,
        contractId,
        type: OrderType.Stop,
        side: exitSide,
        size: position.size,
        stopPrice,
        customTag: `txbot-protect-${position.id}-${c.nowMs}`,
      });
      stop = (await client.searchOpenOrders(accountId)).find((o) => o.id === id && WORKING.has(o.status)) ?? null;
      if (stop) protectiveStopId = stop.id;
      if (stop)
        await act(
          'PROTECTIVE_STOP_PLACED',
          `${long ? 'long' : 'short'} ${position.size} @ ${position.averagePrice} had no working stop; stop ${stopPrice} (${ticks} ticks, order ${id})`,
        );
    } catch (e) {
      // Refused (e.g. the market is already beyond the stop): the position is flattened below.
      if (!(e instanceof ProjectXError)) throw e;
    }
  }
  if (!stop) {
    await flattenContract(
      client,
      accountId,
      contractId,
      open.map((o) => o.id),
    );
    await journal.recordPosition({ symbol: c.symbol, tsMs: c.nowMs, qty: 0, avgPrice: 0 });
    await act(
      'POSITION_UNPROTECTED_FLATTENED',
      `${long ? 'long' : 'short'} ${position.size} @ ${position.averagePrice} had no working stop; flattened`,
    );
    return actions;
  }
  const target = open.find((o) => o.type === OrderType.Limit && o.side === exitSide) ?? null;
  const entry = findEntry(recent, stop, entryOf) ?? protectedEntry;
  const intentId = entry?.intentId ?? `adopted-${position.id}`;
  const pos = {
    intentId,
    symbol: c.symbol,
    side: long ? ('long' as const) : ('short' as const),
    qty: position.size,
    entryPrice: position.averagePrice,
    entryTsMs: position.creationTsMs,
    stopPrice: stop.stopPrice!,
    targetPrice: target?.limitPrice ?? Number.NaN,
  };
  c.broker.adopt(pos, entry?.orderId ?? stop.parentOrderId, protectiveStopId);
  await c.adopt({
    kind: 'entry_filled',
    intentId,
    tsMs: position.creationTsMs,
    side: long ? 'buy' : 'sell',
    qty: position.size,
    price: position.averagePrice,
    commissionUsd: 0,
    stopPrice: pos.stopPrice,
    targetPrice: pos.targetPrice,
  });
  await journal.recordPosition({ symbol: c.symbol, tsMs: c.nowMs, qty: long ? position.size : -position.size, avgPrice: position.averagePrice });
  await act('POSITION_ADOPTED', `${pos.side} ${pos.qty} @ ${pos.entryPrice} with stop ${pos.stopPrice} (order ${stop.id}) as ${intentId}`);
  return actions;
}

/** The entry fills of `entry` and the exit fills after them that bring the position back to flat, or null. */
function roundTripOf(
  entry: PxOrder,
  trades: readonly PxTrade[],
  contractId: string,
  orders: readonly PxOrder[],
): {
  qty: number;
  entryTsMs: number;
  exitTsMs: number;
  entryPrice: number;
  exitPrice: number;
  pnlUsd: number;
  entryFeesUsd: number;
  exitFeesUsd: number;
  exitReason: string;
} | null {
  const sorted = trades.filter((t) => t.contractId === contractId && !t.voided).sort((a, b) => a.creationTsMs - b.creationTsMs || a.id - b.id);
  const ins = sorted.filter((t) => t.orderId === entry.id);
  if (!ins.length) return null;
  const qty = ins.reduce((a, t) => a + t.size, 0);
  const entryTsMs = ins.at(-1)!.creationTsMs;
  let left = qty;
  const outs: PxTrade[] = [];
  for (const t of sorted) {
    if (left <= 0) break;
    if (t.side === entry.side || t.creationTsMs < ins[0]!.creationTsMs || t.orderId === entry.id) continue;
    outs.push(t);
    left -= t.size;
  }
  if (left > 0) return null;
  const avg = (xs: readonly PxTrade[]) => xs.reduce((a, t) => a + t.price * t.size, 0) / xs.reduce((a, t) => a + t.size, 0);
  const exitOrder = orders.find((o) => o.id === outs.at(-1)!.orderId);
  const exitReason = exitOrder?.customTag?.endsWith('-SL')
    ? 'stop'
    : exitOrder?.customTag?.endsWith('-TP')
      ? 'target'
      : exitOrder?.type === OrderType.Stop
        ? 'stop'
        : 'flatten';
  return {
    qty,
    entryTsMs,
    exitTsMs: outs.at(-1)!.creationTsMs,
    entryPrice: avg(ins),
    exitPrice: avg(outs),
    pnlUsd: outs.reduce((a, t) => a + (t.profitAndLossUsd ?? 0), 0),
    entryFeesUsd: ins.reduce((a, t) => a + t.feesUsd, 0),
    exitFeesUsd: outs.reduce((a, t) => a + t.feesUsd, 0),
    exitReason,
  };
}

function findEntry(recent: readonly PxOrder[], stop: PxOrder, entryOf: ReadonlyMap<number, string>): { orderId: number; intentId: string } | null {
  const tag = stop.customTag?.replace(/-(SL|TP)$/, '') ?? null;
  const entry = recent.find((o) => (stop.parentOrderId !== null && o.id === stop.parentOrderId) || (tag !== null && o.customTag === tag)) ?? null;
  if (!entry) return null;
  const intentId = entryOf.get(entry.id) ?? (entry.customTag?.startsWith('txbot-') ? entry.customTag.slice('txbot-'.length) : null);
  return intentId ? { orderId: entry.id, intentId } : null;
}

async function cancelQuietly(client: ProjectXClient, accountId: number, orderId: number): Promise<void> {
  try {
    await client.cancelOrder(accountId, orderId);
  } catch (e) {
    if (!(e instanceof ProjectXError) || e.code !== 'PROJECTX_REJECTED') throw e;
  }
}
