// Simulator state records and wire formatting: the server-side account, contract, order, position and
// trade as the simulated gateway keeps them, and their JSON shapes as the real gateway sends them.

import { OrderStatus, type OrderSideCode, type OrderType } from '../types.ts';

/** ISO text as the gateway writes it, e.g. 2024-12-20T14:00:00+00:00 (or with Z / naive when mixing). */
export function gatewayTimestamp(tsMs: number, style: 'offset' | 'z' | 'naive' = 'offset'): string {
  const iso = new Date(tsMs).toISOString();
  const base = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return style === 'offset' ? `${base}+00:00` : style === 'z' ? `${base}Z` : base;
}

export interface SimAccount {
  readonly id: number;
  readonly name: string;
  balanceUsd: number;
  canTrade: boolean;
  readonly simulated: boolean;
}

export interface SimContract {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tickSize: number;
  readonly tickValueUsd: number;
  activeContract: boolean;
  readonly symbolId: string;
  /** Exchange + regulatory fee per contract per side. */
  readonly feePerSideUsd: number;
}

export interface SimOrder {
  readonly id: number;
  readonly accountId: number;
  readonly contractId: string;
  readonly type: OrderType;
  readonly side: OrderSideCode;
  size: number;
  limitPrice: number | null;
  stopPrice: number | null;
  status: OrderStatus;
  fillVolume: number;
  filledPrice: number | null;
  readonly customTag: string | null;
  readonly creationTsMs: number;
  updateTsMs: number | null;
  readonly parentOrderId: number | null;
  linkedOrderId: number | null;
  /** For a bracket leg: signed ticks from the entry fill price. */
  readonly bracketTicks: number | null;
  /** For an entry: its leg ids. */
  readonly legIds: number[];
  /** Contracts still to fill in a later tick (partial-fill fault). */
  deferredQty: number;
}

export interface SimPosition {
  id: number;
  readonly accountId: number;
  readonly contractId: string;
  creationTsMs: number;
  /** Signed: > 0 long, < 0 short. */
  netSize: number;
  averagePrice: number;
}

export interface SimTrade {
  readonly id: number;
  readonly accountId: number;
  readonly contractId: string;
  readonly creationTsMs: number;
  readonly price: number;
  readonly profitAndLossUsd: number | null;
  readonly feesUsd: number;
  readonly side: OrderSideCode;
  readonly size: number;
  readonly orderId: number;
}

export function accountJson(a: SimAccount): Record<string, unknown> {
  return { id: a.id, name: a.name, balance: Math.round(a.balanceUsd * 100) / 100, canTrade: a.canTrade, isVisible: true, simulated: a.simulated };
}

export function contractJson(c: SimContract): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    tickSize: c.tickSize,
    tickValue: c.tickValueUsd,
    activeContract: c.activeContract,
    symbolId: c.symbolId,
  };
}

/** Order JSON; `stream` adds the undocumented fields only the user hub carries. */
export function orderJson(o: SimOrder, symbolId: string, stream: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: o.id,
    accountId: o.accountId,
    contractId: o.contractId,
    symbolId,
    creationTimestamp: gatewayTimestamp(o.creationTsMs),
    updateTimestamp: o.updateTsMs === null ? null : gatewayTimestamp(o.updateTsMs),
    status: o.status,
    type: o.type,
    side: o.side,
    size: o.size,
    limitPrice: o.limitPrice,
    stopPrice: o.stopPrice,
    fillVolume: o.fillVolume,
    filledPrice: o.filledPrice,
    customTag: o.customTag,
  };
  if (stream && o.parentOrderId !== null) {
    base.parentOrderId = o.parentOrderId;
    if (o.linkedOrderId !== null) base.linkedOrderId = o.linkedOrderId;
    base.trailDistance = o.bracketTicks;
  }
  return base;
}

export function positionJson(p: SimPosition): Record<string, unknown> {
  return {
    id: p.id,
    accountId: p.accountId,
    contractId: p.contractId,
    creationTimestamp: gatewayTimestamp(p.creationTsMs),
    type: p.netSize > 0 ? 1 : p.netSize < 0 ? 2 : 0,
    size: Math.abs(p.netSize),
    averagePrice: p.netSize === 0 ? 0 : p.averagePrice,
  };
}

export function tradeJson(t: SimTrade): Record<string, unknown> {
  return {
    id: t.id,
    accountId: t.accountId,
    contractId: t.contractId,
    creationTimestamp: gatewayTimestamp(t.creationTsMs),
    price: t.price,
    profitAndLoss: t.profitAndLossUsd,
    fees: t.feesUsd,
    side: t.side,
    size: t.size,
    voided: false,
    orderId: t.orderId,
  };
}

/** Statuses the REST order searches return as working. */
export function isWorking(o: SimOrder): boolean {
  return o.status === OrderStatus.Open || o.status === OrderStatus.Pending;
}
