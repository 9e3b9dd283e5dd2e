// One machine's hold on the Redis leader lease: SET NX PX plus a fencing token in one Lua script,
// compare-and-set renew/release, and the local bookkeeping that says whether it is still safe to act.
//
// Safety argument. The holder notes, on its monotonic clock, the moment each successful acquire or renew
// was *sent* (earlier than Redis applied it, so the holder always over-estimates the lease's age). Redis
// expires the key TTL after it applied the command, i.e. no earlier than sent + TTL; the holder stops
// acting at sent + TTL − margin. The margin absorbs clock-rate differences and the gap between
// `mayAct()` and the order reaching the broker. Any renewal failure stops acting at once (the lease may
// still be ours; a later successful compare-and-set renewal proves it was held without a break, because
// every acquisition writes a fresh random value that can never reappear once the key is gone).
//
// Redis restarts and fail-overs. A restarted server (or a promoted replica) may have lost the lease key
// and the token counter, so a standby could be granted the lease at once while the old leader, whose
// last renewal went to the old server less than TTL ago, still believes it leads. Rules:
//  1. The acquire script reads the server's run_id from INFO inside the script (atomic with its writes)
//     and compares it with the run_id stored in the key space's `boot` key. On a mismatch (a restart,
//     a fail-over, or a key space never used before, which cannot be told apart from a wiped one) it
//     stores the new run_id, sets a `quarantine` key with PX TTL and grants nothing; every acquire
//     refuses while that key lives. The quarantine starts at the first acquire attempt on the new
//     server, hence after the restart, while the old leader's last successful renewal was sent before
//     the restart: the old leader stops acting (sent + TTL − margin) before the quarantine ends
//     (≥ restart + TTL), and no standby can be granted the lease in between.
//  2. The renew script compares the server's run_id with the one seen at acquire and refuses with
//     RESTARTED on a mismatch, even when the key survived (AOF): writes of the last second may be lost,
//     so the holder steps down and competes again after the quarantine, with a fresh token.
//  3. Tokens stay strictly increasing across a lost or rolled-back counter: the first grant on a new
//     run_id (or with the counter missing) lifts the counter to at least the server's TIME in
//     microseconds before INCR. Earlier tokens were floored at earlier server times and grew by one
//     per grant since, which stays below the microseconds elapsed unless a grant took under 1 µs.
// Known limits: the rules trust the Redis host's wall clock not to step backwards across a restart
// (rule 3) and every machine's monotonic clock to run within `marginMs` per TTL of the Redis clock.
// A `runIdProvider` replaces the INFO read (tests simulating a restart; servers whose ACL forbids INFO
// in scripts, at the price of a read that is no longer atomic with the grant).

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { ACQUIRE_SCRIPT, leaseKeys, RELEASE_SCRIPT, RENEW_SCRIPT, type LeaseKeys } from './leaseScripts.ts';
import { systemMonotonicClock, type MonotonicClock } from './monotonicClock.ts';
import { replyArray, replyNumber, replyString } from './redisScript.ts';
import { requirePositiveMs, SharedStateError } from './sharedStateError.ts';

/** Who holds (or wants) the lease, as recorded in Redis for `status()`. */
export interface LeaseHolderInfo {
  readonly host: string;
  readonly pid: number;
  readonly machineId: string;
  /** Unique per process and elector (machineId:pid:random). */
  readonly memberId: string;
}

/** This process's holder info; `machineId` defaults to TXBOT_MACHINE_ID, else the host name. */
export function defaultHolderInfo(machineId?: string): LeaseHolderInfo {
  const host = hostname();
  const id = machineId ?? (process.env.TXBOT_MACHINE_ID || host);
  return { host, pid: process.pid, machineId: id, memberId: `${id}:${process.pid}:${randomBytes(3).toString('hex')}` };
}

/** Options of a LeaderLease. */
export interface LeaderLeaseOptions {
  readonly redis: Redis;
  /** Prefix of every key of this lease, e.g. `txbot:leader:topstep-123`. */
  readonly keyPrefix: string;
  readonly holder: LeaseHolderInfo;
  /** Lease time to live; default 10 000 ms. */
  readonly ttlMs?: number;
  /** The holder stops acting this long before the lease could expire; default 1 000 ms. */
  readonly marginMs?: number;
  /** Lease ages are measured on this clock; default performance.now(). */
  readonly clock?: MonotonicClock;
  /** Replaces the server's run_id read inside the scripts (see the file header). */
  readonly runIdProvider?: () => string | Promise<string>;
}

/** Result of `acquire()`; a refusal is a value, a Redis failure is FAILED. */
export type AcquireResult =
  | { readonly kind: 'GRANTED'; readonly token: number; readonly runId: string }
  | { readonly kind: 'HELD'; readonly expiresInMs: number }
  | { readonly kind: 'QUARANTINED'; readonly remainingMs: number; readonly runId: string }
  | { readonly kind: 'FAILED'; readonly error: Error };

/** Result of `renew()`. After NOT_HOLDER or RESTARTED the lease is no longer held. */
export type RenewResult =
  | { readonly kind: 'RENEWED' }
  | { readonly kind: 'NOT_HOLDER' }
  | { readonly kind: 'RESTARTED'; readonly runId: string }
  | { readonly kind: 'NOT_HELD' }
  | { readonly kind: 'FAILED'; readonly error: Error };

export const DEFAULT_LEASE_TTL_MS = 10_000;
export const DEFAULT_LEASE_MARGIN_MS = 1_000;

interface Held {
  readonly value: string;
  readonly token: number;
  readonly runId: string;
  /** Monotonic ms at which the last successful acquire/renew was sent. */
  confirmedSentMs: number;
  /** The last renewal failed (FAILED) and no renewal has succeeded since. */
  renewError: Error | null;
}

/** A process's lease: acquire, renew, release, and `mayAct()` / `assertLeader()` before every order. */
export class LeaderLease {
  readonly keys: LeaseKeys;
  readonly keyPrefix: string;
  readonly ttlMs: number;
  readonly marginMs: number;
  readonly holder: LeaseHolderInfo;
  private readonly redis: Redis;
  private readonly clock: MonotonicClock;
  private readonly runIdProvider?: () => string | Promise<string>;
  private held: Held | null = null;

  constructor(options: LeaderLeaseOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix;
    this.keys = leaseKeys(options.keyPrefix);
    this.holder = options.holder;
    this.ttlMs = requirePositiveMs('ttlMs', options.ttlMs ?? DEFAULT_LEASE_TTL_MS);
    this.marginMs = requirePositiveMs('marginMs', options.marginMs ?? DEFAULT_LEASE_MARGIN_MS);
    if (this.marginMs >= this.ttlMs)
      throw new SharedStateError('INVALID_STATE_OPTION', `marginMs (${this.marginMs}) must be below ttlMs (${this.ttlMs})`);
    this.clock = options.clock ?? systemMonotonicClock;
    this.runIdProvider = options.runIdProvider;
  }

  /** Tries to take the lease; on GRANTED this process holds it with a token above every earlier one. */
  async acquire(): Promise<AcquireResult> {
    if (this.held)
      throw new SharedStateError('INVALID_STATE_OPTION', `lease ${this.keyPrefix}: acquire() while already holding token ${this.held.token}`);
    const value = `${this.holder.memberId}:${randomBytes(8).toString('hex')}`;
    const sentMs = this.clock.nowMs();
    try {
      const override = await this.runIdOverride();
      const k = this.keys;
      const h = this.holder;
      const reply = replyArray(
        ACQUIRE_SCRIPT,
        await ACQUIRE_SCRIPT.run(
          this.redis,
          [k.holder, k.token, k.tokenRunId, k.boot, k.quarantine, k.meta, k.members],
          [value, this.ttlMs, override, h.host, h.pid, h.machineId, h.memberId],
        ),
      );
      const kind = replyString(ACQUIRE_SCRIPT, reply, 0);
      const runId = replyString(ACQUIRE_SCRIPT, reply, 2);
      if (kind === 'GRANTED') {
        const token = replyNumber(ACQUIRE_SCRIPT, reply, 1);
        this.held = { value, token, runId, confirmedSentMs: sentMs, renewError: null };
        return { kind, token, runId };
      }
      if (kind === 'HELD') return { kind, expiresInMs: replyNumber(ACQUIRE_SCRIPT, reply, 1) };
      if (kind === 'QUARANTINED') return { kind, remainingMs: replyNumber(ACQUIRE_SCRIPT, reply, 1), runId };
      throw new SharedStateError('REDIS_REPLY_UNEXPECTED', `redis script ${ACQUIRE_SCRIPT.name}: unknown outcome ${JSON.stringify(kind)}`);
    } catch (e) {
      return { kind: 'FAILED', error: asError(e) };
    }
  }

  /** Extends the lease by one TTL if this holder still has it and the server did not restart. */
  async renew(): Promise<RenewResult> {
    const held = this.held;
    if (!held) return { kind: 'NOT_HELD' };
    const sentMs = this.clock.nowMs();
    try {
      const override = await this.runIdOverride();
      const reply = replyArray(
        RENEW_SCRIPT,
        await RENEW_SCRIPT.run(this.redis, [this.keys.holder, this.keys.meta], [held.value, this.ttlMs, held.runId, override]),
      );
      if (this.held !== held) return { kind: 'NOT_HELD' };
      const kind = replyString(RENEW_SCRIPT, reply, 0);
      if (kind === 'RENEWED') {
        held.confirmedSentMs = sentMs;
        held.renewError = null;
        return { kind };
      }
      this.held = null;
      if (kind === 'NOT_HOLDER') return { kind };
      if (kind === 'RESTARTED') return { kind, runId: replyString(RENEW_SCRIPT, reply, 2) };
      throw new SharedStateError('REDIS_REPLY_UNEXPECTED', `redis script ${RENEW_SCRIPT.name}: unknown outcome ${JSON.stringify(kind)}`);
    } catch (e) {
      const error = asError(e);
      if (this.held === held) held.renewError = error;
      return { kind: 'FAILED', error };
    }
  }

  /** Gives the lease up (compare-and-set: deletes it only if still ours). True when it was ours. */
  async release(): Promise<boolean> {
    const held = this.held;
    if (!held) return false;
    this.held = null;
    const reply = await RELEASE_SCRIPT.run(this.redis, [this.keys.holder, this.keys.meta], [held.value]);
    return reply === 1;
  }

  /** Drops the local hold without contacting Redis (the key, if still ours, expires by itself). */
  forget(): void {
    this.held = null;
  }

  /** Whether this process believes it holds the lease (even if it is no longer safe to act on it). */
  get isHeld(): boolean {
    return this.held !== null;
  }

  /** Fencing token of the current hold, or null. */
  get token(): number | null {
    return this.held?.token ?? null;
  }

  /** run_id of the Redis server the lease was granted by, or null. */
  get runId(): string | null {
    return this.held?.runId ?? null;
  }

  /** Monotonic ms since the last successful acquire/renew was sent, or null when not held. */
  leaseAgeMs(): number | null {
    return this.held ? this.clock.nowMs() - this.held.confirmedSentMs : null;
  }

  /** Why acting now would be unsafe, or null when it is safe. */
  unsafeReason(): string | null {
    const held = this.held;
    if (!held) return 'this process does not hold the lease';
    const ageMs = this.clock.nowMs() - held.confirmedSentMs;
    if (held.renewError) return `the last renewal failed (${held.renewError.message}) at lease age ${Math.round(ageMs)}ms, token ${held.token}`;
    const limitMs = this.ttlMs - this.marginMs;
    if (ageMs >= limitMs)
      return `lease age ${Math.round(ageMs)}ms since the last confirmed renewal reached ttl ${this.ttlMs}ms − margin ${this.marginMs}ms, token ${held.token}`;
    return null;
  }

  /** True only while the lease is held, the last renewal succeeded and its age is below TTL − margin. */
  mayAct(): boolean {
    return this.unsafeReason() === null;
  }

  /** Call right before every order: throws LEADERSHIP_LOST when `mayAct()` is false. */
  assertLeader(): void {
    const reason = this.unsafeReason();
    if (reason !== null) throw leadershipLost(this.keyPrefix, reason);
  }

  private async runIdOverride(): Promise<string> {
    if (!this.runIdProvider) return '';
    const runId = await this.runIdProvider();
    if (!/^\w+$/.test(runId))
      throw new SharedStateError('INVALID_STATE_OPTION', `runIdProvider returned ${JSON.stringify(runId)} (expected letters/digits)`);
    return runId;
  }
}

/** LEADERSHIP_LOST for the lease under `keyPrefix`, saying why acting is unsafe. */
export function leadershipLost(keyPrefix: string, reason: string): SharedStateError {
  return new SharedStateError('LEADERSHIP_LOST', `lease ${keyPrefix}: not safe to act: ${reason}`, {
    hint: 'send no order; another machine may be leading (see the elector status)',
  });
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
