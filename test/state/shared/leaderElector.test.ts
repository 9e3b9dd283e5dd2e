// LeaderElector against the real Redis: contention between two and three electors (never two that may
// act at once), release and takeover, a paused leader fenced off, renewal failures, and status().

import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ElectorState, LeaderElector, RedisRiskState, type LeaderElectorOptions, type LostReason } from '../../../src/state/shared/index.ts';
import { markKeySpaceBooted, PausableTimers, redisTestSpace, requireRedis, waitFor } from './support/redisSupport.ts';

const space = redisTestSpace('elector');
const FAST = { ttlMs: 1_500, renewEveryMs: 400, pollMinMs: 100, pollMaxMs: 200, marginMs: 300 } as const;

/** Samples `mayAct()` of every elector every few ms and records the largest number acting at once. */
function actingMonitor(electors: readonly LeaderElector[]): { maxActing(): number; stop(): void } {
  let max = 0;
  const sample = (): void => void (max = Math.max(max, electors.filter((e) => e.mayAct()).length));
  const timer = setInterval(sample, 3);
  return {
    maxActing: () => max,
    stop: () => {
      sample();
      clearInterval(timer);
    },
  };
}

describe('LeaderElector', () => {
  let redis: Redis;
  const started: LeaderElector[] = [];
  const elector = (keyPrefix: string, name: string, extra: Partial<LeaderElectorOptions> = {}): LeaderElector => {
    const e = new LeaderElector({ redis: extra.redis ?? redis, keyPrefix, machineId: name, ...FAST, ...extra });
    started.push(e);
    return e;
  };
  const bootedPrefix = async (): Promise<string> => {
    const p = space.prefix();
    await markKeySpaceBooted(redis, p);
    return p;
  };

  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
  });
  afterEach(async () => {
    for (const e of started.splice(0)) await e.stop();
  });
  afterAll(() => space.cleanup());

  it('elects exactly one of two contending electors and hands over at the next poll after a release', async () => {
    const keyPrefix = await bootedPrefix();
    const electors = [elector(keyPrefix, 'a'), elector(keyPrefix, 'b')];
    const monitor = actingMonitor(electors);
    const elected: number[] = [];
    for (const e of electors) e.on('elected', ({ token }) => elected.push(token));
    electors.forEach((e) => e.start());

    const first = await waitFor(() => electors.find((e) => e.mayAct()), 'a leader');
    await new Promise((r) => setTimeout(r, 1_000)); // several renewals and polls
    const other = electors.find((e) => e !== first)!;
    expect(other.state).toBe(ElectorState.STANDBY);
    const releasedAt = performance.now();
    await first.stop();
    await waitFor(() => other.mayAct(), 'the standby to take over', FAST.pollMaxMs + 1_000);
    const handoverMs = performance.now() - releasedAt;
    monitor.stop();

    expect(monitor.maxActing()).toBe(1);
    expect(handoverMs).toBeLessThan(FAST.pollMaxMs + 1_000);
    expect(elected).toHaveLength(2);
    expect(elected[1]).toBeGreaterThan(elected[0]);
  });

  it('never lets two of three churning electors act at once, and each new leader has a higher token', async () => {
    const keyPrefix = await bootedPrefix();
    const electors = ['a', 'b', 'c'].map((n) => elector(keyPrefix, n));
    const tokens: number[] = [];
    for (const e of electors) e.on('elected', ({ token }) => tokens.push(token));
    const monitor = actingMonitor(electors);
    electors.forEach((e) => e.start());

    const leaders: LeaderElector[] = [];
    for (let round = 0; round < 5; round++) {
      const leader = await waitFor(() => electors.find((e) => e.mayAct()), `leader of round ${round}`);
      leaders.push(leader);
      await leader.stop();
      await waitFor(() => electors.find((e) => e !== leader && e.mayAct()), `a successor in round ${round}`);
      leader.start();
    }
    monitor.stop();

    expect(monitor.maxActing()).toBe(1);
    expect(tokens.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < leaders.length; i++) expect(leaders[i]).not.toBe(leaders[i - 1]);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]);
  });

  it('fences off a leader paused past its TTL: a standby takes over with a higher token, the old one may not act and its writes are refused', async () => {
    const keyPrefix = await bootedPrefix();
    const frozen = new PausableTimers();
    const old = elector(keyPrefix, 'old', { timers: frozen });
    old.start();
    await waitFor(() => old.mayAct(), 'the first leader');
    const oldToken = old.token!;
    const risk = new RedisRiskState({ redis, keyPrefix: `${keyPrefix}:risk`, leaseTokenKey: old.lease.keys.token });
    expect((await risk.setHalt(oldToken, { halted: false, reason: 'start' })).ok).toBe(true);
    const lost: LostReason[] = [];
    old.on('lost', ({ reason }) => lost.push(reason));
    const successor = elector(keyPrefix, 'new');
    successor.start();

    frozen.pause();
    const pausedAt = performance.now();
    const leaseLeftMs = await redis.pttl(old.lease.keys.holder);
    await waitFor(() => successor.mayAct(), 'the standby to take over', FAST.ttlMs + FAST.pollMaxMs + 1_500);
    const takeoverMs = performance.now() - pausedAt;

    expect(takeoverMs).toBeGreaterThanOrEqual(leaseLeftMs - 5);
    expect(successor.token).toBeGreaterThan(oldToken);
    // Still paused: no timer of the old leader has run, yet it knows it must not act.
    expect(old.state).toBe(ElectorState.LEADER);
    expect(old.mayAct()).toBe(false);
    expect(() => old.assertLeader()).toThrow(/LEADERSHIP_LOST|not safe to act/);
    const stale = await risk.setHalt(oldToken, { halted: true, reason: 'stale leader' });
    expect(stale).toMatchObject({ ok: false, code: 'FENCED_WRITE_REJECTED', highestToken: successor.token });
    expect((await risk.snapshot()).halt).toEqual({ halted: false, reason: 'start' });
    frozen.resume();
    await waitFor(() => lost.length > 0, 'the old leader to step down');
    expect(['NOT_HOLDER', 'LEASE_EXPIRED']).toContain(lost[0]);
    expect(old.state).toBe(ElectorState.STANDBY);
    expect(successor.mayAct()).toBe(true);
  });

  it('stops acting on a failed renewal, emits renewFailed, then steps down at TTL − margin so a standby takes over', async () => {
    const keyPrefix = await bootedPrefix();
    const own = space.client();
    const leader = elector(keyPrefix, 'a', { redis: own });
    leader.start();
    await waitFor(() => leader.mayAct(), 'a leader');
    const standby = elector(keyPrefix, 'b');
    standby.start();
    const events: string[] = [];
    leader.on('renewFailed', () => events.push('renewFailed'));
    leader.on('lost', ({ reason }) => events.push(`lost:${reason}`));

    own.disconnect();
    await waitFor(() => events.includes('renewFailed'), 'renewFailed', FAST.renewEveryMs + 500);
    expect(leader.mayAct()).toBe(false);
    await waitFor(() => events.includes('lost:LEASE_EXPIRED'), 'the deadline', FAST.ttlMs);
    await waitFor(() => standby.mayAct(), 'the standby to take over', FAST.ttlMs + FAST.pollMaxMs + 1_000);

    expect(leader.state).toBe(ElectorState.STANDBY);
    expect(events[0]).toBe('renewFailed');
  });

  it('status() names the leader (host, pid, token, lease age) and the live standbys, from any connection', async () => {
    const keyPrefix = await bootedPrefix();
    const electors = ['a', 'b', 'c'].map((n) => elector(keyPrefix, n));
    electors.forEach((e) => e.start());
    const leader = await waitFor(() => electors.find((e) => e.mayAct()), 'a leader');
    await waitFor(async () => (await leader.status()).standbys.length === 2, 'two standby heartbeats', 3_000);

    const status = await electors.find((e) => e !== leader)!.status();

    expect(status.leader).toMatchObject({ machineId: leader.lease.holder.machineId, pid: process.pid, token: leader.token });
    expect(status.leader!.leaseAgeMs).toBeGreaterThanOrEqual(0);
    expect(status.leader!.leaseAgeMs).toBeLessThan(FAST.ttlMs);
    expect(status.standbys.map((s) => s.machineId).sort()).toEqual(
      electors
        .filter((e) => e !== leader)
        .map((e) => e.lease.holder.machineId)
        .sort(),
    );
    const gone = electors.find((e) => e !== leader)!;
    await gone.stop();
    expect((await leader.status()).standbys.map((s) => s.memberId)).not.toContain(gone.lease.holder.memberId);
    await leader.stop();
    expect((await gone.status()).leader).toBeNull();
  });

  it('rejects a renewal period that cannot keep the lease', () => {
    expect(() => new LeaderElector({ redis, keyPrefix: 'x', ttlMs: 1_000, marginMs: 200, renewEveryMs: 800 })).toThrow(
      /renewEveryMs \(800\) must be below/,
    );
  });
});
