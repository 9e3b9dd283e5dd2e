// The shared risk state in Redis: daily P&L, open position and regime per symbol, the halt flag and
// the kill switch. Writes are fenced by the leader's token; reads and kill requests work from any machine.

import type { Redis } from 'ioredis';
import { ALL_REGIME_LABELS, type RegimeLabel } from '../../domain/index.ts';
import { FencedStateStore, type FencedOp, type FencedWriteResult } from './fencedStateStore.ts';
import { killKeys, parseKillRequest, requestKill, watchKillRequests, type KillRequest, type KillWatch, type KillWatchOptions } from './killSwitch.ts';
import { SharedStateError } from './sharedStateError.ts';

/** Day P&L of the account (net, USD) for one trading date (YYYY-MM-DD, exchange calendar). */
export interface SharedDailyPnl {
  readonly tradingDate: string;
  readonly pnlUsd: number;
}

/** Open position of one symbol: signed quantity (long > 0) and average entry price. */
export interface SharedPosition {
  readonly qty: number;
  readonly avgPrice: number;
}

/** Current regime of one symbol, as of the bar that produced it. */
export interface SharedRegime {
  readonly regime: RegimeLabel;
  readonly confidence: number;
  readonly barTsMs: number;
}

/** Whether trading is halted, and why. */
export interface SharedHalt {
  readonly halted: boolean;
  readonly reason: string;
}

/** One change of the shared risk state; several are applied in one atomic fenced write. */
export type RiskUpdate =
  | { readonly kind: 'dailyPnl'; readonly value: SharedDailyPnl }
  /** A quantity of 0 removes the symbol's position. */
  | { readonly kind: 'position'; readonly symbol: string; readonly value: SharedPosition }
  | { readonly kind: 'regime'; readonly symbol: string; readonly value: SharedRegime }
  | { readonly kind: 'halt'; readonly value: SharedHalt }
  /** The leader has handled this kill request; watchers skip it from now on. */
  | { readonly kind: 'killAcknowledged'; readonly id: string };

/** Everything the shared risk state holds, read in one transaction. */
export interface SharedRiskSnapshot {
  readonly dailyPnl: SharedDailyPnl | null;
  readonly positions: Readonly<Record<string, SharedPosition>>;
  readonly regimes: Readonly<Record<string, SharedRegime>>;
  readonly halt: SharedHalt | null;
  /** The stored kill request when it has not been acknowledged, else null. */
  readonly pendingKill: KillRequest | null;
  readonly killAcknowledgedId: string | null;
  readonly highestToken: number;
}

/** Options of a RedisRiskState. */
export interface RedisRiskStateOptions {
  readonly redis: Redis;
  /** Prefix of every key, e.g. `txbot:risk:<account>`. */
  readonly keyPrefix: string;
  /** The lease's token key, so a deposed leader is fenced off before its successor's first write. */
  readonly leaseTokenKey?: string;
}

const SYMBOL = /^[A-Za-z0-9._-]{1,64}$/;
const TRADING_DATE = /^\d{4}-\d{2}-\d{2}$/;
const F = { dailyPnl: 'daily_pnl', halt: 'halt', killAck: 'kill_ack', position: 'position:', regime: 'regime:' } as const;

/** Storage layer of the shared risk state. Every write returns the fenced result; a rejection means "not leader". */
export class RedisRiskState {
  readonly keyPrefix: string;
  readonly store: FencedStateStore;
  private readonly redis: Redis;

  constructor(options: RedisRiskStateOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix;
    this.store = new FencedStateStore({ redis: options.redis, keyPrefix: options.keyPrefix, leaseTokenKey: options.leaseTokenKey });
  }

  /** Applies `updates` atomically with fencing token `token`. */
  async apply(token: number, updates: readonly RiskUpdate[]): Promise<FencedWriteResult> {
    return this.store.write(token, updates.map(toOp));
  }

  setDailyPnl(token: number, value: SharedDailyPnl): Promise<FencedWriteResult> {
    return this.apply(token, [{ kind: 'dailyPnl', value }]);
  }

  setPosition(token: number, symbol: string, value: SharedPosition): Promise<FencedWriteResult> {
    return this.apply(token, [{ kind: 'position', symbol, value }]);
  }

  setRegime(token: number, symbol: string, value: SharedRegime): Promise<FencedWriteResult> {
    return this.apply(token, [{ kind: 'regime', symbol, value }]);
  }

  setHalt(token: number, value: SharedHalt): Promise<FencedWriteResult> {
    return this.apply(token, [{ kind: 'halt', value }]);
  }

  acknowledgeKill(token: number, id: string): Promise<FencedWriteResult> {
    return this.apply(token, [{ kind: 'killAcknowledged', id }]);
  }

  /** Writes a kill request from any machine (no token) and notifies the leader. */
  requestKill(reason: string, requestedBy?: KillRequest['requestedBy']): Promise<KillRequest> {
    return requestKill(this.redis, this.keyPrefix, reason, requestedBy);
  }

  /** Calls `onKill` for every kill request not yet acknowledged (pub/sub, plus a poll every `pollMs`). */
  watchKill(onKill: KillWatchOptions['onKill'], options: Pick<KillWatchOptions, 'pollMs' | 'timers' | 'logger'> = {}): Promise<KillWatch> {
    return watchKillRequests({
      ...options,
      redis: this.redis,
      keyPrefix: this.keyPrefix,
      onKill,
      isAcknowledged: async (id) => (await this.store.read(F.killAck)) === id,
    });
  }

  /** The whole state in one MULTI. */
  async snapshot(): Promise<SharedRiskSnapshot> {
    const killKey = killKeys(this.keyPrefix).request;
    const replies = await this.redis.multi().hgetall(this.store.keys.data).get(this.store.keys.highestToken).get(killKey).exec();
    if (!replies) throw new SharedStateError('REDIS_REPLY_UNEXPECTED', `${this.keyPrefix}: snapshot transaction was aborted`);
    for (const [err] of replies) if (err) throw err;
    const [fields, high, killText] = replies.map(([, v]) => v) as [Record<string, string>, string | null, string | null];
    const where = (field: string): string => `${this.store.keys.data} ${field}`;
    const positions: Record<string, SharedPosition> = {};
    const regimes: Record<string, SharedRegime> = {};
    for (const [field, text] of Object.entries(fields)) {
      if (field.startsWith(F.position)) positions[field.slice(F.position.length)] = parsePosition(parseJson(text, where(field)), where(field));
      if (field.startsWith(F.regime)) regimes[field.slice(F.regime.length)] = parseRegime(parseJson(text, where(field)), where(field));
    }
    const kill = killText === null ? null : parseKillRequest(killText, killKey);
    const killAcknowledgedId = fields[F.killAck] ?? null;
    return {
      dailyPnl: fields[F.dailyPnl] === undefined ? null : parseDailyPnl(parseJson(fields[F.dailyPnl], where(F.dailyPnl)), where(F.dailyPnl)),
      positions,
      regimes,
      halt: fields[F.halt] === undefined ? null : parseHalt(parseJson(fields[F.halt], where(F.halt)), where(F.halt)),
      pendingKill: kill && kill.id !== killAcknowledgedId ? kill : null,
      killAcknowledgedId,
      highestToken: Number(high ?? 0),
    };
  }
}

function toOp(u: RiskUpdate): FencedOp {
  switch (u.kind) {
    case 'dailyPnl':
      if (!TRADING_DATE.test(u.value.tradingDate))
        throw invalid(`dailyPnl.tradingDate must be YYYY-MM-DD (got ${JSON.stringify(u.value.tradingDate)})`);
      finite('dailyPnl.pnlUsd', u.value.pnlUsd);
      return { op: 'set', field: F.dailyPnl, value: JSON.stringify({ tradingDate: u.value.tradingDate, pnlUsd: u.value.pnlUsd }) };
    case 'position':
      symbol(u.symbol);
      if (!Number.isInteger(u.value.qty)) throw invalid(`position ${u.symbol}: qty must be an integer (got ${u.value.qty})`);
      finite(`position ${u.symbol}: avgPrice`, u.value.avgPrice);
      if (u.value.qty === 0) return { op: 'del', field: F.position + u.symbol };
      return { op: 'set', field: F.position + u.symbol, value: JSON.stringify({ qty: u.value.qty, avgPrice: u.value.avgPrice }) };
    case 'regime':
      symbol(u.symbol);
      if (!ALL_REGIME_LABELS.includes(u.value.regime)) throw invalid(`regime ${u.symbol}: unknown regime ${JSON.stringify(u.value.regime)}`);
      finite(`regime ${u.symbol}: confidence`, u.value.confidence);
      finite(`regime ${u.symbol}: barTsMs`, u.value.barTsMs);
      return {
        op: 'set',
        field: F.regime + u.symbol,
        value: JSON.stringify({ regime: u.value.regime, confidence: u.value.confidence, barTsMs: u.value.barTsMs }),
      };
    case 'halt':
      return { op: 'set', field: F.halt, value: JSON.stringify({ halted: u.value.halted, reason: u.value.reason }) };
    case 'killAcknowledged':
      return { op: 'set', field: F.killAck, value: u.id };
  }
}

function symbol(s: string): void {
  if (!SYMBOL.test(s)) throw invalid(`symbol ${JSON.stringify(s)} must be 1-64 letters, digits, '.', '_' or '-'`);
}

function finite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw invalid(`${name} must be a finite number (got ${v})`);
}

function invalid(message: string): SharedStateError {
  return new SharedStateError('INVALID_STATE_OPTION', `risk state update: ${message}`);
}

type Json = Record<string, unknown>;

function parseJson(text: string, where: string): Json {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object') return v as Json;
  } catch {
    // reported below
  }
  throw malformed(where, text);
}

function malformed(where: string, text: unknown): SharedStateError {
  return new SharedStateError('REDIS_REPLY_UNEXPECTED', `${where}: malformed value ${JSON.stringify(text)}`);
}

function parseDailyPnl(v: Json, where: string): SharedDailyPnl {
  if (typeof v.tradingDate !== 'string' || typeof v.pnlUsd !== 'number') throw malformed(where, v);
  return { tradingDate: v.tradingDate, pnlUsd: v.pnlUsd };
}

function parsePosition(v: Json, where: string): SharedPosition {
  if (typeof v.qty !== 'number' || typeof v.avgPrice !== 'number') throw malformed(where, v);
  return { qty: v.qty, avgPrice: v.avgPrice };
}

function parseRegime(v: Json, where: string): SharedRegime {
  if (typeof v.regime !== 'string' || !(ALL_REGIME_LABELS as readonly string[]).includes(v.regime)) throw malformed(where, v);
  if (typeof v.confidence !== 'number' || typeof v.barTsMs !== 'number') throw malformed(where, v);
  return { regime: v.regime as RegimeLabel, confidence: v.confidence, barTsMs: v.barTsMs };
}

function parseHalt(v: Json, where: string): SharedHalt {
  if (typeof v.halted !== 'boolean' || typeof v.reason !== 'string') throw malformed(where, v);
  return { halted: v.halted, reason: v.reason };
}
