// The error a trial or an optimization backend raises, with whether trying the trial again can help.

import { TxbotError } from '../domain/index.ts';

/**
 * Optimization failure with a stable code. `retryable: false` marks failures that would repeat on
 * every attempt (data mismatch, invalid parameters, a malformed result): backends fail them at once.
 */
export class OptimizeError extends TxbotError {
  readonly retryable: boolean;
  constructor(code: string, message: string, retryable: boolean, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.retryable = retryable;
  }
}
