// Typed ProjectX errors: HTTP 200 success:false with the endpoint's error-code name, 401, 429, 5xx and
// transport failures each as a ProjectXError; missing credentials as a user error naming the variables.

import { BrokerError, TxbotError } from '../../domain/index.ts';

const LOGIN = [
  'Success',
  'UserNotFound',
  'PasswordVerificationFailed',
  'InvalidCredentials',
  'AppNotFound',
  'AppVerificationFailed',
  'InvalidDevice',
  'AgreementsNotSigned',
  'UnknownError',
  'ApiSubscriptionNotFound',
  'ApiKeyAuthenticationDisabled',
];
const VALIDATE = ['Success', 'InvalidSession', 'SessionNotFound', 'ExpiredToken', 'UnknownError'];
const PLACE = [
  'Success',
  'AccountNotFound',
  'OrderRejected',
  'InsufficientFunds',
  'AccountViolation',
  'OutsideTradingHours',
  'OrderPending',
  'UnknownError',
  'ContractNotFound',
  'ContractNotActive',
  'AccountRejected',
];
const CANCEL = ['Success', 'AccountNotFound', 'OrderNotFound', 'Rejected', 'Pending', 'UnknownError', 'AccountRejected'];
const MODIFY = [...CANCEL, 'ContractNotFound'];
const CLOSE = [
  'Success',
  'AccountNotFound',
  'PositionNotFound',
  'ContractNotFound',
  'ContractNotActive',
  'OrderRejected',
  'OrderPending',
  'UnknownError',
  'AccountRejected',
];
const PARTIAL = [
  'Success',
  'AccountNotFound',
  'PositionNotFound',
  'ContractNotFound',
  'ContractNotActive',
  'InvalidCloseSize',
  'OrderRejected',
  'OrderPending',
  'UnknownError',
  'AccountRejected',
];
const BARS = ['Success', 'ContractNotFound', 'UnitInvalid', 'UnitNumberInvalid', 'LimitInvalid'];
const SEARCH = ['Success', 'AccountNotFound'];
const CONTRACT = ['Success', 'ContractNotFound'];

/** Error-code name tables per endpoint path (swagger enums, reference §1.2–§1.3). */
export const ERROR_CODE_NAMES: Readonly<Record<string, readonly string[]>> = {
  'Auth/loginKey': LOGIN,
  'Auth/validate': VALIDATE,
  'Auth/logout': VALIDATE,
  'Account/search': SEARCH,
  'Contract/search': CONTRACT,
  'Contract/searchById': CONTRACT,
  'Contract/available': CONTRACT,
  'History/retrieveBars': BARS,
  'Order/place': PLACE,
  'Order/cancel': CANCEL,
  'Order/modify': MODIFY,
  'Order/search': SEARCH,
  'Order/searchOpen': SEARCH,
  'Position/searchOpen': SEARCH,
  'Position/closeContract': CLOSE,
  'Position/partialCloseContract': PARTIAL,
  'Trade/search': SEARCH,
};

/** The name of `errorCode` for `endpoint`, e.g. ('Order/place', 2) → 'OrderRejected'; `Code<n>` when unknown. */
export function errorCodeName(endpoint: string, errorCode: number): string {
  return ERROR_CODE_NAMES[endpoint]?.[errorCode] ?? `Code${errorCode}`;
}

/** What went wrong, as a stable code the retry logic branches on. */
export type ProjectXErrorCode =
  | 'PROJECTX_REJECTED' // HTTP 200 success:false
  | 'PROJECTX_UNAUTHORIZED' // HTTP 401
  | 'PROJECTX_RATE_LIMITED' // HTTP 429
  | 'PROJECTX_SERVER_ERROR' // HTTP 5xx
  | 'PROJECTX_HTTP_ERROR' // other HTTP status
  | 'PROJECTX_TRANSPORT' // connection failed/reset/timed out: the request may or may not have been processed
  | 'PROJECTX_BAD_RESPONSE' // unparseable body
  | 'PROJECTX_LOCAL_RATE_LIMIT' // a mutation refused locally: no budget left
  | 'PROJECTX_ORDER_UNRESOLVED'; // a place failed ambiguously and the order could not be found by customTag

/** A ProjectX Gateway failure. `errorCode`/`errorName` are the endpoint's enum (0 when not from the envelope). */
export class ProjectXError extends BrokerError {
  readonly endpoint: string;
  readonly errorCode: number;
  readonly errorName: string;
  readonly httpStatus: number | null;

  constructor(
    code: ProjectXErrorCode,
    fields: { endpoint: string; errorCode?: number; httpStatus?: number | null; retryable: boolean; message: string; hint?: string; cause?: unknown },
  ) {
    super(code, fields.message, fields.retryable, { hint: fields.hint, cause: fields.cause });
    this.endpoint = fields.endpoint;
    this.errorCode = fields.errorCode ?? 0;
    this.errorName = fields.errorCode === undefined ? '' : errorCodeName(fields.endpoint, fields.errorCode);
    this.httpStatus = fields.httpStatus ?? null;
  }

  /** True when the request may have been processed although no answer arrived (timeouts, resets, 5xx). */
  get ambiguous(): boolean {
    return this.code === 'PROJECTX_TRANSPORT' || this.code === 'PROJECTX_SERVER_ERROR';
  }
}

/** Builds the error for an HTTP 200 `success:false` envelope. */
export function rejectedError(endpoint: string, errorCode: number, errorMessage: string | null): ProjectXError {
  const name = errorCodeName(endpoint, errorCode);
  return new ProjectXError('PROJECTX_REJECTED', {
    endpoint,
    errorCode,
    httpStatus: 200,
    retryable: false,
    message: `ProjectX ${endpoint}: ${name} (errorCode ${errorCode})${errorMessage ? `: ${errorMessage}` : ''}`,
  });
}

/** Builds the error for a non-200 HTTP status: 401, 429 and 5xx are told apart. */
export function httpStatusError(endpoint: string, status: number, bodySnippet: string): ProjectXError {
  if (status === 401) {
    return new ProjectXError('PROJECTX_UNAUTHORIZED', {
      endpoint,
      httpStatus: status,
      retryable: false,
      message: `ProjectX ${endpoint}: HTTP 401 unauthorized (token missing, expired or revoked)`,
    });
  }
  if (status === 429) {
    return new ProjectXError('PROJECTX_RATE_LIMITED', {
      endpoint,
      httpStatus: status,
      retryable: true,
      message: `ProjectX ${endpoint}: HTTP 429 rate limited (limits: 50/30 s for History/retrieveBars, 200/60 s otherwise)`,
    });
  }
  if (status >= 500) {
    return new ProjectXError('PROJECTX_SERVER_ERROR', {
      endpoint,
      httpStatus: status,
      retryable: true,
      message: `ProjectX ${endpoint}: HTTP ${status} server error${bodySnippet ? `: ${bodySnippet}` : ''}`,
    });
  }
  return new ProjectXError('PROJECTX_HTTP_ERROR', {
    endpoint,
    httpStatus: status,
    retryable: false,
    message: `ProjectX ${endpoint}: unexpected HTTP ${status}${bodySnippet ? `: ${bodySnippet}` : ''}`,
  });
}

/** Credentials are not set: names the variables to set. */
export class MissingCredentialsError extends TxbotError {
  override readonly exitCode = 2;
  readonly missing: readonly string[];
  constructor(missing: readonly string[]) {
    super(
      'PROJECTX_CREDENTIALS_MISSING',
      `ProjectX credentials missing: environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
      {
        hint: 'export PROJECTX_USERNAME=<your TopstepX user name> and PROJECTX_API_KEY=<API key from the ProjectX dashboard>',
      },
    );
    this.missing = missing;
  }
}
