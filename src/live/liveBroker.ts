// The asynchronous broker seam of the live loop: what the runner needs from a broker that may answer
// over the network. PaperBroker (SimBroker on live bars) and ProjectXLiveBroker implement it.

import type { Bar } from '../domain/bar.ts';
import type { BracketOrderRequest, BrokerPosition, ExecutionEvent, ExitReason } from '../broker/broker.ts';
import type { LiquidationLevel } from '../broker/sim/simBroker.ts';

/** What a submit produced: the broker's order id (null when none was assigned) and immediate events. */
export interface SubmitOutcome {
  readonly brokerOrderId: string | null;
  readonly events: ExecutionEvent[];
}

/**
 * A broker the live runner drives. Every method is called from the runner's one queue, never
 * concurrently. Events the broker learns outside a call (fills streamed by the venue) go to the sink
 * given to `setEventSink`, which queues them behind the current step.
 *
 * | member            | paper (SimBroker)                  | projectx                                  |
 * |-------------------|------------------------------------|-------------------------------------------|
 * | onBarClosed       | matches working orders on the bar  | no-op (fills stream in)                   |
 * | submitBracket     | SimBroker.submitBracket            | placeBracketEntry with the customTag      |
 * | cancelEntry       | SimBroker.cancelEntry              | Order/cancel                              |
 * | flatten           | fill at the reference price        | flattenContract (close + cancel legs)     |
 */
export interface LiveBroker {
  readonly kind: 'paper' | 'projectx';
  /** The open position as this broker sees it, or null. */
  readonly position: BrokerPosition | null;
  /** Whether an entry order is working. */
  readonly hasPendingEntry: boolean;
  /** A bar closed; returns executions it caused, in time order. */
  onBarClosed(bar: Bar): Promise<ExecutionEvent[]>;
  /** Sends an entry with its bracket (the intent is already journaled). */
  submitBracket(order: BracketOrderRequest): Promise<SubmitOutcome>;
  cancelEntry(intentId: string, tsMs: number, reason: string): Promise<ExecutionEvent[]>;
  /** Closes the position and cancels working orders; `refPrice` is the last price seen. */
  flatten(refPrice: number, tsMs: number, reason: ExitReason): Promise<ExecutionEvent[]>;
  /** The price at which the open position breaches a risk limit (paper liquidates there). */
  setLiquidationLevel(level: LiquidationLevel | null): void;
  /** Where events learned outside a call go. */
  setEventSink(sink: (events: ExecutionEvent[]) => void): void;
  /** Releases connections; leaves the venue's orders as they are. */
  close(): Promise<void>;
}
