// Typed ProjectX REST client: every Gateway endpoint, client-side rate limits, token handling, and retries
// for reads only (429/5xx/transport with the shared RetryPolicy); mutations are sent once and never queued.

import type { Logger } from 'pino';
import { systemClock, type Bar, type Clock } from '../../../domain/index.ts';
import { silentLogger } from '../../../log/index.ts';
import { ProjectXError } from '../errors.ts';
import {
  parseAccount,
  parseBarsResponse,
  parseContract,
  parseEnvelope,
  parseList,
  parseOrder,
  parsePosition,
  parseTrade,
  formatUtcIso,
} from '../parse.ts';
import { ProjectXRateLimits } from '../rateLimiter.ts';
import { defaultRestRetryPolicy, type RetryPolicy } from '../retryPolicy.ts';
import type { BarUnit, OrderSideCode, OrderType, PxAccount, PxContract, PxOrder, PxPosition, PxTrade } from '../types.ts';
import { sendRequest, type FetchFn } from './transport.ts';
import { ProjectXSession, credentialsFromEnv, type ProjectXCredentials } from './session.ts';

/** Construction options; only `apiUrl` is required. */
export interface ProjectXClientOptions {
  /** REST base, e.g. https://api.topstepx.com (with or without /api). */
  readonly apiUrl: string;
  /** Credentials source; default reads PROJECTX_USERNAME / PROJECTX_API_KEY when first needed. */
  readonly credentials?: () => ProjectXCredentials;
  readonly clock?: Clock;
  /** Backoff for reads after 429/5xx/transport errors (default: 0.5 s, 1 s, 2 s … ≤30 s, 8 retries). */
  readonly retryPolicy?: RetryPolicy;
  /** Client-side budgets (defaults 50/30 s bars, 200/60 s other). */
  readonly limits?: ProjectXRateLimits;
  readonly logger?: Logger;
  /** Per-request timeout (default 15 000 ms). */
  readonly requestTimeoutMs?: number;
  readonly fetch?: FetchFn;
}

/** Bracket leg: signed tick offset from the fill price and leg order type (SL 4 Stop, TP 1 Limit). */
export interface BracketLegSpec {
  readonly ticks: number;
  readonly type: OrderType;
}

/** Order/place body. `customTag` must be unique across the account (the idempotency key). */
export interface PlaceOrderRequest {
  readonly accountId: number;
  readonly contractId: string;
  readonly type: OrderType;
  readonly side: OrderSideCode;
  readonly size: number;
  readonly limitPrice?: number | null;
  readonly stopPrice?: number | null;
  readonly trailPrice?: number | null;
  readonly customTag?: string | null;
  readonly stopLossBracket?: BracketLegSpec | null;
  readonly takeProfitBracket?: BracketLegSpec | null;
}

export interface ModifyOrderRequest {
  readonly accountId: number;
  readonly orderId: number;
  readonly size?: number;
  readonly limitPrice?: number | null;
  readonly stopPrice?: number | null;
  readonly trailPrice?: number | null;
}

export interface RetrieveBarsRequest {
  readonly contractId: string;
  readonly live: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly unit: BarUnit;
  readonly unitNumber: number;
  /** At most 20 000 (the API cap). */
  readonly limit: number;
  readonly includePartialBar?: boolean;
}

type CallKind = 'read' | 'mutation';

/** Carries an error out of a retry loop untouched (it was already retried where it arose). */
class FinalFailure {
  constructor(readonly error: unknown) {}
}

/** The REST client. Methods return parsed models; failures are ProjectXError. */
export class ProjectXClient {
  readonly apiUrl: string;
  readonly clock: Clock;
  readonly session: ProjectXSession;
  readonly limits: ProjectXRateLimits;
  private readonly retryPolicy: RetryPolicy;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly fetchFn: FetchFn;

  constructor(options: ProjectXClientOptions) {
    this.apiUrl = options.apiUrl;
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? new ProjectXRateLimits(this.clock);
    this.retryPolicy = options.retryPolicy ?? defaultRestRetryPolicy();
    this.log = (options.logger ?? silentLogger()).child({ component: 'projectx-rest' });
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.fetchFn = options.fetch ?? fetch;
    const credentials = options.credentials ?? (() => credentialsFromEnv());
    this.session = new ProjectXSession(credentials, (endpoint, body, token) => this.sessionCall(endpoint, body, token), this.clock, this.log);
  }

  // ---- core ------------------------------------------------------------------------------------

  private raw(endpoint: string, body: unknown, token: string | undefined, method: 'POST' | 'GET' = 'POST'): Promise<unknown> {
    return sendRequest({ baseUrl: this.apiUrl, endpoint, method, body, token, timeoutMs: this.timeoutMs }, this.fetchFn);
  }

  /** Auth calls: rate-limited like the rest; retried on 429/5xx/transport (they change no trading state). */
  private sessionCall(endpoint: string, body: unknown, token: string | undefined): Promise<unknown> {
    return this.withRetries(endpoint, async () => {
      await this.limits.default.acquire();
      return this.raw(endpoint, body, token);
    });
  }

  private async withRetries<T>(endpoint: string, attempt: () => Promise<T>): Promise<T> {
    const firstFailureMs = this.clock.nowMs();
    for (let retries = 0; ; retries++) {
      try {
        return await attempt();
      } catch (e) {
        if (e instanceof FinalFailure) throw e.error;
        if (!(e instanceof ProjectXError) || !e.retryable) throw e;
        const delayMs = this.retryPolicy.nextDelayMs({ previousRetryCount: retries, elapsedMs: this.clock.nowMs() - firstFailureMs, retryReason: e });
        if (delayMs === null) throw e;
        this.log.warn({ endpoint, code: e.code, httpStatus: e.httpStatus, retry: retries + 1, delayMs }, 'projectx request failed; retrying');
        await this.clock.sleep(delayMs);
      }
    }
  }

  /** One authenticated call: reads wait for budget and retry; mutations fail fast without budget and are sent once. */
  private async call(endpoint: string, body: unknown, kind: CallKind): Promise<unknown> {
    const limiter = this.limits.limiterFor(endpoint);
    const once = async (): Promise<unknown> => {
      // Login/refresh failures were already retried inside the session call; retrying here would multiply them.
      let token = await this.session.getToken().catch((e: unknown) => {
        throw new FinalFailure(e);
      });
      if (kind === 'read') await limiter.acquire();
      else if (!limiter.tryAcquire()) {
        throw new ProjectXError('PROJECTX_LOCAL_RATE_LIMIT', {
          endpoint,
          retryable: false,
          message: `ProjectX ${endpoint}: not sent, the client-side budget (${limiter.maxRequests} per ${limiter.windowMs / 1000} s) is spent; next slot in ${limiter.waitTimeMs()} ms`,
        });
      }
      try {
        return await this.raw(endpoint, body, token);
      } catch (e) {
        if (!(e instanceof ProjectXError) || e.code !== 'PROJECTX_UNAUTHORIZED') throw e;
        // A 401 means the request was not processed, so one resend with a fresh token is safe for any call.
        this.log.warn({ endpoint }, 'projectx 401; renewing the session once');
        token = await this.session.renewAfterUnauthorized(token);
        if (kind === 'read') await limiter.acquire();
        else if (!limiter.tryAcquire()) throw e;
        return await this.raw(endpoint, body, token);
      }
    };
    return kind === 'read'
      ? this.withRetries(endpoint, once)
      : once().catch((e: unknown) => {
          throw e instanceof FinalFailure ? e.error : e;
        });
  }

  // ---- auth & status ---------------------------------------------------------------------------

  /** Logs in (if needed) and returns nothing; the token stays inside the session. */
  async login(): Promise<void> {
    await this.session.getToken();
  }

  async logout(): Promise<void> {
    await this.session.logout();
  }

  /** GET Status/ping; true when the gateway answers "pong". */
  async ping(): Promise<boolean> {
    const body = await this.withRetries('Status/ping', async () => {
      await this.limits.default.acquire();
      return this.raw('Status/ping', undefined, undefined, 'GET');
    });
    return typeof body === 'string' ? body.toLowerCase().includes('pong') : body !== null;
  }

  // ---- reads -----------------------------------------------------------------------------------

  async searchAccounts(onlyActiveAccounts = true): Promise<PxAccount[]> {
    return parseList('Account/search', await this.call('Account/search', { onlyActiveAccounts }, 'read'), 'accounts', parseAccount);
  }

  async searchContracts(searchText: string, live: boolean): Promise<PxContract[]> {
    return parseList('Contract/search', await this.call('Contract/search', { searchText, live }, 'read'), 'contracts', parseContract);
  }

  async searchContractById(contractId: string): Promise<PxContract> {
    const body = parseEnvelope('Contract/searchById', await this.call('Contract/searchById', { contractId }, 'read'));
    return parseContract(body.contract, 'Contract/searchById');
  }

  async availableContracts(live: boolean): Promise<PxContract[]> {
    return parseList('Contract/available', await this.call('Contract/available', { live }, 'read'), 'contracts', parseContract);
  }

  /** One retrieveBars page, ascending and de-duplicated (see history.ts for paging past the cap). */
  async retrieveBars(req: RetrieveBarsRequest): Promise<Bar[]> {
    const body = {
      contractId: req.contractId,
      live: req.live,
      startTime: formatUtcIso(req.startMs),
      endTime: formatUtcIso(req.endMs),
      unit: req.unit,
      unitNumber: req.unitNumber,
      limit: req.limit,
      includePartialBar: req.includePartialBar ?? false,
    };
    return parseBarsResponse(await this.call('History/retrieveBars', body, 'read'));
  }

  async searchOrders(accountId: number, startMs: number, endMs?: number): Promise<PxOrder[]> {
    const body = { accountId, startTimestamp: formatUtcIso(startMs), endTimestamp: endMs === undefined ? null : formatUtcIso(endMs) };
    return parseList('Order/search', await this.call('Order/search', body, 'read'), 'orders', parseOrder);
  }

  async searchOpenOrders(accountId: number): Promise<PxOrder[]> {
    return parseList('Order/searchOpen', await this.call('Order/searchOpen', { accountId }, 'read'), 'orders', parseOrder);
  }

  async searchOpenPositions(accountId: number): Promise<PxPosition[]> {
    return parseList('Position/searchOpen', await this.call('Position/searchOpen', { accountId }, 'read'), 'positions', parsePosition);
  }

  async searchTrades(accountId: number, startMs: number, endMs?: number): Promise<PxTrade[]> {
    const body = { accountId, startTimestamp: formatUtcIso(startMs), endTimestamp: endMs === undefined ? null : formatUtcIso(endMs) };
    return parseList('Trade/search', await this.call('Trade/search', body, 'read'), 'trades', parseTrade);
  }

  // ---- mutations (sent once; see orders.ts for the customTag resolution of an unanswered place) -----

  /** Order/place, sent exactly once. Returns the entry order id (brackets' ids come from the user hub). */
  async placeOrder(req: PlaceOrderRequest): Promise<number> {
    const body = parseEnvelope('Order/place', await this.call('Order/place', req, 'mutation'));
    if (typeof body.orderId !== 'number') {
      throw new ProjectXError('PROJECTX_BAD_RESPONSE', {
        endpoint: 'Order/place',
        httpStatus: 200,
        retryable: false,
        message: 'ProjectX Order/place: success without an orderId',
      });
    }
    return body.orderId;
  }

  async modifyOrder(req: ModifyOrderRequest): Promise<void> {
    parseEnvelope('Order/modify', await this.call('Order/modify', req, 'mutation'));
  }

  async cancelOrder(accountId: number, orderId: number): Promise<void> {
    parseEnvelope('Order/cancel', await this.call('Order/cancel', { accountId, orderId }, 'mutation'));
  }

  /** Market-flattens one contract. Leaves bracket legs alive (the gateway does not cancel them). */
  async closePosition(accountId: number, contractId: string): Promise<void> {
    parseEnvelope('Position/closeContract', await this.call('Position/closeContract', { accountId, contractId }, 'mutation'));
  }

  async partialClosePosition(accountId: number, contractId: string, size: number): Promise<void> {
    parseEnvelope('Position/partialCloseContract', await this.call('Position/partialCloseContract', { accountId, contractId, size }, 'mutation'));
  }
}
