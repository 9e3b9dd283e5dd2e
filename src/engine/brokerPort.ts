// The one broker port the engine session drives, and the step type of its protocol (a value or a promise).
//
// | member            | SimBroker (backtest, paper, replay)        | ProjectXBroker (live)                      |
// |-------------------|--------------------------------------------|--------------------------------------------|
// | onBar             | matches the working entry and the bracket  | nothing to do (fills stream in): []        |
// |                   | on the bar path (documented fill rules)    |                                            |
// | submitBracket     | holds the entry from the next bar on       | Order/place with signed bracket ticks,     |
// |                   |                                            | customTag lookup when the answer is lost   |
// | cancelEntry       | drops the working entry                    | Order/cancel                               |
// | flatten           | fills at the given price minus slippage;   | closeContract + cancel the legs (price     |
// |                   | no price (NaN) → nothing, the engine       | ignored)                                   |
// |                   | retries on the next bar                    |                                            |
// | setLiquidationLevel | liquidates there on the bar path         | nothing (the venue enforces its own)       |
// | setEventSink      | never called back (fills happen in calls)  | user-hub fills and leg exits               |
// | reconcile reports | n/a                                        | orders/positions/fills via REST (live/)    |
//
// Synchronous brokers return plain values so a backtest never pays a promise per bar; asynchronous
// ones return promises and the session is driven with `driveAsync` (engine/drive.ts).

import type { Bar, BracketOrderRequest, BrokerPosition, ExecutionEvent, ExitReason, LiquidationLevel, SubmitOutcome } from '../domain/index.ts';

/** A value, or a promise of it (asynchronous adapters). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A broker the engine session drives, one per instrument. Every method is called from the session's one
 * serial flow, never concurrently. Events the broker learns outside a call (fills streamed by the venue)
 * go to the sink given to `setEventSink`, which queues them behind the current step.
 */
export interface BrokerPort {
  /** Adapter name for logs and status (`sim`, `projectx`). */
  readonly name: string;
  /** The open position as this broker sees it, or null. */
  readonly position: BrokerPosition | null;
  /** Whether an entry order is working. */
  readonly hasPendingEntry: boolean;
  /** A bar closed; returns the executions it caused, in time order. */
  onBar(bar: Bar): MaybePromise<readonly ExecutionEvent[]>;
  /** Sends an entry with its bracket (the intent is already journaled). */
  submitBracket(order: BracketOrderRequest): MaybePromise<SubmitOutcome>;
  cancelEntry(intentId: string, tsMs: number, reason: string): MaybePromise<readonly ExecutionEvent[]>;
  /** Closes the position and cancels a working entry; `refPrice` is the price to fill at (NaN: none known). */
  flatten(refPrice: number, tsMs: number, reason: ExitReason): MaybePromise<readonly ExecutionEvent[]>;
  /** The price at which the open position breaches a risk limit. */
  setLiquidationLevel(level: LiquidationLevel | null): void;
  /** Where events learned outside a call go. */
  setEventSink(sink: (events: readonly ExecutionEvent[]) => void): void;
  /** Releases connections; leaves the venue's orders as they are. */
  close(): MaybePromise<void>;
}
