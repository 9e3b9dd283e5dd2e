// IntegrationError: a vendor call (calendar, news, VIX) that failed, with the cause as a stable code.

import { TxbotError } from '../../domain/index.ts';

/** Why a vendor call failed; retry, fallback and alert logic branch on these, never on the message. */
export type IntegrationErrorCode =
  | 'INTEGRATION_TIMEOUT'
  | 'INTEGRATION_NETWORK'
  | 'INTEGRATION_HTTP_STATUS'
  | 'INTEGRATION_RATE_LIMITED'
  | 'INTEGRATION_NOT_JSON'
  | 'INTEGRATION_BAD_PAYLOAD'
  | 'INTEGRATION_VENDOR_ERROR'
  | 'INTEGRATION_BUDGET_EXHAUSTED'
  | 'INTEGRATION_MISSING_KEY';

/**
 * A failed vendor call. `source` names the vendor client (forexfactory, alphavantage, ...), `httpStatus`
 * is the answer's status when there was one. Messages never contain API keys (callers scrub them).
 */
export class IntegrationError extends TxbotError {
  override readonly exitCode = 5;
  declare readonly code: IntegrationErrorCode;
  readonly source: string;
  readonly httpStatus: number | null;
  /** Whether the same request may succeed later (timeouts, 429, 5xx) as opposed to a fix being needed. */
  readonly retryable: boolean;

  constructor(
    code: IntegrationErrorCode,
    source: string,
    message: string,
    options: { httpStatus?: number | null; retryable?: boolean; hint?: string; cause?: unknown } = {},
  ) {
    super(code, `${source}: ${message}`, { hint: options.hint, cause: options.cause });
    this.source = source;
    this.httpStatus = options.httpStatus ?? null;
    this.retryable = options.retryable ?? false;
  }
}

/** The error as one log/alert line, whatever was thrown. */
export function describeFailure(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The stable code of a failure (UNEXPECTED for anything that is not a TxbotError). */
export function failureCode(e: unknown): string {
  return e instanceof TxbotError ? e.code : 'UNEXPECTED';
}
