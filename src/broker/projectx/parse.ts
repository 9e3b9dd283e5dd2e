// Pure parsers from ProjectX JSON payloads to the typed models: envelope check, every timestamp format as
// UTC, bars sorted ascending and de-duplicated, and the user hub's `{action, data}` wrapping undone.

import { DAY_MS, HOUR_MS, MINUTE_MS, daysFromCivil, type Bar } from '../../domain/index.ts';
import { ProjectXError, rejectedError } from './errors.ts';
import {
  EventAction,
  type PxAccount,
  type PxContract,
  type PxDepthEntry,
  type PxMarketTrade,
  type PxOrder,
  type PxPosition,
  type PxQuote,
  type PxTrade,
  type PxUserEvent,
} from './types.ts';

type Json = Record<string, unknown>;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO-8601 timestamp to UTC epoch ms. Accepts `Z`, `+hh:mm`, `+hhmm`, `+hh` offsets and naive
 * times (read as UTC, as project-x-py v3.5.8 does after the gateway mixed formats), up to 7 fraction
 * digits (.NET ticks). Returns NaN when the text is not a timestamp.
 */
export function parseTimestampUtcMs(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return Number.NaN;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = daysFromCivil(Number(y), month, day) * DAY_MS + Number(h) * HOUR_MS + Number(mi) * MINUTE_MS + Number(s) * 1000 + ms;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offMin * MINUTE_MS;
  }
  return t;
}

/** UTC ISO text without milliseconds when whole, e.g. 2024-01-02T14:30:00Z. */
export function formatUtcIso(tsMs: number): string {
  const iso = new Date(tsMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

function bad(endpoint: string, what: string): ProjectXError {
  return new ProjectXError('PROJECTX_BAD_RESPONSE', { endpoint, retryable: false, message: `ProjectX ${endpoint}: unexpected response: ${what}` });
}

function obj(v: unknown, endpoint: string, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw bad(endpoint, `${what} is not an object (got ${v === null ? 'null' : typeof v})`);
  return v as Json;
}

function num(o: Json, key: string, endpoint: string): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw bad(endpoint, `field "${key}" should be a number (got ${JSON.stringify(v) ?? 'nothing'})`);
}

function numOrNull(o: Json, key: string, endpoint: string): number | null {
  return o[key] === null || o[key] === undefined ? null : num(o, key, endpoint);
}

function str(o: Json, key: string, endpoint: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw bad(endpoint, `field "${key}" should be a string (got ${JSON.stringify(v) ?? 'nothing'})`);
}

function strOrNull(o: Json, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function bool(o: Json, key: string, fallback: boolean): boolean {
  const v = o[key];
  return typeof v === 'boolean' ? v : fallback;
}

function ts(o: Json, key: string, endpoint: string): number {
  const t = parseTimestampUtcMs(str(o, key, endpoint));
  if (Number.isNaN(t)) throw bad(endpoint, `field "${key}" is not a timestamp (got ${JSON.stringify(o[key])})`);
  return t;
}

function tsOrNull(o: Json, key: string, endpoint: string): number | null {
  return o[key] === null || o[key] === undefined ? null : ts(o, key, endpoint);
}

function arr(o: Json, key: string, endpoint: string): unknown[] {
  const v = o[key];
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw bad(endpoint, `field "${key}" should be a list`);
}

/**
 * Checks the common envelope `{success, errorCode, errorMessage}` of an HTTP 200 body and returns it as an
 * object. `success:false` becomes a PROJECTX_REJECTED error carrying the endpoint's error-code name.
 */
export function parseEnvelope(endpoint: string, body: unknown): Json {
  const o = obj(body, endpoint, 'body');
  if (o.success !== true) {
    const code = typeof o.errorCode === 'number' ? o.errorCode : -1;
    throw rejectedError(endpoint, code, typeof o.errorMessage === 'string' ? o.errorMessage : null);
  }
  return o;
}

export function parseAccount(v: unknown, endpoint = 'Account/search'): PxAccount {
  const o = obj(v, endpoint, 'account');
  return {
    id: num(o, 'id', endpoint),
    name: str(o, 'name', endpoint),
    balanceUsd: num(o, 'balance', endpoint),
    canTrade: bool(o, 'canTrade', false),
    isVisible: bool(o, 'isVisible', true),
    simulated: bool(o, 'simulated', false),
  };
}

export function parseContract(v: unknown, endpoint = 'Contract/search'): PxContract {
  const o = obj(v, endpoint, 'contract');
  return {
    id: str(o, 'id', endpoint),
    name: str(o, 'name', endpoint),
    description: strOrNull(o, 'description') ?? '',
    tickSize: num(o, 'tickSize', endpoint),
    tickValueUsd: num(o, 'tickValue', endpoint),
    activeContract: bool(o, 'activeContract', false),
    symbolId: strOrNull(o, 'symbolId'),
  };
}

export function parseOrder(v: unknown, endpoint = 'Order/search'): PxOrder {
  const o = obj(v, endpoint, 'order');
  return {
    id: num(o, 'id', endpoint),
    accountId: num(o, 'accountId', endpoint),
    contractId: str(o, 'contractId', endpoint),
    symbolId: strOrNull(o, 'symbolId'),
    creationTsMs: ts(o, 'creationTimestamp', endpoint),
    updateTsMs: tsOrNull(o, 'updateTimestamp', endpoint),
    status: num(o, 'status', endpoint),
    type: num(o, 'type', endpoint),
    side: num(o, 'side', endpoint),
    size: num(o, 'size', endpoint),
    limitPrice: numOrNull(o, 'limitPrice', endpoint),
    stopPrice: numOrNull(o, 'stopPrice', endpoint),
    fillVolume: numOrNull(o, 'fillVolume', endpoint) ?? 0,
    filledPrice: numOrNull(o, 'filledPrice', endpoint),
    customTag: strOrNull(o, 'customTag'),
    parentOrderId: numOrNull(o, 'parentOrderId', endpoint),
    linkedOrderId: numOrNull(o, 'linkedOrderId', endpoint),
  };
}

export function parsePosition(v: unknown, endpoint = 'Position/searchOpen'): PxPosition {
  const o = obj(v, endpoint, 'position');
  return {
    id: num(o, 'id', endpoint),
    accountId: num(o, 'accountId', endpoint),
    contractId: str(o, 'contractId', endpoint),
    creationTsMs: ts(o, 'creationTimestamp', endpoint),
    type: num(o, 'type', endpoint),
    size: Math.abs(num(o, 'size', endpoint)),
    averagePrice: numOrNull(o, 'averagePrice', endpoint) ?? 0,
  };
}

export function parseTrade(v: unknown, endpoint = 'Trade/search'): PxTrade {
  const o = obj(v, endpoint, 'trade');
  return {
    id: num(o, 'id', endpoint),
    accountId: num(o, 'accountId', endpoint),
    contractId: str(o, 'contractId', endpoint),
    creationTsMs: ts(o, 'creationTimestamp', endpoint),
    price: num(o, 'price', endpoint),
    profitAndLossUsd: numOrNull(o, 'profitAndLoss', endpoint),
    feesUsd: numOrNull(o, 'fees', endpoint) ?? 0,
    side: num(o, 'side', endpoint),
    size: num(o, 'size', endpoint),
    voided: bool(o, 'voided', false),
    orderId: num(o, 'orderId', endpoint),
  };
}

/** One bar `{t, o, h, l, c, v}`; `t` in any timestamp format, read as UTC. */
export function parseBar(v: unknown, endpoint = 'History/retrieveBars'): Bar {
  const o = obj(v, endpoint, 'bar');
  return {
    tsMs: ts(o, 't', endpoint),
    open: num(o, 'o', endpoint),
    high: num(o, 'h', endpoint),
    low: num(o, 'l', endpoint),
    close: num(o, 'c', endpoint),
    volume: numOrNull(o, 'v', endpoint) ?? 0,
  };
}

/** Sorts bars ascending by time and keeps the last copy of each timestamp. */
export function sortDedupeBars(bars: readonly Bar[]): Bar[] {
  const byTs = new Map<number, Bar>();
  for (const b of bars) byTs.set(b.tsMs, b);
  return [...byTs.values()].sort((a, b) => a.tsMs - b.tsMs);
}

/** A retrieveBars body → bars ascending, de-duplicated (the API returns newest first). */
export function parseBarsResponse(body: unknown): Bar[] {
  const o = parseEnvelope('History/retrieveBars', body);
  return sortDedupeBars(arr(o, 'bars', 'History/retrieveBars').map((b) => parseBar(b)));
}

/** Reads the list field `key` of a successful envelope and parses each item. */
export function parseList<T>(endpoint: string, body: unknown, key: string, item: (v: unknown, endpoint: string) => T): T[] {
  return arr(parseEnvelope(endpoint, body), key, endpoint).map((v) => item(v, endpoint));
}

/**
 * Undoes the user hub's `{action, data}` wrapping; a bare payload counts as an update (action 1).
 * Source: live payloads (reference §2.3); action 0 create, 1 update, 2 delete.
 */
export function unwrapUserEvent<T>(payload: unknown, item: (v: unknown, endpoint: string) => T, endpoint: string): PxUserEvent<T> {
  const o = obj(payload, endpoint, 'event');
  if ('data' in o && o.data !== null && typeof o.data === 'object' && !Array.isArray(o.data)) {
    const action = typeof o.action === 'number' ? (o.action as EventAction) : EventAction.Update;
    return { action, data: item(o.data, endpoint) };
  }
  return { action: EventAction.Update, data: item(o, endpoint) };
}

export function parseQuote(contractId: string, v: unknown): PxQuote {
  const endpoint = 'GatewayQuote';
  const o = obj(v, endpoint, 'quote');
  const t = o.timestamp ?? o.lastUpdated;
  const tsMs = typeof t === 'string' ? parseTimestampUtcMs(t) : Number.NaN;
  if (Number.isNaN(tsMs)) throw bad(endpoint, `quote timestamp missing or malformed (got ${JSON.stringify(t)})`);
  return {
    contractId,
    symbolId: strOrNull(o, 'symbol'),
    lastPrice: numOrNull(o, 'lastPrice', endpoint),
    bestBid: numOrNull(o, 'bestBid', endpoint),
    bestAsk: numOrNull(o, 'bestAsk', endpoint),
    volume: numOrNull(o, 'volume', endpoint),
    tsMs,
  };
}

/** GatewayTrade payload: one trade or a list of them. */
export function parseMarketTrades(contractId: string, v: unknown): PxMarketTrade[] {
  const endpoint = 'GatewayTrade';
  const items = Array.isArray(v) ? v : [v];
  return items.map((it) => {
    const o = obj(it, endpoint, 'trade');
    return {
      contractId,
      price: num(o, 'price', endpoint),
      volume: numOrNull(o, 'volume', endpoint) ?? 0,
      type: numOrNull(o, 'type', endpoint) ?? 0,
      tsMs: ts(o, 'timestamp', endpoint),
    };
  });
}

/** GatewayDepth payload: one entry or a list (project-x-py treats it as a list). */
export function parseDepth(contractId: string, v: unknown): PxDepthEntry[] {
  const endpoint = 'GatewayDepth';
  const items = Array.isArray(v) ? v : [v];
  return items.map((it) => {
    const o = obj(it, endpoint, 'depth entry');
    return {
      contractId,
      type: num(o, 'type', endpoint),
      price: num(o, 'price', endpoint),
      volume: numOrNull(o, 'volume', endpoint) ?? 0,
      currentVolume: numOrNull(o, 'currentVolume', endpoint) ?? 0,
      tsMs: ts(o, 'timestamp', endpoint),
    };
  });
}
