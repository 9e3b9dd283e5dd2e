// Property (fast-check) against the real Redis: across any interleaving of acquire, renew, release,
// expiry, quarantine end and simulated restarts (keys kept, lost or rolled back), every granted fencing
// token is above every token granted before, and grants follow the model (one holder, quarantines).

import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderLease, leaseKeys } from '../../../src/state/shared/index.ts';
import { markKeySpaceBooted, redisTestSpace, requireRedis, SimulatedRunId } from './support/redisSupport.ts';

type Op =
  | { readonly t: 'acquire'; readonly who: number }
  | { readonly t: 'release'; readonly who: number }
  | { readonly t: 'expire' }
  | { readonly t: 'quarantineEnds' }
  | { readonly t: 'restart'; readonly loss: 'none' | 'all' | 'rollback'; readonly back: number };

const who = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: who.map((w) => ({ t: 'acquire' as const, who: w })), weight: 5 },
  { arbitrary: who.map((w) => ({ t: 'release' as const, who: w })), weight: 2 },
  { arbitrary: fc.constant({ t: 'expire' as const }), weight: 2 },
  { arbitrary: fc.constant({ t: 'quarantineEnds' as const }), weight: 2 },
  {
    arbitrary: fc.record({
      t: fc.constant('restart' as const),
      loss: fc.constantFrom('none' as const, 'all' as const, 'rollback' as const),
      back: fc.nat(5),
    }),
    weight: 2,
  },
);

const space = redisTestSpace('tokens');

describe('fencing tokens', () => {
  let redis: Redis;
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
  });
  afterAll(() => space.cleanup());

  it('strictly increase across any interleaving of acquire, release, expiry and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        const sim = new SimulatedRunId();
        const keyPrefix = space.prefix();
        const keys = leaseKeys(keyPrefix);
        await markKeySpaceBooted(redis, keyPrefix, sim.current);
        const leases = [0, 1, 2].map(
          (i) =>
            new LeaderLease({
              redis,
              keyPrefix,
              ttlMs: 60_000,
              runIdProvider: sim.provider,
              holder: { host: 'h', pid: i, machineId: `m${i}`, memberId: `m${i}` },
            }),
        );
        const granted: number[] = [];
        // The model: whose value is in the holder key, whether the next acquire starts a quarantine, whether one runs.
        let keyOwner: number | null = null;
        let restartPending = false;
        let quarantined = false;

        for (const o of ops) {
          if (o.t === 'acquire') {
            const lease = leases[o.who];
            if (lease.isHeld) {
              const expected = lease.runId !== sim.current ? 'RESTARTED' : keyOwner === o.who ? 'RENEWED' : 'NOT_HOLDER';
              const renewed = await lease.renew();
              expect(renewed.kind).toBe(expected);
              if (renewed.kind === 'RENEWED') continue;
            }
            const result = await lease.acquire();
            if (restartPending) {
              expect(result.kind).toBe('QUARANTINED');
              restartPending = false;
              quarantined = true;
            } else if (quarantined) expect(result.kind).toBe('QUARANTINED');
            else if (keyOwner !== null) expect(result.kind).toBe('HELD');
            else {
              expect(result.kind).toBe('GRANTED');
              keyOwner = o.who;
              if (granted.length) expect(lease.token!).toBeGreaterThan(Math.max(...granted));
              granted.push(lease.token!);
            }
          } else if (o.t === 'release') {
            const lease = leases[o.who];
            if (!lease.isHeld) continue;
            expect(await lease.release()).toBe(keyOwner === o.who);
            if (keyOwner === o.who) keyOwner = null;
          } else if (o.t === 'expire') {
            await redis.del(keys.holder);
            keyOwner = null;
          } else if (o.t === 'quarantineEnds') {
            await redis.del(keys.quarantine);
            quarantined = false;
          } else {
            sim.restart();
            restartPending = true;
            if (o.loss === 'all') await redis.del(...Object.values(keys));
            if (o.loss === 'rollback') {
              // An older snapshot: a counter below tokens already issued, no holder, no quarantine.
              await redis.del(keys.holder, keys.quarantine);
              await redis.set(keys.tokenRunId, 'older');
              if (granted.length) await redis.set(keys.token, String(granted[Math.max(0, granted.length - 1 - o.back)] - 1));
            }
            if (o.loss !== 'none') {
              keyOwner = null;
              quarantined = false;
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
