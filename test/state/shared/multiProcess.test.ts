// Three real Node processes contend for one lease on the real Redis: a SIGKILLed leader is replaced
// within TTL + one poll, and a leader SIGSTOPped past its TTL does not act after SIGCONT (mayAct false
// before any write) and has its fenced write refused.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contenders, nextAmong, type Contender } from './support/contenders.ts';
import { delay, markKeySpaceBooted, REDIS_TEST_URL, redisTestSpace, requireRedis } from './support/redisSupport.ts';

const space = redisTestSpace('multiproc');
const TIMING = { ttlMs: 2_000, renewEveryMs: 500, pollMinMs: 200, pollMaxMs: 400, marginMs: 400, actEveryMs: 50 } as const;
/** Slack for process scheduling on a loaded 2-core machine; the bound stays TTL + one poll + this. */
const SLACK_MS = 1_500;

describe('leader election across processes', () => {
  let redis: Redis;
  let procs: ReturnType<typeof contenders>;
  let keyPrefix: string;
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
    keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, keyPrefix);
    procs = contenders({ redisUrl: REDIS_TEST_URL, keyPrefix, ...TIMING });
  });
  afterAll(async () => {
    await procs.killAll();
    await space.cleanup();
  });

  it('replaces a SIGKILLed leader within TTL + one poll, then fences off a leader that was SIGSTOPped past its TTL', async () => {
    const pool: Contender[] = ['p1', 'p2', 'p3'].map((n) => procs.start(n));
    await Promise.all(pool.map((c) => c.next((e) => e.ev === 'ready', 'ready', 20_000)));

    // 1. A leader emerges and acts.
    const first = await nextAmong(pool, (e) => e.ev === 'elected', 'a first leader', 10_000);
    await first.contender.next((e) => e.ev === 'act' && e.ok === true, 'an accepted write by the first leader', 5_000);

    // 2. SIGKILL it: a standby takes over within TTL + one poll.
    const killSeq = procs.counter.seq;
    const killedAt = performance.now();
    first.contender.signal('SIGKILL');
    const survivors = pool.filter((c) => c !== first.contender);
    const second = await nextAmong(
      survivors,
      (e) => e.ev === 'elected',
      'a takeover after SIGKILL',
      TIMING.ttlMs + TIMING.pollMaxMs + SLACK_MS,
      killSeq,
    );
    const takeoverMs = performance.now() - killedAt;
    expect(takeoverMs).toBeLessThan(TIMING.ttlMs + TIMING.pollMaxMs + SLACK_MS);
    expect(second.event.token).toBeGreaterThan(first.event.token!);
    expect(await first.contender.exited).toBe('SIGKILL');
    await second.contender.next((e) => e.ev === 'act' && e.ok === true, 'an accepted write by the second leader', 5_000, killSeq);

    // 3. SIGSTOP the new leader past its TTL: the last process takes over with a higher token.
    const stopped = second.contender;
    const third = survivors.find((c) => c !== stopped)!;
    const stopSeq = procs.counter.seq;
    stopped.signal('SIGSTOP');
    const takeover = await third.next((e) => e.ev === 'elected', 'a takeover after SIGSTOP', TIMING.ttlMs + TIMING.pollMaxMs + SLACK_MS, stopSeq);
    expect(takeover.token).toBeGreaterThan(second.event.token!);
    await third.next((e) => e.ev === 'act' && e.ok === true, 'an accepted write by the third leader', 5_000, stopSeq);
    await delay(300); // anything the stopped process printed before SIGSTOP has been read by now

    // 4. SIGCONT: its first word is mayAct false or a step-down; it never acts; its forced write is refused.
    const contSeq = procs.counter.seq;
    stopped.signal('SIGCONT');
    const lost = await stopped.next((e) => e.ev === 'lost', 'the resumed leader to step down', 5_000, contSeq);
    expect(['NOT_HOLDER', 'LEASE_EXPIRED']).toContain(lost.reason);
    stopped.send('forceWrite');
    const forced = await stopped.next((e) => e.ev === 'forceWrite', 'the forced write', 5_000, contSeq);
    const afterResume = stopped.events.filter((e) => e.seq >= contSeq);
    expect(afterResume.find((e) => e.ev === 'mayAct' || e.ev === 'lost' || e.ev === 'act')?.ev).not.toBe('act');
    expect(afterResume.some((e) => e.ev === 'mayAct' && e.value === false)).toBe(true);
    expect(afterResume.filter((e) => e.ev === 'act')).toEqual([]);
    expect(forced.token).toBe(second.event.token);
    expect(forced.mayAct).toBe(false);
    expect(forced.result).toMatchObject({ ok: false, code: 'FENCED_WRITE_REJECTED' });
    expect(forced.result!.highestToken).toBeGreaterThanOrEqual(takeover.token!);
    // The third process is still the only one acting.
    const lastSeq = procs.counter.seq;
    await third.next((e) => e.ev === 'act' && e.ok === true, 'the third leader to keep acting', 5_000, lastSeq);
    expect(stopped.events.filter((e) => e.seq >= contSeq && e.ev === 'elected')).toEqual([]);
  });
});
