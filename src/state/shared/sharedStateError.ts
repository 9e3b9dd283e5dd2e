// The error class of the shared (multi-machine) state: lost leadership, refused connections, bad models.

import { TxbotError } from '../../domain/index.ts';

/** Stable codes of shared-state failures; callers branch on them, never on the text. */
export type SharedStateErrorCode =
  | 'LEADERSHIP_LOST'
  | 'INSECURE_STATE_URL'
  | 'INVALID_STATE_URL'
  | 'INVALID_STATE_OPTION'
  | 'MODEL_SHA_MISMATCH'
  | 'MODEL_NOT_FOUND'
  | 'REDIS_REPLY_UNEXPECTED'
  | 'STATE_STORE_CLOSED';

/** A shared-state operation failed or was refused; `code` says which rule. */
export class SharedStateError extends TxbotError {
  declare readonly code: SharedStateErrorCode;
  constructor(code: SharedStateErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** INVALID_STATE_OPTION unless `value` is a positive finite number (`name` is the option's key). */
export function requirePositiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new SharedStateError('INVALID_STATE_OPTION', `${name} must be a positive number of ms (got ${value})`);
  return value;
}
