// Record types the journal stores: order intents and their lifecycle, fills, positions, trades,
// end-of-day balances, risk-state changes, per-bar decisions, events and metadata.

import type { RegimeLabel, EntryType, OrderSide, Side, TradingState } from '../domain/index.ts';

/**
 * Lifecycle of an order intent. INTENDED is written before the order is sent; FILLED, REJECTED
 * and CANCELLED are terminal (see `nextIntentStatus` in intentLifecycle.ts for the transitions).
 */
export enum IntentStatus {
  /** Journaled, not yet handed to the broker. */
  INTENDED = 'INTENDED',
  /** Handed to the broker, no order id yet. */
  SENT = 'SENT',
  /** The broker acknowledged it with an order id. */
  ACCEPTED = 'ACCEPTED',
  PARTIALLY_FILLED = 'PARTIALLY_FILLED',
  FILLED = 'FILLED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
}

/** Statuses an intent never leaves. */
export const TERMINAL_INTENT_STATUSES: ReadonlySet<IntentStatus> = new Set([IntentStatus.FILLED, IntentStatus.REJECTED, IntentStatus.CANCELLED]);

/** An order the engine is about to send; journaled (durably) before sending. */
export interface IntentInput {
  /** Engine-chosen unique id of the intent. */
  readonly intentId: string;
  /** The broker's `customTag` (unique per account); how a restarted engine finds its orders. */
  readonly customTag: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Contracts, > 0. */
  readonly qty: number;
  readonly entryType: EntryType;
  /** Limit price for limit orders; reference price (null allowed) for market orders. */
  readonly entryPrice: number | null;
  readonly stopPrice: number | null;
  readonly targetPrice: number | null;
  readonly regime: RegimeLabel | null;
  /** Why the order is sent (stable code and/or text; any unicode). */
  readonly reason: string;
  /** When the intent was created, UTC epoch ms. */
  readonly createdTsMs: number;
}

/** A journaled intent with its current lifecycle state. */
export interface IntentRecord extends IntentInput {
  readonly status: IntentStatus;
  /** When it was handed to the broker (null until markSent). */
  readonly sentTsMs: number | null;
  readonly brokerOrderId: string | null;
  /** Why the broker rejected it (null unless REJECTED). */
  readonly rejectReason: string | null;
  /** Sum of the quantities of its fills. */
  readonly filledQty: number;
  /** Time of the last lifecycle change, UTC epoch ms. */
  readonly updatedTsMs: number;
}

/** One execution reported by the broker; `fillId` makes recording idempotent. */
export interface FillRecord {
  /** Broker's unique execution id. */
  readonly fillId: string;
  /** Broker order id the fill belongs to. */
  readonly orderId: string;
  /** The intent the order came from; when null the journal links it through the broker order id. */
  readonly intentId: string | null;
  readonly symbol: string;
  readonly tsMs: number;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly commissionUsd: number;
}

/** Net position in one symbol at an instant: qty > 0 long, < 0 short, 0 flat. */
export interface PositionSnapshot {
  readonly symbol: string;
  readonly tsMs: number;
  readonly qty: number;
  /** Average entry price of the open quantity (0 when flat). */
  readonly avgPrice: number;
}

/** A round trip from entry to exit. */
export interface TradeRecord {
  /** Unique id; recording the same id twice is a no-op. */
  readonly tradeId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly entryTsMs: number;
  readonly exitTsMs: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Net P&L after `commissionUsd`. A trade with pnlUsd > 0 counts as a win. */
  readonly pnlUsd: number;
  /** Round-trip commission and fees. */
  readonly commissionUsd: number;
  readonly regime: RegimeLabel | null;
  readonly entryReason: string;
  readonly exitReason: string;
}

/** A trade as stored: with the CME trading date of its exit ("YYYY-MM-DD", sessionInfo). */
export interface StoredTradeRecord extends TradeRecord {
  readonly tradingDate: string;
}

/** End-of-day account balance, the input of the trailing maximum-loss limit. */
export interface EndOfDayRecord {
  /** CME trading date "YYYY-MM-DD". */
  readonly tradingDate: string;
  readonly balanceUsd: number;
  readonly tsMs: number;
}

/** A change of the risk engine's trading state. */
export interface RiskStateRecord {
  readonly state: TradingState;
  /** Stable code plus facts, e.g. "DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000". */
  readonly reason: string;
  readonly tsMs: number;
}

/** What the engine decided on one bar (written every bar, so cheap and batchable). */
export interface DecisionRecord {
  /** Start of the bar, UTC epoch ms. */
  readonly barTsMs: number;
  readonly symbol: string;
  readonly regime: RegimeLabel;
  /** Max filtered state probability, in [0, 1]. */
  readonly confidence: number;
  /** Filtered probability per state index. */
  readonly probs: readonly number[];
  /** Stable decision code, e.g. ENTER_LONG, NO_SIGNAL_OUTSIDE_BANDS, DENIED_DAILY_LOSS_LIMIT. */
  readonly decisionCode: string;
  readonly decisionReason: string;
}

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** An error or notable event for the operator. */
export interface EventRecord {
  readonly tsMs: number;
  readonly level: EventLevel;
  /** Component that raised it, e.g. broker.projectx. */
  readonly component: string;
  readonly message: string;
}

/** P&L figures of one trading day, from its trades (and its end-of-day balance when recorded). */
export interface DailySummary {
  readonly tradingDate: string;
  readonly tradeCount: number;
  readonly wins: number;
  readonly losses: number;
  /** wins / tradeCount, null without trades. */
  readonly winRate: number | null;
  /** Sum of the trades' net pnlUsd. */
  readonly pnlUsd: number;
  readonly commissionUsd: number;
  readonly endOfDayBalanceUsd: number | null;
}

/** Metadata keys in use (any other string key is allowed too). */
export const META_KEYS = {
  /** Last HMM training time, UTC epoch ms as a decimal string. */
  LAST_TRAINING_TIME_MS: 'last_training_time_ms',
  /** Id of the model in use. */
  MODEL_ID: 'model_id',
} as const;
