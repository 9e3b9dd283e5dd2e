// The order gate of a session that may lose its leadership: every call that would change the account at the
// broker (an entry, a cancel, a flatten) first asks the gate, right before it is sent; while the gate is
// closed (the lease may have expired) nothing reaches the broker and entries are reported rejected.

import type { Bar, BracketOrderRequest, ExecutionEvent, ExitReason, LiquidationLevel, SubmitOutcome } from '../domain/index.ts';
import type { BrokerPort, MaybePromise } from '../engine/index.ts';
import { ProjectXError, type ProjectXClient } from '../broker/index.ts';

/** Why acting is unsafe now, or null when it is safe (LeaderElector: `mayAct()` plus its reason). */
export type OrderGate = () => string | null;

/** What a gated broker refused (for logs and tests). */
export interface GateRefusal {
  readonly call: 'submitBracket' | 'cancelEntry' | 'flatten';
  readonly intentId: string | null;
  readonly reason: string;
}

/** `inner` behind `gate`: reads and bar processing pass through, mutations only while the gate is open. */
export function gatedBroker(inner: BrokerPort, gate: OrderGate, onRefused: (r: GateRefusal) => void = () => undefined): BrokerPort {
  return {
    get name() {
      return inner.name;
    },
    get position() {
      return inner.position;
    },
    get hasPendingEntry() {
      return inner.hasPendingEntry;
    },
    onBar: (bar: Bar) => inner.onBar(bar),
    submitBracket(order: BracketOrderRequest): MaybePromise<SubmitOutcome> {
      const reason = gate();
      if (reason === null) return inner.submitBracket(order);
      onRefused({ call: 'submitBracket', intentId: order.intentId, reason });
      return {
        brokerOrderId: null,
        events: [{ kind: 'entry_rejected', intentId: order.intentId, tsMs: order.decidedAtMs, reason: `NOT_LEADER: ${reason}` }],
      };
    },
    cancelEntry(intentId: string, tsMs: number, why: string): MaybePromise<readonly ExecutionEvent[]> {
      const reason = gate();
      if (reason === null) return inner.cancelEntry(intentId, tsMs, why);
      onRefused({ call: 'cancelEntry', intentId, reason });
      return [];
    },
    flatten(refPrice: number, tsMs: number, why: ExitReason): MaybePromise<readonly ExecutionEvent[]> {
      const reason = gate();
      if (reason === null) return inner.flatten(refPrice, tsMs, why);
      onRefused({ call: 'flatten', intentId: null, reason });
      return [];
    },
    setLiquidationLevel: (level: LiquidationLevel | null) => inner.setLiquidationLevel(level),
    setEventSink: (sink: (events: readonly ExecutionEvent[]) => void) => inner.setEventSink(sink),
    close: () => inner.close(),
  };
}

/** The client mutations a gated client checks (every REST call that changes the account). */
const MUTATIONS = ['placeOrder', 'modifyOrder', 'cancelOrder', 'closePosition', 'partialClosePosition'] as const;

/**
 * Makes every account-changing REST call of `client` ask `gate` first, right before the request goes out:
 * also the resends of an unanswered order, reconciliation's protective stops and cancels, and flattens.
 * A closed gate throws a non-retryable PROJECTX_REJECTED naming the reason (nothing is sent).
 */
export function gateClientMutations(client: ProjectXClient, gate: OrderGate): void {
  for (const name of MUTATIONS) {
    const call = (client[name] as (...args: unknown[]) => Promise<unknown>).bind(client);
    const endpoint = name;
    Object.defineProperty(client, name, {
      configurable: true,
      value: (...args: unknown[]) => {
        const reason = gate();
        if (reason === null) return call(...args);
        return Promise.reject(
          new ProjectXError('PROJECTX_REJECTED', { endpoint, retryable: false, message: `NOT_LEADER: ${endpoint} not sent: ${reason}` }),
        );
      },
    });
  }
}
