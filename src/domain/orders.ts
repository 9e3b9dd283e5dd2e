// Orders, executions and positions as the engine and every broker adapter exchange them: the bracket
// entry request, engine commands, execution events, the open position and its risk liquidation level.
//
// Stops and targets travel as tick distances from the fill price, as ProjectX brackets do, so the
// simulated and live brackets sit at the same prices for the same fill.

import type { OrderSide, Side } from './trading.ts';

/** An entry order with a server-side OCO bracket. */
export interface BracketOrderRequest {
  /** Engine-unique id of the intention (journaled before sending). */
  readonly intentId: string;
  /** Unique tag sent to the venue (idempotency key). */
  readonly customTag: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly entryType: 'market' | 'limit';
  /** Limit price (limit entries only). */
  readonly limitPrice?: number;
  /** Stop distance from the fill price, ticks (> 0). */
  readonly stopTicks: number;
  /** Target distance from the fill price, ticks (> 0). */
  readonly targetTicks: number;
  /** Bar close time at which the decision was taken (UTC ms). */
  readonly decidedAtMs: number;
  /** A limit entry not filled by then is cancelled (UTC ms). */
  readonly expiresAtMs?: number;
}

/** Why a position closed; policy_exit = the decision policy asked for flat (RL). */
export type ExitReason = 'stop' | 'target' | 'flatten' | 'policy_exit' | 'session_end' | 'risk_liquidation' | 'kill_switch' | 'end_of_data';

/** Events reported by a broker, in time order. */
export type ExecutionEvent =
  | {
      readonly kind: 'entry_filled';
      readonly intentId: string;
      readonly tsMs: number;
      readonly side: OrderSide;
      readonly qty: number;
      readonly price: number;
      readonly commissionUsd: number;
      readonly stopPrice: number;
      readonly targetPrice: number;
    }
  | {
      readonly kind: 'exit_filled';
      readonly intentId: string;
      readonly tsMs: number;
      readonly side: OrderSide;
      readonly qty: number;
      readonly price: number;
      readonly commissionUsd: number;
      readonly reason: ExitReason;
    }
  | { readonly kind: 'entry_cancelled'; readonly intentId: string; readonly tsMs: number; readonly reason: string }
  | { readonly kind: 'entry_rejected'; readonly intentId: string; readonly tsMs: number; readonly reason: string };

/** Commands the engine issues; a runner hands them to its broker. */
export type EngineCommand =
  | { readonly kind: 'submit_bracket'; readonly order: BracketOrderRequest }
  | { readonly kind: 'cancel_entry'; readonly intentId: string; readonly reason: string }
  | { readonly kind: 'flatten'; readonly symbol: string; readonly reason: ExitReason; readonly detail: string };

/** Open position with its working bracket as a broker sees it. */
export interface BrokerPosition {
  readonly intentId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly entryPrice: number;
  readonly entryTsMs: number;
  readonly stopPrice: number;
  readonly targetPrice: number;
}

/** A risk level at which the position is liquidated (long: price at or below; short: at or above). */
export interface LiquidationLevel {
  readonly price: number;
  readonly rule: string;
}

/** What a submit produced: the broker's order id (null when none was assigned) and immediate events. */
export interface SubmitOutcome {
  readonly brokerOrderId: string | null;
  readonly events: readonly ExecutionEvent[];
}
