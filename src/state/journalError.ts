// The journal's error class: unknown or conflicting records, a missing or unreadable journal store.

import { TxbotError } from '../domain/index.ts';
import type { IntentInput } from './types.ts';

/** Stable codes of journal failures. */
export type JournalErrorCode =
  | 'JOURNAL_NOT_FOUND'
  | 'JOURNAL_UNREADABLE'
  | 'JOURNAL_UNAVAILABLE'
  | 'JOURNAL_SCHEMA_TOO_NEW'
  | 'JOURNAL_SCHEMA_OLD'
  | 'JOURNAL_NOT_TXBOT'
  | 'JOURNAL_CLOSED'
  | 'INTENT_NOT_FOUND'
  | 'DUPLICATE_INTENT'
  | 'BROKER_ORDER_ID_CONFLICT'
  | 'INVALID_RECORD';

/** A journal operation failed; `code` says which rule (callers branch on it, never on the text). */
export class JournalError extends TxbotError {
  override readonly exitCode = 5;
  declare readonly code: JournalErrorCode;
  constructor(code: JournalErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** INTENT_NOT_FOUND for `where`. */
export function intentNotFound(where: string, intentId: string): JournalError {
  return new JournalError('INTENT_NOT_FOUND', `journal.${where}: no intent with id ${JSON.stringify(intentId)}`, {
    hint: 'record the intent with recordIntent before sending or updating it',
  });
}

/** DUPLICATE_INTENT for an intent whose id or customTag belongs to another intent. */
export function duplicateIntent(intent: IntentInput): JournalError {
  return new JournalError(
    'DUPLICATE_INTENT',
    `journal.recordIntent: intent ${JSON.stringify(intent.intentId)} with customTag ${JSON.stringify(intent.customTag)} conflicts with a stored intent (intentId and customTag must each be unique)`,
  );
}

/** BROKER_ORDER_ID_CONFLICT when an intent already has a different broker order id. */
export function brokerIdConflict(intentId: string, stored: string, got: string): JournalError {
  return new JournalError(
    'BROKER_ORDER_ID_CONFLICT',
    `journal.recordBrokerOrderId: intent ${JSON.stringify(intentId)} already has broker order id ${JSON.stringify(stored)} (got ${JSON.stringify(got)})`,
  );
}
