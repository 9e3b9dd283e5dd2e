// The simulator's REST endpoints: token issue/validation, the same paths and envelopes as the Gateway,
// server-side rate limits (HTTP 429), and armed faults (429 bursts, 5xx, rejections, lost responses).

import type { Bar, Clock } from '../../../domain/index.ts';
import { parseTimestampUtcMs } from '../parse.ts';
import { type SlidingWindowLimiter } from '../rateLimiter.ts';
import { OrderStatus } from '../types.ts';
import type { FaultPlan } from './faults.ts';
import { aggregateBars, periodMs } from './marketReplay.ts';
import type { MatchingEngine } from './matchingEngine.ts';
import { accountJson, contractJson, gatewayTimestamp, orderJson, positionJson, tradeJson } from './model.ts';

/** What the HTTP layer does with a request: answer, or close the socket without answering. */
export type RestOutcome = { readonly kind: 'respond'; readonly status: number; readonly body: unknown } | { readonly kind: 'lose' };

/** A request as the simulator saw it (tests check limits and duplicates with this). */
export interface RestLogEntry {
  readonly endpoint: string;
  readonly tsMs: number;
  readonly status: number;
}

/** Lifetime of a Gateway token (the docs: valid for 24 hours). */
export const TOKEN_LIFETIME_MS = 24 * 3_600_000;

/** Issues and checks bearer tokens shaped like JWTs (`exp` claim in seconds). */
export class SimTokens {
  private readonly valid = new Map<string, { userName: string; expiresAtMs: number }>();
  private seq = 0;
  /** @param lifetimeMs lifetime of the next token issued (default 24 h; the short-token-lifetime fault lowers it). */
  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs: () => number = () => TOKEN_LIFETIME_MS,
  ) {}

  issue(userName: string): string {
    const expiresAtMs = this.clock.nowMs() + this.lifetimeMs();
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: userName, exp: Math.floor(expiresAtMs / 1000), jti: ++this.seq })}.sim${this.seq}`;
    this.valid.set(token, { userName, expiresAtMs });
    return token;
  }

  check(token: string | null): string | null {
    if (!token) return null;
    const t = this.valid.get(token);
    return t && this.clock.nowMs() < t.expiresAtMs ? t.userName : null;
  }

  revoke(token: string): void {
    this.valid.delete(token);
  }

  /** Fault: every token stops working (as after a server-side session reset). */
  expireAll(): void {
    this.valid.clear();
  }
}

/** Everything the REST handler reads and changes. */
export interface RestContext {
  readonly clock: Clock;
  readonly engine: MatchingEngine;
  readonly tokens: SimTokens;
  readonly faults: FaultPlan;
  readonly users: ReadonlyMap<string, string>;
  readonly bars: ReadonlyMap<string, readonly Bar[]>;
  readonly baseBarMs: ReadonlyMap<string, number>;
  /** Bars starting at or after this are not served yet (the replay has not reached them). */
  historyVisibleBeforeMs(): number;
  readonly limits: { readonly bars: SlidingWindowLimiter; readonly default: SlidingWindowLimiter } | null;
  readonly log: RestLogEntry[];
}

const ok = (fields: Record<string, unknown> = {}): RestOutcome => ({
  kind: 'respond',
  status: 200,
  body: { ...fields, success: true, errorCode: 0, errorMessage: null },
});
const fail = (errorCode: number, errorMessage: string, fields: Record<string, unknown> = {}): RestOutcome => ({
  kind: 'respond',
  status: 200,
  body: { ...fields, success: false, errorCode, errorMessage },
});
const http = (status: number, body: unknown = null): RestOutcome => ({ kind: 'respond', status, body });

type Body = Record<string, unknown>;

function windowOf(body: Body): { startMs: number; endMs: number } | null {
  const start = typeof body.startTimestamp === 'string' ? parseTimestampUtcMs(body.startTimestamp) : Number.NaN;
  if (Number.isNaN(start)) return null;
  const end = typeof body.endTimestamp === 'string' ? parseTimestampUtcMs(body.endTimestamp) : Number.POSITIVE_INFINITY;
  return { startMs: start, endMs: Number.isNaN(end) ? Number.POSITIVE_INFINITY : end };
}

/** Handles one request; `bearer` is the Authorization token, if any. */
export function handleRest(ctx: RestContext, method: string, endpoint: string, body: Body, bearer: string | null): RestOutcome {
  const outcome = route(ctx, method, endpoint, body, bearer);
  ctx.log.push({ endpoint, tsMs: ctx.clock.nowMs(), status: outcome.kind === 'respond' ? outcome.status : 0 });
  return outcome;
}

function route(ctx: RestContext, method: string, endpoint: string, body: Body, bearer: string | null): RestOutcome {
  if (endpoint === 'Status/ping') return method === 'GET' ? { kind: 'respond', status: 200, body: 'pong' } : http(405);
  if (method !== 'POST') return http(405);
  if (ctx.faults.takeRateLimit(endpoint) || ctx.faults.inRateLimitStorm(endpoint)) return http(429);
  const limiter = ctx.limits ? (endpoint === 'History/retrieveBars' ? ctx.limits.bars : ctx.limits.default) : null;
  if (limiter && !limiter.tryAcquire()) return http(429);
  const status5xx = ctx.faults.takeServerError(endpoint);
  if (status5xx !== null) return http(status5xx, { title: 'Service Unavailable' });
  if (endpoint === 'Auth/loginKey') {
    const expected = typeof body.userName === 'string' ? ctx.users.get(body.userName) : undefined;
    if (expected === undefined || body.apiKey !== expected) return fail(3, 'Invalid credentials', { token: null });
    return ok({ token: ctx.tokens.issue(body.userName as string) });
  }
  const user = ctx.tokens.check(bearer);
  if (!user) return http(401);
  const rejected = ctx.faults.takeReject(endpoint);
  if (rejected) return fail(rejected.errorCode, rejected.errorMessage, endpoint === 'Order/place' ? { orderId: null } : {});
  const outcome = authed(ctx, endpoint, body, bearer!, user);
  if (ctx.faults.takeLostResponse(endpoint)) return { kind: 'lose' };
  const lost = ctx.faults.takeLostAfterCommit(endpoint);
  if (lost === 'drop') return { kind: 'lose' };
  if (lost !== null) return http(lost, `${lost} ${PROXY_STATUS_TEXT[lost]}`);
  return outcome;
}

/** Status texts of the 5xx answers a proxy in front of the gateway sends (answer-lost-after-commit fault). */
const PROXY_STATUS_TEXT: Record<500 | 502 | 503 | 504, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function authed(ctx: RestContext, endpoint: string, body: Body, token: string, user: string): RestOutcome {
  const e = ctx.engine;
  const accountId = Number(body.accountId);
  const accountKnown = e.accounts.has(accountId);
  switch (endpoint) {
    case 'Auth/validate':
      ctx.tokens.revoke(token);
      return ok({ newToken: ctx.tokens.issue(user) });
    case 'Auth/logout':
      ctx.tokens.revoke(token);
      return ok();
    case 'Account/search':
      if (typeof body.onlyActiveAccounts !== 'boolean')
        return http(400, { errors: { onlyActiveAccounts: ['The onlyActiveAccounts field is required.'] } });
      return ok({ accounts: [...e.accounts.values()].filter((a) => !body.onlyActiveAccounts || a.canTrade).map(accountJson) });
    case 'Contract/search': {
      const text = String(body.searchText ?? '').toUpperCase();
      const found = [...e.contracts.values()].filter(
        (c) => c.id.toUpperCase().includes(text) || c.name.toUpperCase().includes(text) || c.description.toUpperCase().includes(text),
      );
      return ok({ contracts: found.slice(0, 20).map(contractJson) });
    }
    case 'Contract/searchById': {
      const c = e.contracts.get(String(body.contractId));
      return c ? ok({ contract: contractJson(c) }) : fail(1, `Contract ${String(body.contractId)} not found`, { contract: null });
    }
    case 'Contract/available':
      return ok({ contracts: [...e.contracts.values()].filter((c) => c.activeContract).map(contractJson) });
    case 'History/retrieveBars':
      return retrieveBars(ctx, body);
    case 'Order/place': {
      const r = e.place(body as never);
      return r.ok ? ok({ orderId: r.orderId }) : fail(r.errorCode, r.errorMessage, { orderId: null });
    }
    case 'Order/cancel': {
      const r = e.cancel(accountId, Number(body.orderId));
      return r.ok ? ok() : fail(r.errorCode, r.errorMessage);
    }
    case 'Order/modify': {
      const r = e.modify(body as never);
      return r.ok ? ok() : fail(r.errorCode, r.errorMessage);
    }
    case 'Order/search': {
      if (!accountKnown) return fail(1, `Account ${accountId} not found`, { orders: [] });
      const w = windowOf(body);
      if (!w) return http(400, { errors: { startTimestamp: ['The startTimestamp field is required.'] } });
      // Suspended (status 8) bracket legs are invisible to REST, as on the live gateway.
      const orders = [...e.orders.values()].filter(
        (o) => o.accountId === accountId && o.status !== OrderStatus.Suspended && o.creationTsMs >= w.startMs && o.creationTsMs < w.endMs,
      );
      return ok({ orders: orders.map((o) => orderJson(o, e.contracts.get(o.contractId)?.symbolId ?? '', false)) });
    }
    case 'Order/searchOpen': {
      if (!accountKnown) return fail(1, `Account ${accountId} not found`, { orders: [] });
      const orders = [...e.orders.values()].filter(
        (o) => o.accountId === accountId && (o.status === OrderStatus.Open || o.status === OrderStatus.Pending),
      );
      return ok({ orders: orders.map((o) => orderJson(o, e.contracts.get(o.contractId)?.symbolId ?? '', false)) });
    }
    case 'Position/searchOpen':
      if (!accountKnown) return fail(1, `Account ${accountId} not found`, { positions: [] });
      return ok({ positions: e.openPositions(accountId).map(positionJson) });
    case 'Position/closeContract':
    case 'Position/partialCloseContract': {
      const partial = endpoint === 'Position/partialCloseContract';
      const r = e.close(accountId, String(body.contractId), partial ? Number(body.size) : null, partial);
      return r.ok ? ok() : fail(r.errorCode, r.errorMessage);
    }
    case 'Trade/search': {
      if (!accountKnown) return fail(1, `Account ${accountId} not found`, { trades: [] });
      const w = windowOf(body);
      if (!w) return http(400, { errors: { startTimestamp: ['The startTimestamp field is required.'] } });
      return ok({
        trades: e.trades.filter((t) => t.accountId === accountId && t.creationTsMs >= w.startMs && t.creationTsMs < w.endMs).map(tradeJson),
      });
    }
    default:
      return http(404, { title: `No endpoint ${endpoint}` });
  }
}

const STYLES = ['offset', 'z', 'naive'] as const;

function retrieveBars(ctx: RestContext, body: Body): RestOutcome {
  const contractId = String(body.contractId);
  const base = ctx.bars.get(contractId);
  if (!base || !ctx.engine.contracts.has(contractId)) return fail(1, `Contract ${contractId} not found`, { bars: [] });
  const unitNumber = Number(body.unitNumber);
  const limit = Number(body.limit);
  const period = periodMs(Number(body.unit), unitNumber);
  if (period === null) return fail(2, `Unit ${String(body.unit)} is not supported`, { bars: [] });
  const baseMs = ctx.baseBarMs.get(contractId) ?? 60_000;
  if (!Number.isInteger(unitNumber) || unitNumber < 1 || period < baseMs || period % baseMs !== 0)
    return fail(3, `Unit number ${String(body.unitNumber)} is invalid`, { bars: [] });
  if (!Number.isInteger(limit) || limit < 1 || limit > 20_000) return fail(4, `Limit ${String(body.limit)} is invalid (1..20000)`, { bars: [] });
  const startMs = parseTimestampUtcMs(String(body.startTime));
  const endMs = parseTimestampUtcMs(String(body.endTime));
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) return http(400, { errors: { startTime: ['startTime and endTime must be ISO timestamps.'] } });
  const visibleBefore = ctx.historyVisibleBeforeMs();
  const inRange = aggregateBars(
    base.filter((b) => b.tsMs < visibleBefore),
    period,
  ).filter((b) => b.tsMs >= startMs && b.tsMs < endMs && b.tsMs + period <= visibleBefore);
  const newestFirst = inRange.reverse().slice(0, limit);
  const mixed = ctx.faults.mixedTimestampResponses > 0;
  if (mixed) ctx.faults.mixedTimestampResponses--;
  return ok({
    bars: newestFirst.map((b, i) => ({
      t: gatewayTimestamp(b.tsMs, mixed ? STYLES[i % 3] : 'offset'),
      o: b.open,
      h: b.high,
      l: b.low,
      c: b.close,
      v: b.volume,
    })),
  });
}
