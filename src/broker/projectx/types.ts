// ProjectX Gateway wire enums and the parsed (camelCase, epoch-ms) models of accounts, contracts, orders,
// positions, trades, bars and market data. Source: /work/shared/reference/projectx_topstep.md §1–§2.

/** Order/place `type`. 0 Unknown and 3 StopLimit exist in the swagger enum. */
export enum OrderType {
  Unknown = 0,
  Limit = 1,
  Market = 2,
  StopLimit = 3,
  Stop = 4,
  TrailingStop = 5,
  JoinBid = 6,
  JoinAsk = 7,
}

/** Order `side`: 0 Bid (buy), 1 Ask (sell). */
export enum OrderSideCode {
  Bid = 0,
  Ask = 1,
}

/** Order status; 8 is the undocumented suspended bracket leg seen live (not returned by REST searches). */
export enum OrderStatus {
  None = 0,
  Open = 1,
  Filled = 2,
  Cancelled = 3,
  Expired = 4,
  Rejected = 5,
  Pending = 6,
  Suspended = 8,
}

/** Statuses after which an order never changes again. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.Filled,
  OrderStatus.Cancelled,
  OrderStatus.Expired,
  OrderStatus.Rejected,
]);

/** Position `type`: size is always positive, the direction is here. */
export enum PositionType {
  Undefined = 0,
  Long = 1,
  Short = 2,
}

/** History/retrieveBars `unit`. */
export enum BarUnit {
  Second = 1,
  Minute = 2,
  Hour = 3,
  Day = 4,
  Week = 5,
  Month = 6,
}

/** User-hub envelope action: 0 create, 1 update, 2 delete (admin docs; seen live as 0/1/2). */
export enum EventAction {
  Create = 0,
  Update = 1,
  Delete = 2,
}

/** Market depth entry type (DomType). */
export enum DomType {
  Unknown = 0,
  Ask = 1,
  Bid = 2,
  BestAsk = 3,
  BestBid = 4,
  Trade = 5,
  Reset = 6,
  Low = 7,
  High = 8,
  NewBestBid = 9,
  NewBestAsk = 10,
  Fill = 11,
}

export interface PxAccount {
  readonly id: number;
  readonly name: string;
  readonly balanceUsd: number;
  readonly canTrade: boolean;
  readonly isVisible: boolean;
  readonly simulated: boolean;
}

export interface PxContract {
  /** e.g. CON.F.US.MNQ.H25 */
  readonly id: string;
  /** e.g. MNQH5 */
  readonly name: string;
  readonly description: string;
  readonly tickSize: number;
  readonly tickValueUsd: number;
  readonly activeContract: boolean;
  /** e.g. F.US.MNQ; null when the gateway omits it. */
  readonly symbolId: string | null;
}

export interface PxOrder {
  readonly id: number;
  readonly accountId: number;
  readonly contractId: string;
  readonly symbolId: string | null;
  readonly creationTsMs: number;
  readonly updateTsMs: number | null;
  readonly status: OrderStatus;
  readonly type: OrderType;
  readonly side: OrderSideCode;
  readonly size: number;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  readonly fillVolume: number;
  readonly filledPrice: number | null;
  readonly customTag: string | null;
  /** Stream-only (live, undocumented): the entry order of a bracket leg. */
  readonly parentOrderId: number | null;
  /** Stream-only: on the take-profit leg, the stop-loss leg's id. */
  readonly linkedOrderId: number | null;
}

export interface PxPosition {
  readonly id: number;
  readonly accountId: number;
  readonly contractId: string;
  readonly creationTsMs: number;
  readonly type: PositionType;
  /** Always >= 0; 0 means closed. */
  readonly size: number;
  readonly averagePrice: number;
}

export interface PxTrade {
  readonly id: number;
  readonly accountId: number;
  readonly contractId: string;
  readonly creationTsMs: number;
  readonly price: number;
  /** null for a half-turn (opening) fill. */
  readonly profitAndLossUsd: number | null;
  /** Fees for this half-turn. */
  readonly feesUsd: number;
  readonly side: OrderSideCode;
  readonly size: number;
  readonly voided: boolean;
  readonly orderId: number;
}

export interface PxQuote {
  readonly contractId: string;
  readonly symbolId: string | null;
  readonly lastPrice: number | null;
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  readonly volume: number | null;
  readonly tsMs: number;
}

export interface PxMarketTrade {
  readonly contractId: string;
  readonly price: number;
  readonly volume: number;
  /** 0 Buy, 1 Sell (TradeLogType). */
  readonly type: number;
  readonly tsMs: number;
}

export interface PxDepthEntry {
  readonly contractId: string;
  readonly type: DomType;
  readonly price: number;
  readonly volume: number;
  readonly currentVolume: number;
  readonly tsMs: number;
}

/** A user-hub event after unwrapping `{action, data}`. */
export interface PxUserEvent<T> {
  readonly action: EventAction;
  readonly data: T;
}
