// Order, fill, position and signal value types shared by strategy, risk, engine and brokers.

import type { RegimeLabel } from './regime.ts';

export type Side = 'long' | 'short';
export type OrderSide = 'buy' | 'sell';

/** Trading state of the risk engine (NautilusTrader's model). */
export enum TradingState {
  ACTIVE = 'ACTIVE',
  /** Only exposure-reducing orders allowed. */
  REDUCING = 'REDUCING',
  HALTED = 'HALTED',
}

/** How an entry is to be executed. */
export type EntryType = 'market' | 'limit';

/** A trade intention produced by the signal generator (before risk sizing is final). */
export interface Signal {
  readonly side: Side;
  readonly entryType: EntryType;
  /** Limit price for limit entries; reference price (bar close) for market entries. */
  readonly entryPrice: number;
  /** Absolute stop price. */
  readonly stopPrice: number;
  /** Absolute target price. */
  readonly targetPrice: number;
  /** Contracts requested before risk sizing caps. */
  readonly size: number;
  readonly regime: RegimeLabel;
  /** Stable machine code of the entry rule, e.g. PULLBACK_TO_VWAP. */
  readonly reasonCode: string;
  /** Human-readable reason. */
  readonly reason: string;
}

/** Why no signal was produced on a bar (for decisions.jsonl). */
export interface NoSignal {
  readonly side: null;
  readonly reasonCode: string;
  readonly reason: string;
}

/** A risk denial: a value, not an exception (code is stable, detail carries the facts). */
export interface Denied {
  readonly code: string;
  readonly detail: string;
}

/** A fill reported by a broker. */
export interface Fill {
  readonly orderId: string;
  readonly tsMs: number;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly commissionUsd: number;
}

/** Net position in one instrument; qty > 0 long, < 0 short, 0 flat. */
export interface Position {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
}
