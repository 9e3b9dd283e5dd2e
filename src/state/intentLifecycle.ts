// The order-intent state machine shared by every journal implementation (pure, no I/O).

import { IntentStatus, TERMINAL_INTENT_STATUSES } from './types.ts';

/** What happened to an intent. */
export type IntentEvent =
  | { readonly kind: 'sent' }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'filled'; readonly filledQty: number; readonly qty: number }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'cancelled' };

/**
 * The status after `event`. Terminal statuses never change (a late or repeated broker message is
 * a no-op); `sent` and `accepted` only move forward, so an acknowledgement that overtakes the
 * local `markSent` is kept; fills move to PARTIALLY_FILLED or FILLED whatever came before.
 */
export function nextIntentStatus(current: IntentStatus, event: IntentEvent): IntentStatus {
  if (TERMINAL_INTENT_STATUSES.has(current)) return current;
  switch (event.kind) {
    case 'sent':
      return current === IntentStatus.INTENDED ? IntentStatus.SENT : current;
    case 'accepted':
      return current === IntentStatus.INTENDED || current === IntentStatus.SENT ? IntentStatus.ACCEPTED : current;
    case 'filled':
      return event.filledQty >= event.qty ? IntentStatus.FILLED : IntentStatus.PARTIALLY_FILLED;
    case 'rejected':
      return IntentStatus.REJECTED;
    case 'cancelled':
      return IntentStatus.CANCELLED;
  }
}

/** Whether the intent can still change (not FILLED, REJECTED or CANCELLED). */
export function isOpenIntent(status: IntentStatus): boolean {
  return !TERMINAL_INTENT_STATUSES.has(status);
}
