// LeaderLease against the real Redis: grants, compare-and-set renew/release, fencing tokens, the
// first-use quarantine and the monotonic bookkeeping behind mayAct()/assertLeader().

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderLease, leaseKeys, SharedStateError, type LeaseHolderInfo } from '../../../src/state/shared/index.ts';
import { delay, ManualMonotonicClock, markKeySpaceBooted, redisTestSpace, requireRedis, serverRunId } from './support/redisSupport.ts';

const space = redisTestSpace('lease');
const holder = (name: string): LeaseHolderInfo => ({ host: `host-${name}`, pid: 100, machineId: `m-${name}`, memberId: `member-${name}` });

async function bootedPrefix(redis: Redis): Promise<string> {
  const prefix = space.prefix();
  await markKeySpaceBooted(redis, prefix);
  return prefix;
}

describe('LeaderLease', () => {
  let redis: Redis;
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
  });
  afterAll(() => space.cleanup());

  it('grants one holder, tells the other how long the lease still lives, and records the holder', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const a = new LeaderLease({ redis, keyPrefix, holder: holder('a'), ttlMs: 5_000 });
    const b = new LeaderLease({ redis, keyPrefix, holder: holder('b'), ttlMs: 5_000 });

    const granted = await a.acquire();
    const refused = await b.acquire();

    expect(granted).toMatchObject({ kind: 'GRANTED', runId: await serverRunId(redis) });
    expect(a.mayAct()).toBe(true);
    expect(() => a.assertLeader()).not.toThrow();
    expect(refused.kind).toBe('HELD');
    expect(refused.kind === 'HELD' && refused.expiresInMs).toBeGreaterThan(4_000);
    expect(b.mayAct()).toBe(false);
    const meta = await redis.hgetall(leaseKeys(keyPrefix).meta);
    expect(meta).toMatchObject({ host: 'host-a', machineId: 'm-a', memberId: 'member-a', token: String(a.token), ttlMs: '5000' });
  });

  it('quarantines a key space it has never seen for one TTL before the first grant', async () => {
    const keyPrefix = space.prefix();
    const lease = new LeaderLease({ redis, keyPrefix, holder: holder('a'), ttlMs: 600, marginMs: 100 });
    const t0 = performance.now();

    const first = await lease.acquire();
    const second = await lease.acquire();
    await delay(650);
    const third = await lease.acquire();

    expect(first).toMatchObject({ kind: 'QUARANTINED', remainingMs: 600 });
    expect(second.kind).toBe('QUARANTINED');
    expect(third.kind).toBe('GRANTED');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(600);
  });

  it('issues a higher fencing token on every grant, whoever the holder is', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const leases = ['a', 'b', 'c'].map((n) => new LeaderLease({ redis, keyPrefix, holder: holder(n), ttlMs: 5_000 }));
    const tokens: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const lease of leases) {
        expect((await lease.acquire()).kind).toBe('GRANTED');
        tokens.push(lease.token!);
        expect(await lease.release()).toBe(true);
      }
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBe(tokens[i - 1] + 1);
    expect(Number(await redis.get(leaseKeys(keyPrefix).token))).toBe(tokens.at(-1));
  });

  it('renews only for the holder whose value matches: an expired holder gets NOT_HOLDER and cannot release the successor', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const a = new LeaderLease({ redis, keyPrefix, holder: holder('a'), ttlMs: 300, marginMs: 100 });
    const b = new LeaderLease({ redis, keyPrefix, holder: holder('b'), ttlMs: 5_000 });
    expect((await a.acquire()).kind).toBe('GRANTED');
    expect((await a.renew()).kind).toBe('RENEWED');
    await delay(350);
    expect((await b.acquire()).kind).toBe('GRANTED');

    expect(a.isHeld).toBe(true);
    expect(a.mayAct()).toBe(false);
    expect(await a.release()).toBe(false);
    expect(await redis.exists(leaseKeys(keyPrefix).holder)).toBe(1);
    expect((await b.renew()).kind).toBe('RENEWED');
    expect(b.token).toBeGreaterThan(a.token ?? 0);
  });

  it('reports NOT_HOLDER on renewing a lease that expired with nobody else taking it', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const a = new LeaderLease({ redis, keyPrefix, holder: holder('a'), ttlMs: 200, marginMs: 50 });
    expect((await a.acquire()).kind).toBe('GRANTED');
    await delay(250);

    expect((await a.renew()).kind).toBe('NOT_HOLDER');
    expect(a.isHeld).toBe(false);
    expect(a.token).toBeNull();
  });

  it('release deletes the lease so the next acquire is granted at once', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const a = new LeaderLease({ redis, keyPrefix, holder: holder('a') });
    const b = new LeaderLease({ redis, keyPrefix, holder: holder('b') });
    await a.acquire();

    expect(await a.release()).toBe(true);
    expect(a.mayAct()).toBe(false);
    expect((await b.acquire()).kind).toBe('GRANTED');
    expect(await redis.hget(leaseKeys(keyPrefix).meta, 'memberId')).toBe('member-b');
  });

  it('stops acting exactly when the age since the last confirmed renewal reaches TTL − margin', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const clock = new ManualMonotonicClock();
    const lease = new LeaderLease({ redis, keyPrefix, holder: holder('a'), ttlMs: 60_000, marginMs: 1_000, clock });
    await lease.acquire();

    clock.advanceBy(58_999);
    expect(lease.mayAct()).toBe(true);
    clock.advanceBy(1);
    expect(lease.mayAct()).toBe(false);
    expect(() => lease.assertLeader()).toThrow(SharedStateError);
    try {
      lease.assertLeader();
    } catch (e) {
      expect((e as SharedStateError).code).toBe('LEADERSHIP_LOST');
      expect((e as Error).message).toContain('lease age 59000ms');
    }
    expect((await lease.renew()).kind).toBe('RENEWED');
    expect(lease.mayAct()).toBe(true);
    expect(lease.leaseAgeMs()).toBe(0);
  });

  it('measures the age from when the renewal was sent, not when its reply came back', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const clock = new ManualMonotonicClock();
    const slow = new LeaderLease({
      redis,
      keyPrefix,
      holder: holder('a'),
      ttlMs: 10_000,
      marginMs: 1_000,
      clock,
      // The reply "takes" 4 s: the clock moves while the script is in flight.
      runIdProvider: async () => {
        clock.advanceBy(4_000);
        return serverRunId(redis);
      },
    });
    await markKeySpaceBooted(redis, keyPrefix, await serverRunId(redis));
    await slow.acquire();

    expect(slow.leaseAgeMs()).toBe(4_000);
    clock.advanceBy(5_000);
    expect(slow.mayAct()).toBe(false);
  });

  it('does not act after a failed renewal until a renewal succeeds again', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const own = space.client();
    const lease = new LeaderLease({ redis: own, keyPrefix, holder: holder('a'), ttlMs: 10_000 });
    await lease.acquire();
    own.disconnect();

    const failed = await lease.renew();
    expect(failed.kind).toBe('FAILED');
    expect(lease.mayAct()).toBe(false);
    expect(lease.unsafeReason()).toContain('the last renewal failed');
    await own.connect();
    expect((await lease.renew()).kind).toBe('RENEWED');
    expect(lease.mayAct()).toBe(true);
  });

  it('refuses acquire() while already holding and rejects a margin not below the TTL', async () => {
    const keyPrefix = await bootedPrefix(redis);
    const lease = new LeaderLease({ redis, keyPrefix, holder: holder('a') });
    await lease.acquire();

    await expect(lease.acquire()).rejects.toThrow(/while already holding/);
    expect(() => new LeaderLease({ redis, keyPrefix, holder: holder('a'), ttlMs: 1_000, marginMs: 1_000 })).toThrow(
      /marginMs \(1000\) must be below ttlMs/,
    );
  });
});
