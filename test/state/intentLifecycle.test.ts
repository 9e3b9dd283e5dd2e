// The order-intent state machine: terminal statuses absorb every event, and statuses only move forward.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntentStatus, isOpenIntent, nextIntentStatus, type IntentEvent } from '../../src/state/index.ts';

const RANK: Record<IntentStatus, number> = {
  INTENDED: 0,
  SENT: 1,
  ACCEPTED: 2,
  PARTIALLY_FILLED: 3,
  FILLED: 4,
  REJECTED: 4,
  CANCELLED: 4,
};
const statusArb = fc.constantFrom(...Object.values(IntentStatus));
const eventArb: fc.Arbitrary<IntentEvent> = fc.oneof(
  fc.constantFrom<IntentEvent>({ kind: 'sent' }, { kind: 'accepted' }, { kind: 'rejected' }, { kind: 'cancelled' }),
  fc.record({ kind: fc.constant('filled' as const), filledQty: fc.integer({ min: 1, max: 5 }), qty: fc.integer({ min: 1, max: 5 }) }),
);

describe('nextIntentStatus', () => {
  it('moves INTENDED to SENT on send and to ACCEPTED on the broker acknowledgement', () => {
    expect(nextIntentStatus(IntentStatus.INTENDED, { kind: 'sent' })).toBe(IntentStatus.SENT);
    expect(nextIntentStatus(IntentStatus.SENT, { kind: 'accepted' })).toBe(IntentStatus.ACCEPTED);
    expect(nextIntentStatus(IntentStatus.INTENDED, { kind: 'accepted' })).toBe(IntentStatus.ACCEPTED);
  });

  it('fills partially below the ordered quantity and fully at or above it', () => {
    expect(nextIntentStatus(IntentStatus.ACCEPTED, { kind: 'filled', filledQty: 1, qty: 3 })).toBe(IntentStatus.PARTIALLY_FILLED);
    expect(nextIntentStatus(IntentStatus.PARTIALLY_FILLED, { kind: 'filled', filledQty: 3, qty: 3 })).toBe(IntentStatus.FILLED);
  });

  it('never leaves a terminal status, whatever the event', () => {
    fc.assert(
      fc.property(fc.constantFrom(IntentStatus.FILLED, IntentStatus.REJECTED, IntentStatus.CANCELLED), eventArb, (status, event) => {
        expect(nextIntentStatus(status, event)).toBe(status);
      }),
    );
  });

  it('never moves a status backwards, and open means not terminal', () => {
    fc.assert(
      fc.property(statusArb, eventArb, (status, event) => {
        const next = nextIntentStatus(status, event);
        expect(RANK[next]).toBeGreaterThanOrEqual(RANK[status]);
        expect(isOpenIntent(next)).toBe(RANK[next] < 4);
      }),
    );
  });
});
