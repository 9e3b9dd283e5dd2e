// The simulator's matching engine: orders (market, limit, stop, brackets with status-8 legs and OCO),
// one net position per contract, trades with fees and P&L, account balance, and the user-hub events.
// Fill rules: market at the last price; limit at its price once touched; stop at the tick that crosses it.

import { legPrice } from '../brackets.ts';
import type { FaultPlan } from './faults.ts';
import { positionBracketTargets } from './positionBrackets.ts';
import { EventAction, OrderSideCode, OrderStatus, OrderType } from '../types.ts';
import {
  accountJson,
  isWorking,
  orderJson,
  positionJson,
  tradeJson,
  type SimAccount,
  type SimContract,
  type SimOrder,
  type SimPosition,
  type SimTrade,
} from './model.ts';

/** An event for the hubs: user events go to an account's subscribers, market events to a contract's. */
export type SimEvent =
  | {
      readonly hub: 'user';
      readonly target: 'GatewayUserOrder' | 'GatewayUserPosition' | 'GatewayUserTrade' | 'GatewayUserAccount';
      readonly accountId: number;
      readonly payload: unknown;
    }
  | {
      readonly hub: 'market';
      readonly target: 'GatewayQuote' | 'GatewayTrade' | 'GatewayDepth';
      readonly contractId: string;
      readonly payload: unknown;
    };

/** A refusal as the gateway sends it (HTTP 200, success:false). */
export interface SimRefusal {
  readonly errorCode: number;
  readonly errorMessage: string;
}

export type SimResult<T> = ({ readonly ok: true } & T) | ({ readonly ok: false } & SimRefusal);

/** Order/place body as received. */
export interface SimPlaceRequest {
  accountId: number;
  contractId: string;
  type: number;
  side: number;
  size: number;
  limitPrice?: number | null;
  stopPrice?: number | null;
  customTag?: string | null;
  stopLossBracket?: { ticks: number; type: number } | null;
  takeProfitBracket?: { ticks: number; type: number } | null;
}

const refuse = (errorCode: number, errorMessage: string) => ({ ok: false as const, errorCode, errorMessage });

/** Validates brackets with the texts the live gateway returns (reference §1.3). */
function bracketRefusal(req: SimPlaceRequest): string | null {
  const long = req.side === OrderSideCode.Bid;
  const sl = req.stopLossBracket;
  const tp = req.takeProfitBracket;
  if (sl) {
    if (sl.type !== OrderType.Stop) return `Invalid stop loss type (${OrderType[sl.type] ?? sl.type})`;
    if (long && sl.ticks >= 0) return `Invalid stop loss ticks (${sl.ticks}). Ticks should be less than zero when longing.`;
    if (!long && sl.ticks <= 0) return `Invalid stop loss ticks (${sl.ticks}). Ticks should be greater than zero when going short.`;
  }
  if (tp) {
    if (tp.type !== OrderType.Limit) return `Invalid take profit type (${OrderType[tp.type] ?? tp.type})`;
    if (long && tp.ticks <= 0) return `Invalid take profit ticks (${tp.ticks}). Ticks should be greater than zero when longing.`;
    if (!long && tp.ticks >= 0) return `Invalid take profit ticks (${tp.ticks}). Ticks should be less than zero when going short.`;
  }
  return null;
}

/** Accounts, contracts, orders, positions and trades of the simulated gateway. */
export class MatchingEngine {
  readonly accounts = new Map<number, SimAccount>();
  readonly contracts = new Map<string, SimContract>();
  readonly orders = new Map<number, SimOrder>();
  readonly positions = new Map<string, SimPosition>();
  readonly trades: SimTrade[] = [];
  readonly lastPrice = new Map<string, number>();
  /** Order/place requests that created an order (tests count duplicates with it). */
  placedCount = 0;
  private nextOrderId = 1000;
  private nextTradeId = 5000;
  private nextPositionId = 100;
  /** Next `partialFillCount` fills take only part of the order now, the rest on the next tick. */
  partialFillCount = 0;
  /** Venue-attached position brackets (Position Brackets setting) per `account|contract`. */
  private readonly positionBracketIds = new Map<string, number[]>();

  /** @param faults the armed faults the engine consults (partial entry fills, position brackets); none when omitted. */
  constructor(
    private readonly nowMs: () => number,
    private readonly emit: (e: SimEvent) => void,
    private readonly faults: Pick<FaultPlan, 'takePartialEntryFill' | 'positionBracketSetting'> | null = null,
  ) {}

  addAccount(a: SimAccount): void {
    this.accounts.set(a.id, a);
  }

  addContract(c: SimContract): void {
    this.contracts.set(c.id, c);
  }

  private symbolOf(contractId: string): string {
    return this.contracts.get(contractId)?.symbolId ?? contractId;
  }

  private emitOrder(o: SimOrder, action: EventAction): void {
    this.emit({
      hub: 'user',
      target: 'GatewayUserOrder',
      accountId: o.accountId,
      payload: { action, data: orderJson(o, this.symbolOf(o.contractId), true) },
    });
  }

  /** Order/place. */
  place(req: SimPlaceRequest): SimResult<{ orderId: number }> {
    const account = this.accounts.get(req.accountId);
    if (!account) return refuse(1, `Account ${req.accountId} not found`);
    const contract = this.contracts.get(req.contractId);
    if (!contract) return refuse(8, `Contract ${req.contractId} not found`);
    if (!contract.activeContract) return refuse(9, `Contract ${req.contractId} is not active`);
    if (!account.canTrade) return refuse(4, 'Account is not allowed to trade');
    if (!Number.isInteger(req.size) || req.size < 1) return refuse(2, `Invalid order size (${req.size})`);
    if (req.side !== 0 && req.side !== 1) return refuse(2, `Invalid order side (${req.side})`);
    if (req.type === OrderType.Limit && typeof req.limitPrice !== 'number') return refuse(2, 'Limit price is required for a limit order');
    if (req.type === OrderType.Stop && typeof req.stopPrice !== 'number') return refuse(2, 'Stop price is required for a stop order');
    if (![OrderType.Limit, OrderType.Market, OrderType.Stop].includes(req.type))
      return refuse(2, `Order type ${OrderType[req.type] ?? req.type} is not supported by the simulator`);
    const bracketError = bracketRefusal(req);
    if (bracketError) return refuse(2, bracketError);
    // The account setting "Position Brackets" excludes order-level brackets (the live gateway's text).
    if (this.faults?.positionBracketSetting && (req.stopLossBracket || req.takeProfitBracket))
      return refuse(2, 'Brackets cannot be used with Position Brackets');
    const tag = req.customTag ?? null;
    if (tag !== null && [...this.orders.values()].some((o) => o.accountId === req.accountId && o.customTag === tag))
      return refuse(2, `Custom tag '${tag}' is already in use. Custom tags must be unique across the account.`);
    if (req.type === OrderType.Market && !this.lastPrice.has(req.contractId)) return refuse(5, 'No market data for the contract (market closed)');

    const entry = this.newOrder(
      req.accountId,
      req.contractId,
      req.type,
      req.side,
      req.size,
      req.limitPrice ?? null,
      req.stopPrice ?? null,
      tag,
      null,
      null,
    );
    this.placedCount++;
    this.emitOrder(entry, EventAction.Create);
    const exit = req.side === OrderSideCode.Bid ? OrderSideCode.Ask : OrderSideCode.Bid;
    let slId: number | null = null;
    if (req.stopLossBracket) {
      const sl = this.newOrder(
        req.accountId,
        req.contractId,
        OrderType.Stop,
        exit,
        req.size,
        null,
        null,
        tag === null ? null : `${tag}-SL`,
        entry.id,
        req.stopLossBracket.ticks,
      );
      sl.status = OrderStatus.Suspended;
      entry.legIds.push(sl.id);
      slId = sl.id;
      this.emitOrder(sl, EventAction.Create);
    }
    if (req.takeProfitBracket) {
      const tp = this.newOrder(
        req.accountId,
        req.contractId,
        OrderType.Limit,
        exit,
        req.size,
        null,
        null,
        tag === null ? null : `${tag}-TP`,
        entry.id,
        req.takeProfitBracket.ticks,
      );
      tp.status = OrderStatus.Suspended;
      tp.linkedOrderId = slId;
      entry.legIds.push(tp.id);
      this.emitOrder(tp, EventAction.Create);
    }
    if (entry.type === OrderType.Market) this.fill(entry, this.lastPrice.get(entry.contractId)!);
    else this.matchOrder(entry, this.lastPrice.get(entry.contractId));
    return { ok: true, orderId: entry.id };
  }

  private newOrder(
    accountId: number,
    contractId: string,
    type: OrderType,
    side: OrderSideCode,
    size: number,
    limitPrice: number | null,
    stopPrice: number | null,
    customTag: string | null,
    parentOrderId: number | null,
    bracketTicks: number | null,
  ): SimOrder {
    const o: SimOrder = {
      id: this.nextOrderId++,
      accountId,
      contractId,
      type,
      side,
      size,
      limitPrice,
      stopPrice,
      status: OrderStatus.Open,
      fillVolume: 0,
      filledPrice: null,
      customTag,
      creationTsMs: this.nowMs(),
      updateTsMs: this.nowMs(),
      parentOrderId,
      linkedOrderId: null,
      bracketTicks,
      legIds: [],
      deferredQty: 0,
    };
    this.orders.set(o.id, o);
    return o;
  }

  /** Order/cancel. Cancelling an entry cancels its suspended legs too. */
  cancel(accountId: number, orderId: number): SimResult<object> {
    if (!this.accounts.has(accountId)) return refuse(1, `Account ${accountId} not found`);
    const o = this.orders.get(orderId);
    if (!o || o.accountId !== accountId) return refuse(2, `Order ${orderId} not found`);
    if (!isWorking(o) && o.status !== OrderStatus.Suspended)
      return refuse(3, `Order ${orderId} cannot be cancelled in status ${OrderStatus[o.status]}`);
    this.setStatus(o, OrderStatus.Cancelled);
    for (const legId of o.legIds) {
      const leg = this.orders.get(legId)!;
      if (leg.status === OrderStatus.Suspended) this.setStatus(leg, OrderStatus.Cancelled);
    }
    return { ok: true };
  }

  /** Order/modify (absolute prices; the sibling leg is left alone). */
  modify(req: {
    accountId: number;
    orderId: number;
    size?: number | null;
    limitPrice?: number | null;
    stopPrice?: number | null;
  }): SimResult<object> {
    if (!this.accounts.has(req.accountId)) return refuse(1, `Account ${req.accountId} not found`);
    const o = this.orders.get(req.orderId);
    if (!o || o.accountId !== req.accountId) return refuse(2, `Order ${req.orderId} not found`);
    if (!isWorking(o)) return refuse(3, `Order ${req.orderId} cannot be modified in status ${OrderStatus[o.status]}`);
    if (typeof req.size === 'number') o.size = req.size;
    if (typeof req.limitPrice === 'number') o.limitPrice = req.limitPrice;
    if (typeof req.stopPrice === 'number') o.stopPrice = req.stopPrice;
    o.updateTsMs = this.nowMs();
    this.emitOrder(o, EventAction.Update);
    this.matchOrder(o, this.lastPrice.get(o.contractId));
    return { ok: true };
  }

  /** Position/closeContract and partialCloseContract: a market order the other way. Bracket legs stay alive, as on the real gateway. */
  close(accountId: number, contractId: string, size: number | null, partial: boolean): SimResult<object> {
    if (!this.accounts.has(accountId)) return refuse(1, `Account ${accountId} not found`);
    if (!this.contracts.has(contractId)) return refuse(3, `Contract ${contractId} not found`);
    const p = this.positions.get(`${accountId}|${contractId}`);
    if (!p || p.netSize === 0) return refuse(2, `No open position in ${contractId}`);
    const qty = size ?? Math.abs(p.netSize);
    if (partial && (!Number.isInteger(qty) || qty < 1 || qty >= Math.abs(p.netSize)))
      return refuse(5, `Invalid close size (${qty}); position size is ${Math.abs(p.netSize)}`);
    const price = this.lastPrice.get(contractId);
    if (price === undefined) return refuse(partial ? 6 : 5, 'No market data for the contract');
    const side = p.netSize > 0 ? OrderSideCode.Ask : OrderSideCode.Bid;
    const o = this.newOrder(accountId, contractId, OrderType.Market, side, qty, null, null, null, null, null);
    this.emitOrder(o, EventAction.Create);
    this.fill(o, price, true);
    return { ok: true };
  }

  /** Replays one traded price: quotes/trades to the market hub, then matches working orders. */
  tick(contractId: string, price: number, volume = 1): void {
    const c = this.contracts.get(contractId);
    if (!c) return;
    this.lastPrice.set(contractId, price);
    const t = new Date(this.nowMs()).toISOString();
    this.emit({
      hub: 'market',
      target: 'GatewayQuote',
      contractId,
      payload: {
        symbol: c.symbolId,
        symbolName: `/${c.name.slice(0, -2)}`,
        lastPrice: price,
        bestBid: price - c.tickSize,
        bestAsk: price,
        volume,
        lastUpdated: t,
        timestamp: t,
      },
    });
    this.emit({ hub: 'market', target: 'GatewayTrade', contractId, payload: [{ symbolId: c.symbolId, price, timestamp: t, type: 0, volume }] });
    this.emit({
      hub: 'market',
      target: 'GatewayDepth',
      contractId,
      payload: [
        { timestamp: t, type: 4, price: price - c.tickSize, volume: 10, currentVolume: 10 },
        { timestamp: t, type: 3, price, volume: 10, currentVolume: 10 },
      ],
    });
    const working = [...this.orders.values()].filter((o) => o.contractId === contractId && isWorking(o)).sort((a, b) => a.id - b.id);
    for (const o of working) if (isWorking(o)) this.matchOrder(o, price);
  }

  private matchOrder(o: SimOrder, price: number | undefined): void {
    if (price === undefined || !isWorking(o)) return;
    const buy = o.side === OrderSideCode.Bid;
    // The rest of a partly filled order: a market or triggered stop fills at this price, a limit only when touched again.
    if ((o.deferredQty > 0 && o.type !== OrderType.Limit) || o.type === OrderType.Market) this.fill(o, price);
    else if (o.type === OrderType.Limit && o.limitPrice !== null && (buy ? price <= o.limitPrice : price >= o.limitPrice)) this.fill(o, o.limitPrice);
    else if (o.type === OrderType.Stop && o.stopPrice !== null && (buy ? price >= o.stopPrice : price <= o.stopPrice)) this.fill(o, price);
  }

  private setStatus(o: SimOrder, status: OrderStatus): void {
    o.status = status;
    o.updateTsMs = this.nowMs();
    this.emitOrder(o, EventAction.Update);
  }

  /** Whether `o` opens or adds to its account's position in the contract (an entry), rather than reducing it. */
  private isEntry(o: SimOrder): boolean {
    const net = this.positions.get(`${o.accountId}|${o.contractId}`)?.netSize ?? 0;
    return net === 0 || Math.sign(net) === (o.side === OrderSideCode.Bid ? 1 : -1);
  }

  /** How much of `o` fills now when a partial-fill fault applies: the size, and whether the rest waits a tick or is cancelled. */
  private partialSplit(o: SimOrder, remaining: number): { qty: number; rest: 'next-tick' | 'cancel' } | null {
    if (remaining < 2) return null;
    if (this.partialFillCount > 0) {
      this.partialFillCount--;
      return { qty: Math.ceil(remaining / 2), rest: 'next-tick' };
    }
    if (o.fillVolume > 0 || o.parentOrderId !== null || !this.isEntry(o)) return null;
    const f = this.faults?.takePartialEntryFill(remaining) ?? null;
    return f && { qty: f.qty, rest: f.remainder };
  }

  /** Fills what is left of `o` at `price` (part of it under a partial-fill fault). */
  private fill(o: SimOrder, price: number, noPartial = false): void {
    const remaining = o.size - o.fillVolume;
    let qty = remaining;
    let cancelRest = false;
    const split = noPartial || o.deferredQty > 0 ? null : this.partialSplit(o, remaining);
    if (split) {
      qty = split.qty;
      o.deferredQty = split.rest === 'next-tick' ? remaining - qty : 0;
      cancelRest = split.rest === 'cancel';
    } else {
      o.deferredQty = 0;
    }
    o.filledPrice = o.filledPrice === null ? price : (o.filledPrice * o.fillVolume + price * qty) / (o.fillVolume + qty);
    o.fillVolume += qty;
    this.recordTrade(o, qty, price);
    if (o.fillVolume >= o.size) {
      o.status = OrderStatus.Filled;
      o.updateTsMs = this.nowMs();
      this.emitOrder(o, EventAction.Update);
      this.onFilled(o);
    } else {
      o.updateTsMs = this.nowMs();
      this.emitOrder(o, EventAction.Update);
      if (cancelRest) {
        this.setStatus(o, OrderStatus.Cancelled);
        this.activateLegs(o);
      }
    }
    this.syncPositionBrackets(o.accountId, o.contractId);
  }

  /** Suspended legs of entry `o` go live at its fill price ± ticks, sized to its filled volume. */
  private legsGoLive(o: SimOrder): void {
    const c = this.contracts.get(o.contractId)!;
    for (const legId of o.legIds) {
      const leg = this.orders.get(legId)!;
      if (leg.status !== OrderStatus.Suspended) continue;
      const p = legPrice(o.filledPrice!, leg.bracketTicks!, c.tickSize);
      if (leg.type === OrderType.Stop) leg.stopPrice = p;
      else leg.limitPrice = p;
      leg.size = o.fillVolume;
      this.setStatus(leg, OrderStatus.Open);
    }
  }

  /** An entry whose rest the venue cancelled: its legs go live for the filled part and match at once if touched. */
  private activateLegs(o: SimOrder): void {
    this.legsGoLive(o);
    for (const legId of o.legIds) this.matchOrder(this.orders.get(legId)!, this.lastPrice.get(o.contractId));
  }

  /** Entry filled → legs go live at fill price ± ticks; a leg filled → its sibling is cancelled (OCO). */
  private onFilled(o: SimOrder): void {
    this.legsGoLive(o);
    if (o.parentOrderId !== null) {
      const parent = this.orders.get(o.parentOrderId);
      for (const siblingId of parent?.legIds ?? []) {
        const s = this.orders.get(siblingId)!;
        if (s.id !== o.id && (isWorking(s) || s.status === OrderStatus.Suspended)) this.setStatus(s, OrderStatus.Cancelled);
      }
    }
    for (const legId of o.legIds) this.matchOrder(this.orders.get(legId)!, this.lastPrice.get(o.contractId));
  }

  private recordTrade(o: SimOrder, qty: number, price: number): void {
    const c = this.contracts.get(o.contractId)!;
    const account = this.accounts.get(o.accountId)!;
    const key = `${o.accountId}|${o.contractId}`;
    let p = this.positions.get(key);
    const signed = o.side === OrderSideCode.Bid ? qty : -qty;
    let pnl: number | null = null;
    if (!p || p.netSize === 0) {
      p = { id: this.nextPositionId++, accountId: o.accountId, contractId: o.contractId, creationTsMs: this.nowMs(), netSize: 0, averagePrice: 0 };
      this.positions.set(key, p);
    }
    const wasFlat = p.netSize === 0;
    if (p.netSize !== 0 && Math.sign(p.netSize) !== Math.sign(signed)) {
      const closed = Math.min(Math.abs(signed), Math.abs(p.netSize));
      pnl = ((price - p.averagePrice) * Math.sign(p.netSize) * closed * c.tickValueUsd) / c.tickSize;
      pnl = Math.round(pnl * 100) / 100;
      const rest = Math.abs(signed) - closed;
      p.netSize += Math.sign(signed) * closed;
      if (rest > 0) {
        p.netSize = Math.sign(signed) * rest;
        p.averagePrice = price;
      }
    } else {
      p.averagePrice = (p.averagePrice * Math.abs(p.netSize) + price * qty) / (Math.abs(p.netSize) + qty);
      p.netSize += signed;
    }
    const fees = Math.round(c.feePerSideUsd * qty * 100) / 100;
    const trade: SimTrade = {
      id: this.nextTradeId++,
      accountId: o.accountId,
      contractId: o.contractId,
      creationTsMs: this.nowMs(),
      price,
      profitAndLossUsd: pnl,
      feesUsd: fees,
      side: o.side,
      size: qty,
      orderId: o.id,
    };
    this.trades.push(trade);
    account.balanceUsd += (pnl ?? 0) - fees;
    this.emit({ hub: 'user', target: 'GatewayUserTrade', accountId: o.accountId, payload: { action: EventAction.Create, data: tradeJson(trade) } });
    const action = p.netSize === 0 ? EventAction.Delete : wasFlat ? EventAction.Create : EventAction.Update;
    this.emit({ hub: 'user', target: 'GatewayUserPosition', accountId: o.accountId, payload: { action, data: positionJson(p) } });
    this.emit({
      hub: 'user',
      target: 'GatewayUserAccount',
      accountId: o.accountId,
      payload: { action: EventAction.Update, data: accountJson(account) },
    });
  }

  /**
   * The Position Brackets fault: keeps the venue's own stop/target on the position of `account|contract`
   * (created when it opens, resized and re-priced as it changes, cancelled when flat, replaced on a reversal).
   */
  private syncPositionBrackets(accountId: number, contractId: string): void {
    const setting = this.faults?.positionBracketSetting ?? null;
    const key = `${accountId}|${contractId}`;
    let working = (this.positionBracketIds.get(key) ?? []).map((id) => this.orders.get(id)!).filter(isWorking);
    if (!setting && working.length === 0) return;
    const p = this.positions.get(key);
    const net = p?.netSize ?? 0;
    const exitSide = net > 0 ? OrderSideCode.Ask : OrderSideCode.Bid;
    if (net === 0 || working.some((w) => w.side !== exitSide)) {
      for (const w of working) this.setStatus(w, OrderStatus.Cancelled);
      this.positionBracketIds.delete(key);
      working = [];
    }
    const t = setting && p ? positionBracketTargets(setting, net, p.averagePrice, this.contracts.get(contractId)!.tickSize) : null;
    if (!t) return;
    if (working.length === 0) {
      const sl =
        t.stopPrice === null ? null : this.newOrder(accountId, contractId, OrderType.Stop, t.side, t.size, null, t.stopPrice, null, null, null);
      const tp =
        t.limitPrice === null ? null : this.newOrder(accountId, contractId, OrderType.Limit, t.side, t.size, t.limitPrice, null, null, null, null);
      if (tp) tp.linkedOrderId = sl?.id ?? null;
      const legs = [sl, tp].filter((o): o is SimOrder => o !== null);
      for (const o of legs) this.emitOrder(o, EventAction.Create);
      this.positionBracketIds.set(
        key,
        legs.map((o) => o.id),
      );
      return;
    }
    for (const w of working) {
      const price = w.type === OrderType.Stop ? t.stopPrice : t.limitPrice;
      if (w.size === t.size && (w.type === OrderType.Stop ? w.stopPrice : w.limitPrice) === price) continue;
      w.size = t.size;
      if (w.type === OrderType.Stop) w.stopPrice = price;
      else w.limitPrice = price;
      w.updateTsMs = this.nowMs();
      this.emitOrder(w, EventAction.Update);
    }
  }

  /** Open positions of an account (REST view). */
  openPositions(accountId: number): SimPosition[] {
    return [...this.positions.values()].filter((p) => p.accountId === accountId && p.netSize !== 0);
  }
}
