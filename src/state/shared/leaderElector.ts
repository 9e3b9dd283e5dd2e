// The election loop around a LeaderLease: polls as a standby (with a heartbeat), becomes leader on a
// grant, renews on a timer, steps down when the lease may have expired, and emits what happened.

import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../../log/index.ts';
import { defaultHolderInfo, LeaderLease, leadershipLost, type AcquireResult, type LeaseHolderInfo } from './leaderLease.ts';
import { readLeaderStatus, removeHeartbeat, writeHeartbeat, type LeaderStatus } from './leaderStatus.ts';
import { systemMonotonicClock, systemTimers, type MonotonicClock, type TimerHandle, type Timers } from './monotonicClock.ts';
import { requirePositiveMs, SharedStateError } from './sharedStateError.ts';

/** Where the elector is; every transition is logged. */
export enum ElectorState {
  STOPPED = 'STOPPED',
  STANDBY = 'STANDBY',
  LEADER = 'LEADER',
}

/** Why a leader stopped leading. */
export type LostReason = 'NOT_HOLDER' | 'REDIS_RESTARTED' | 'LEASE_EXPIRED' | 'RELEASED';

/** Events of a LeaderElector (listeners run inside a guard; a throwing listener is logged). */
export interface ElectorEvents {
  elected: [{ readonly token: number; readonly runId: string }];
  lost: [{ readonly token: number; readonly reason: LostReason; readonly detail: string }];
  renewFailed: [{ readonly token: number; readonly error: Error; readonly leaseAgeMs: number }];
}

/** Options of a LeaderElector; durations in ms, defaults as documented per field. */
export interface LeaderElectorOptions {
  readonly redis: Redis;
  /** Prefix of the lease's keys, e.g. `txbot:leader:<account>`. */
  readonly keyPrefix: string;
  /** Holder info; default `defaultHolderInfo(machineId)`. */
  readonly holder?: LeaseHolderInfo;
  readonly machineId?: string;
  /** Lease TTL; default 10 000. */
  readonly ttlMs?: number;
  /** Renewal period of the leader; default 3 000. */
  readonly renewEveryMs?: number;
  /** Retry period after a failed renewal; default renewEveryMs / 3. */
  readonly renewRetryMs?: number;
  /** Standby poll period, drawn uniformly in [pollMinMs, pollMaxMs]; defaults 1 000 and 2 000. */
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  /** Safety margin before the TTL; default 1 000. */
  readonly marginMs?: number;
  /** Standby heartbeats older than this are not listed by status() (default 3 × pollMaxMs) and are pruned after 10×. */
  readonly heartbeatStaleMs?: number;
  readonly clock?: MonotonicClock;
  readonly timers?: Timers;
  /** Uniform [0, 1) source of the poll jitter; default Math.random. */
  readonly random?: () => number;
  /** See LeaderLeaseOptions.runIdProvider. */
  readonly runIdProvider?: () => string | Promise<string>;
  readonly logger?: Logger;
}

/** Runs the election for one process: `start()`, then `mayAct()` / `assertLeader()` before every order. */
export class LeaderElector extends EventEmitter<ElectorEvents> {
  readonly lease: LeaderLease;
  private readonly redis: Redis;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly renewEveryMs: number;
  private readonly renewRetryMs: number;
  private readonly pollMinMs: number;
  private readonly pollMaxMs: number;
  private readonly heartbeatStaleMs: number;
  private current = ElectorState.STOPPED;
  /** Bumped on every transition; a timer scheduled under an older epoch does nothing. */
  private epoch = 0;
  private loopTimer: TimerHandle | null = null;
  private deadlineTimer: TimerHandle | null = null;
  /** Operations against Redis run one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectorOptions) {
    super();
    const ttlMs = options.ttlMs ?? 10_000;
    this.renewEveryMs = requirePositiveMs('renewEveryMs', options.renewEveryMs ?? 3_000);
    this.renewRetryMs = requirePositiveMs('renewRetryMs', options.renewRetryMs ?? this.renewEveryMs / 3);
    this.pollMinMs = requirePositiveMs('pollMinMs', options.pollMinMs ?? 1_000);
    this.pollMaxMs = requirePositiveMs('pollMaxMs', options.pollMaxMs ?? 2_000);
    if (this.pollMaxMs < this.pollMinMs)
      throw new SharedStateError('INVALID_STATE_OPTION', `pollMaxMs (${this.pollMaxMs}) is below pollMinMs (${this.pollMinMs})`);
    this.heartbeatStaleMs = requirePositiveMs('heartbeatStaleMs', options.heartbeatStaleMs ?? 3 * this.pollMaxMs);
    this.lease = new LeaderLease({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      holder: options.holder ?? defaultHolderInfo(options.machineId),
      ttlMs,
      marginMs: options.marginMs,
      clock: options.clock ?? systemMonotonicClock,
      runIdProvider: options.runIdProvider,
    });
    if (this.renewEveryMs >= this.lease.ttlMs - this.lease.marginMs)
      throw new SharedStateError(
        'INVALID_STATE_OPTION',
        `renewEveryMs (${this.renewEveryMs}) must be below ttlMs − marginMs (${this.lease.ttlMs - this.lease.marginMs}) or the leader cannot keep its lease`,
      );
    this.redis = options.redis;
    this.timers = options.timers ?? systemTimers;
    this.random = options.random ?? Math.random;
    this.log = (options.logger ?? silentLogger()).child({
      component: 'leader-elector',
      lease: options.keyPrefix,
      memberId: this.lease.holder.memberId,
    });
  }

  get state(): ElectorState {
    return this.current;
  }

  /** Fencing token while leading, else null. */
  get token(): number | null {
    return this.current === ElectorState.LEADER ? this.lease.token : null;
  }

  /** Whether it is safe to act as leader right now (see LeaderLease.mayAct). */
  mayAct(): boolean {
    return this.current === ElectorState.LEADER && this.lease.mayAct();
  }

  /** Throws LEADERSHIP_LOST unless `mayAct()`; call right before every order. */
  assertLeader(): void {
    if (this.current !== ElectorState.LEADER) throw leadershipLost(this.lease.keyPrefix, `this elector is ${this.current}`);
    this.lease.assertLeader();
  }

  /** Starts polling as a standby (no-op when already started). */
  start(): void {
    if (this.current !== ElectorState.STOPPED) return;
    this.transition(ElectorState.STANDBY, 'started');
    this.schedule(0, () => this.standbyTick());
  }

  /** Stops the loop; a leader releases its lease (emitting `lost` with RELEASED). */
  async stop(): Promise<void> {
    if (this.current === ElectorState.STOPPED) return;
    const wasLeader = this.current === ElectorState.LEADER;
    const token = this.lease.token;
    this.transition(ElectorState.STOPPED, 'stop()');
    await this.chain;
    if (wasLeader && token !== null) {
      await this.lease.release().catch((e: unknown) => this.log.warn({ err: e }, 'lease release on stop failed; it expires by itself'));
      this.emitSafely('lost', { token, reason: 'RELEASED', detail: 'stop() released the lease' });
    } else this.lease.forget();
    await removeHeartbeat(this.redis, this.lease.keys, this.lease.holder.memberId).catch(() => undefined);
  }

  /** Leader and live standbys of this lease, from Redis (the same answer on every machine). */
  status(): Promise<LeaderStatus> {
    return readLeaderStatus(this.redis, this.lease.keyPrefix, { staleAfterMs: this.heartbeatStaleMs });
  }

  private async standbyTick(): Promise<void> {
    await writeHeartbeat(this.redis, this.lease.keys, this.lease.holder, 10 * this.heartbeatStaleMs).catch((e: unknown) =>
      this.log.warn({ err: e }, 'standby heartbeat failed'),
    );
    if (this.current !== ElectorState.STANDBY) return;
    const result = await this.lease.acquire();
    if (this.current !== ElectorState.STANDBY) {
      // stop() was called while the acquire was in flight: do not keep a lease nobody renews.
      if (result.kind === 'GRANTED') await this.lease.release().catch(() => undefined);
      return;
    }
    if (result.kind === 'GRANTED') return this.becomeLeader(result.token, result.runId);
    this.log.debug({ result: describeRefusal(result) }, 'lease not granted');
    this.schedule(this.nextPollMs(result), () => this.standbyTick());
  }

  private becomeLeader(token: number, runId: string): void {
    this.transition(ElectorState.LEADER, `granted token ${token}`);
    this.armDeadline();
    this.schedule(this.renewEveryMs, () => this.renewTick());
    this.emitSafely('elected', { token, runId });
  }

  private async renewTick(): Promise<void> {
    const token = this.lease.token;
    if (this.current !== ElectorState.LEADER || token === null) return;
    const result = await this.lease.renew();
    if (this.current !== ElectorState.LEADER) return;
    switch (result.kind) {
      case 'RENEWED':
        this.armDeadline();
        this.schedule(this.renewEveryMs, () => this.renewTick());
        return;
      case 'FAILED':
        this.log.warn({ err: result.error, token }, 'lease renewal failed; not acting until a renewal succeeds');
        this.emitSafely('renewFailed', { token, error: result.error, leaseAgeMs: this.lease.leaseAgeMs() ?? 0 });
        this.schedule(this.renewRetryMs, () => this.renewTick());
        return;
      case 'NOT_HOLDER':
        return this.stepDown(token, 'NOT_HOLDER', 'the lease is held by another member or expired');
      case 'RESTARTED':
        return this.stepDown(token, 'REDIS_RESTARTED', `the Redis run_id changed to ${result.runId} since the grant`);
      case 'NOT_HELD':
        return;
    }
  }

  /** Steps down the moment the lease may have expired, without waiting for a renewal in flight. */
  private armDeadline(): void {
    if (this.deadlineTimer !== null) this.timers.clearTimeout(this.deadlineTimer);
    const ageMs = this.lease.leaseAgeMs() ?? 0;
    const epoch = this.epoch;
    this.deadlineTimer = this.timers.setTimeout(
      () => {
        this.deadlineTimer = null;
        const token = this.lease.token;
        if (epoch !== this.epoch || token === null) return;
        const reason = this.lease.unsafeReason();
        if (reason === null) return this.armDeadline();
        if (this.lease.leaseAgeMs()! < this.lease.ttlMs - this.lease.marginMs) return this.armDeadline();
        // The CAS release is queued behind any renewal in flight on the same connection, so a late
        // renewal cannot keep the key alive for a member that has stepped down.
        this.lease.release().catch((e: unknown) => this.log.warn({ err: e }, 'lease release after expiry failed'));
        this.stepDown(token, 'LEASE_EXPIRED', reason);
      },
      Math.max(0, this.lease.ttlMs - this.lease.marginMs - ageMs),
    );
  }

  private stepDown(token: number, reason: LostReason, detail: string): void {
    this.lease.forget();
    this.transition(ElectorState.STANDBY, `lost token ${token}: ${reason}`);
    this.emitSafely('lost', { token, reason, detail });
    this.schedule(this.jitterMs(), () => this.standbyTick());
  }

  private nextPollMs(result: Exclude<AcquireResult, { kind: 'GRANTED' }>): number {
    const jitter = this.jitterMs();
    // When the lease or the quarantine is known to end sooner than the next poll, try right after.
    if (result.kind === 'HELD' && result.expiresInMs >= 0) return Math.min(jitter, result.expiresInMs + 1);
    if (result.kind === 'QUARANTINED') return Math.min(jitter, result.remainingMs + 1);
    if (result.kind === 'FAILED') this.log.warn({ err: result.error }, 'lease acquire failed');
    return jitter;
  }

  private jitterMs(): number {
    return this.pollMinMs + this.random() * (this.pollMaxMs - this.pollMinMs);
  }

  private transition(next: ElectorState, why: string): void {
    if (next === this.current) return;
    this.log.info({ from: this.current, to: next, token: this.lease.token }, `elector ${this.current} → ${next}: ${why}`);
    this.current = next;
    this.epoch++;
    if (this.loopTimer !== null) this.timers.clearTimeout(this.loopTimer);
    if (this.deadlineTimer !== null) this.timers.clearTimeout(this.deadlineTimer);
    this.loopTimer = this.deadlineTimer = null;
  }

  /** Runs `step` after `delayMs` unless the state changes first; steps are chained one at a time. */
  private schedule(delayMs: number, step: () => Promise<void>): void {
    if (this.loopTimer !== null) this.timers.clearTimeout(this.loopTimer);
    const epoch = this.epoch;
    this.loopTimer = this.timers.setTimeout(() => {
      this.loopTimer = null;
      if (epoch !== this.epoch) return;
      this.chain = this.chain.then(step).catch((e: unknown) => this.log.error({ err: e }, 'elector step threw (a bug)'));
    }, delayMs);
  }

  private emitSafely<K extends keyof ElectorEvents>(event: K, ...args: ElectorEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: ElectorEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      this.log.error({ err: e, event }, `a listener for '${event}' threw`);
    }
  }
}

function describeRefusal(result: Exclude<AcquireResult, { kind: 'GRANTED' }>): string {
  if (result.kind === 'HELD') return `held by another member, expires in ${result.expiresInMs}ms`;
  if (result.kind === 'QUARANTINED') return `quarantined after a Redis restart on run_id ${result.runId}, ${result.remainingMs}ms left`;
  return `failed: ${result.error.message}`;
}
