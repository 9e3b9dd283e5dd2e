// Safe order placement and flattening on top of the REST client: a place that fails ambiguously is
// resolved by searching for its unique customTag before anything is resent; a flatten cancels leftover legs.

import { BrokerError, type Side, type Clock } from '../../../domain/index.ts';
import { bracketFromPrices, bracketFromTickDistances } from '../brackets.ts';
import { ProjectXError } from '../errors.ts';
import { OrderSideCode, OrderStatus, OrderType, type PxOrder } from '../types.ts';
import type { PlaceOrderRequest, ProjectXClient } from './client.ts';

/** How the order id became known. */
export type PlaceResolution = 'response' | 'customTag';

export interface PlaceResult {
  readonly orderId: number;
  readonly resolvedBy: PlaceResolution;
  /** Order/place requests actually sent (1 normally; 2 when the first was confirmed absent). */
  readonly attempts: number;
}

/**
 * Makes a unique customTag (≤ 60 chars; bracket legs get "-SL"/"-TP" appended by the gateway).
 * @example makeCustomTag('txbot', 1735689600000, 3) // 'txbot-1735689600000-3'
 */
export function makeCustomTag(prefix: string, tsMs: number, sequence: number): string {
  return `${prefix}-${tsMs}-${sequence}`.slice(0, 60);
}

/** Looks an order up by its customTag among orders created since `sinceMs` (Order/search, a read: retried). */
export async function findOrderByCustomTag(client: ProjectXClient, accountId: number, customTag: string, sinceMs: number): Promise<PxOrder | null> {
  const orders = await client.searchOrders(accountId, sinceMs);
  return orders.find((o) => o.customTag === customTag) ?? null;
}

/** Margin before the decision time of an intent when its order is looked up by customTag (venue-clock skew). */
export const TAG_LOOKUP_MARGIN_MS = 60 * 60_000;

/** Whether a refusal says the customTag is already on the account (the order exists: adopt it, never reject). */
export function isDuplicateTagRefusal(e: unknown): boolean {
  return (
    e instanceof ProjectXError &&
    e.code === 'PROJECTX_REJECTED' &&
    /custom ?tag/i.test(e.message) &&
    /(in use|exist|unique|duplicate)/i.test(e.message)
  );
}

/**
 * Places an order exactly once per intent. A definite refusal (success:false, 401 after renewal, local
 * budget) is thrown as is, except a duplicate-customTag refusal: the order exists (an earlier attempt was
 * committed), so it is looked up and adopted. An ambiguous failure (transport error, timeout, lost
 * response, 5xx, 429) is resolved by Order/search on the customTag: found → that id; absent → resent at
 * most `maxResends` times. The search window starts at `sinceMs` (the venue's/market clock: the decision
 * time of the intent less a margin), never at the local wall clock, whose skew to the venue is unknown.
 */
export async function placeOrderSafely(
  client: ProjectXClient,
  req: PlaceOrderRequest & { customTag: string },
  options: { clock?: Clock; maxResends?: number; lookbackMs?: number; sinceMs?: number } = {},
): Promise<PlaceResult> {
  const clock = options.clock ?? client.clock;
  const maxResends = options.maxResends ?? 1;
  const sinceMs = options.sinceMs ?? clock.nowMs() - (options.lookbackMs ?? TAG_LOOKUP_MARGIN_MS);
  let lastError: ProjectXError | null = null;
  for (let attempt = 1; attempt <= maxResends + 1; attempt++) {
    try {
      return { orderId: await client.placeOrder(req), resolvedBy: 'response', attempts: attempt };
    } catch (e) {
      if (isDuplicateTagRefusal(e)) {
        // The tag exists at the venue: whatever window the lookup used, the order is there.
        const found = await findOrderByCustomTag(client, req.accountId, req.customTag, Math.min(sinceMs, clock.nowMs()) - 7 * 86_400_000);
        if (found) return { orderId: found.id, resolvedBy: 'customTag', attempts: attempt };
        throw e;
      }
      if (!(e instanceof ProjectXError) || !isUnanswered(e)) throw e;
      lastError = e;
    }
    const found = await findOrderByCustomTag(client, req.accountId, req.customTag, sinceMs);
    if (found) return { orderId: found.id, resolvedBy: 'customTag', attempts: attempt };
  }
  throw new ProjectXError('PROJECTX_ORDER_UNRESOLVED', {
    endpoint: 'Order/place',
    retryable: false,
    httpStatus: lastError?.httpStatus ?? null,
    message: `ProjectX Order/place: no answer for customTag ${req.customTag} after ${maxResends + 1} attempt(s) and no such order on the account; last failure: ${lastError?.message ?? 'unknown'}`,
  });
}

function isUnanswered(e: ProjectXError): boolean {
  return (
    e.code === 'PROJECTX_TRANSPORT' || e.code === 'PROJECTX_SERVER_ERROR' || e.code === 'PROJECTX_RATE_LIMITED' || e.code === 'PROJECTX_BAD_RESPONSE'
  );
}

/** Result of a flatten: which orders were cancelled. */
export interface FlattenResult {
  readonly cancelledOrderIds: number[];
}

/**
 * Flattens one contract: Position/closeContract (when a position is open), then cancels every working order
 * of that contract, the REST-visible ones plus `extraOrderIds` (status-8 legs only the user hub has shown),
 * because closeContract leaves bracket legs alive and a stray stop could reopen a position.
 */
export async function flattenContract(
  client: ProjectXClient,
  accountId: number,
  contractId: string,
  extraOrderIds: readonly number[] = [],
): Promise<FlattenResult> {
  const positions = await client.searchOpenPositions(accountId);
  if (positions.some((p) => p.contractId === contractId && p.size > 0)) await client.closePosition(accountId, contractId);
  const open = await client.searchOpenOrders(accountId);
  const ids = new Set<number>(extraOrderIds);
  for (const o of open)
    if (o.contractId === contractId && (o.status === OrderStatus.Open || o.status === OrderStatus.Pending || o.status === OrderStatus.Suspended))
      ids.add(o.id);
  const cancelled: number[] = [];
  for (const id of ids) {
    try {
      await client.cancelOrder(accountId, id);
      cancelled.push(id);
    } catch (e) {
      // Already filled/cancelled (OrderNotFound, Rejected) is the goal reached; anything else is real.
      if (!(e instanceof ProjectXError) || e.code !== 'PROJECTX_REJECTED') throw e;
    }
  }
  return { cancelledOrderIds: cancelled };
}

interface BracketEntryBase {
  readonly accountId: number;
  readonly contractId: string;
  readonly side: Side;
  readonly entryType: 'market' | 'limit';
  readonly size: number;
  /** Unique per intent (the idempotency key); legs get -SL / -TP appended by the gateway. */
  readonly customTag: string;
}

/**
 * An entry with a server-side bracket, either in absolute prices (`entryPrice` is the limit price, or the
 * reference price of a market entry that the ticks are measured from) or as unsigned tick distances from
 * the fill (as src/broker/broker.ts BracketOrderRequest carries them; `limitPrice` for limit entries).
 */
export type BracketEntryIntent =
  | (BracketEntryBase & { readonly entryPrice: number; readonly stopPrice: number; readonly targetPrice: number; readonly tickSize: number })
  | (BracketEntryBase & { readonly stopTicks: number; readonly targetTicks: number; readonly limitPrice?: number });

/**
 * Places an entry with a native bracket (stop leg type 4, target leg type 1, signed ticks from the entry
 * price) through {@link placeOrderSafely}. The legs are created suspended (status 8) and only the user hub
 * shows them; their ids arrive there with parentOrderId = the returned entry id.
 */
export async function placeBracketEntry(
  client: ProjectXClient,
  intent: BracketEntryIntent,
  options: { maxResends?: number; sinceMs?: number } = {},
): Promise<PlaceResult> {
  const byPrice = 'entryPrice' in intent;
  const bracket = byPrice
    ? bracketFromPrices(intent.side, intent.entryPrice, intent.stopPrice, intent.targetPrice, intent.tickSize)
    : bracketFromTickDistances(intent.side, intent.stopTicks, intent.targetTicks);
  const limitPrice = byPrice ? intent.entryPrice : intent.limitPrice;
  if (intent.entryType === 'limit' && typeof limitPrice !== 'number') {
    throw new BrokerError('INVALID_ORDER', `limit entry ${intent.customTag}: expected a limit price, found none`, false);
  }
  return placeOrderSafely(
    client,
    {
      accountId: intent.accountId,
      contractId: intent.contractId,
      type: intent.entryType === 'market' ? OrderType.Market : OrderType.Limit,
      side: intent.side === 'long' ? OrderSideCode.Bid : OrderSideCode.Ask,
      size: intent.size,
      limitPrice: intent.entryType === 'limit' ? limitPrice : null,
      customTag: intent.customTag,
      ...bracket,
    },
    options,
  );
}
