// Redis restarts and fail-overs, simulated without touching the shared server: a run_id provider
// reports a new server and the test deletes or rolls back the key space as a restart would. No lease
// may be granted for one TTL, the old leader steps down, and tokens keep growing.

import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ElectorState, LeaderElector, LeaderLease, leaseKeys, type LostReason } from '../../../src/state/shared/index.ts';
import { markKeySpaceBooted, redisTestSpace, requireRedis, serverRunId, SimulatedRunId, waitFor } from './support/redisSupport.ts';

const space = redisTestSpace('restart');
const FAST = { ttlMs: 1_500, renewEveryMs: 400, pollMinMs: 100, pollMaxMs: 200, marginMs: 300 } as const;

describe('Redis restart rule', () => {
  let redis: Redis;
  const started: LeaderElector[] = [];
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
  });
  afterEach(async () => {
    for (const e of started.splice(0)) await e.stop();
  });
  afterAll(() => space.cleanup());

  async function electedPair(sim: SimulatedRunId): Promise<{ keyPrefix: string; leader: LeaderElector; standby: LeaderElector; lost: LostReason[] }> {
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, keyPrefix, sim.current);
    const leader = new LeaderElector({ redis, keyPrefix, machineId: 'a', runIdProvider: sim.provider, ...FAST });
    started.push(leader);
    leader.start();
    await waitFor(() => leader.mayAct(), 'the first leader');
    const standby = new LeaderElector({ redis, keyPrefix, machineId: 'b', runIdProvider: sim.provider, ...FAST });
    started.push(standby);
    standby.start();
    const lost: LostReason[] = [];
    leader.on('lost', ({ reason }) => lost.push(reason));
    return { keyPrefix, leader, standby, lost };
  }

  /** Waits for the next election after a simulated restart at `restartAtMs`; returns the winner and the gap. */
  async function nextElection(
    electors: LeaderElector[],
    runId: string,
    restartAtMs: number,
  ): Promise<{ winner: LeaderElector; gapMs: number; maxActing: number }> {
    let maxActing = 0;
    const sample = (): void => void (maxActing = Math.max(maxActing, electors.filter((e) => e.mayAct()).length));
    const sampler = setInterval(sample, 3);
    try {
      const winner = await waitFor(
        () => electors.find((e) => e.mayAct() && e.lease.runId === runId),
        'a leader on the restarted server',
        3 * FAST.ttlMs,
      );
      const gapMs = performance.now() - restartAtMs;
      sample(); // the sampler may not have run since the winner started acting
      return { winner, gapMs, maxActing };
    } finally {
      clearInterval(sampler);
    }
  }

  it('after a restart that lost every key: the leader steps down, nobody is granted for one TTL, then a higher token wins', async () => {
    const sim = new SimulatedRunId();
    const { keyPrefix, leader, standby, lost } = await electedPair(sim);
    const oldToken = leader.token!;
    const oldRunId = leader.lease.runId!;

    const restartAtMs = performance.now();
    sim.restart();
    await redis.del(...Object.values(leaseKeys(keyPrefix)));
    await waitFor(() => lost.includes('REDIS_RESTARTED'), 'the old leader to notice the restart', FAST.renewEveryMs + 500);
    expect(leader.mayAct()).toBe(false);
    const { winner, gapMs, maxActing } = await nextElection([leader, standby], sim.current, restartAtMs);

    expect(gapMs).toBeGreaterThanOrEqual(FAST.ttlMs - 20);
    expect(maxActing).toBe(1);
    expect(winner.lease.runId).not.toBe(oldRunId);
    expect(winner.token).toBeGreaterThan(oldToken);
  });

  it('after a restart that kept the keys (AOF): the leader still steps down and the quarantine holds one TTL', async () => {
    const sim = new SimulatedRunId();
    const { keyPrefix, leader, standby, lost } = await electedPair(sim);
    const oldToken = leader.token!;

    const restartAtMs = performance.now();
    sim.restart();
    await waitFor(() => lost.length > 0, 'the old leader to step down', FAST.renewEveryMs + 500);
    expect(lost[0]).toBe('REDIS_RESTARTED');
    expect(leader.state).toBe(ElectorState.STANDBY);
    const { winner, gapMs } = await nextElection([leader, standby], sim.current, restartAtMs);

    expect(gapMs).toBeGreaterThanOrEqual(FAST.ttlMs - 20);
    expect(winner.token).toBeGreaterThan(oldToken);
    expect(await redis.get(leaseKeys(keyPrefix).boot)).toBe(sim.current);
  });

  it('keeps tokens growing when a restart rolled the counter back (an older snapshot)', async () => {
    const sim = new SimulatedRunId();
    const keyPrefix = space.prefix();
    const keys = leaseKeys(keyPrefix);
    await markKeySpaceBooted(redis, keyPrefix, sim.current);
    const lease = new LeaderLease({
      redis,
      keyPrefix,
      holder: { host: 'h', pid: 1, machineId: 'm', memberId: 'm1' },
      ttlMs: 300,
      marginMs: 50,
      runIdProvider: sim.provider,
    });
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await lease.acquire()).kind).toBe('GRANTED');
      tokens.push(lease.token!);
      await lease.release();
    }

    sim.restart();
    await redis.set(keys.token, String(tokens[1])); // the snapshot predates three grants
    await redis.set(keys.tokenRunId, 'before');
    await redis.del(keys.holder);
    expect((await lease.acquire()).kind).toBe('QUARANTINED');
    await waitFor(async () => (await redis.exists(keys.quarantine)) === 0, 'the quarantine to end', 2_000);
    expect((await lease.acquire()).kind).toBe('GRANTED');

    expect(lease.token).toBeGreaterThan(tokens[4]);
  });

  it('reads the run_id inside the acquire script: a key space last seen on another server is quarantined', async () => {
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, keyPrefix, 'someotherserver');
    const lease = new LeaderLease({ redis, keyPrefix, holder: { host: 'h', pid: 1, machineId: 'm', memberId: 'm1' }, ttlMs: 5_000 });

    const result = await lease.acquire();

    expect(result).toEqual({ kind: 'QUARANTINED', remainingMs: 5_000, runId: await serverRunId(redis) });
    expect(await redis.get(leaseKeys(keyPrefix).boot)).toBe(await serverRunId(redis));
    expect(await redis.pttl(leaseKeys(keyPrefix).quarantine)).toBeGreaterThan(4_000);
  });
});
