// Leader takeover time on the real Redis: three contender processes (test/state/shared/support/
// electorChild.ts); the leader is SIGKILLed at a random point of its renewal cycle and the time to the
// new leader's first mayAct() === true is measured, over N trials (median and worst), together with
// the lease time still left at the kill (the floor any lease-based takeover has to wait out).
// Run: npx tsx bench/takeover.bench.ts [--trials 20] [--ttl-ms 10000] [--renew-ms 3000]
//      [--poll-min-ms 1000] [--poll-max-ms 2000] [--margin-ms 1000]
// Env: TXBOT_TEST_REDIS_URL (default redis://127.0.0.1:6379). Keys under txbot-bench:takeover:*, deleted at the end.

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { leaseKeys } from '../src/state/shared/index.ts';
import { contenders, nextAmong, type Contender } from '../test/state/shared/support/contenders.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    'ttl-ms': { type: 'string', default: '10000' },
    'renew-ms': { type: 'string', default: '3000' },
    'poll-min-ms': { type: 'string', default: '1000' },
    'poll-max-ms': { type: 'string', default: '2000' },
    'margin-ms': { type: 'string', default: '1000' },
  },
});
const trials = Number(values.trials);
const timing = {
  ttlMs: Number(values['ttl-ms']),
  renewEveryMs: Number(values['renew-ms']),
  pollMinMs: Number(values['poll-min-ms']),
  pollMaxMs: Number(values['poll-max-ms']),
  marginMs: Number(values['margin-ms']),
  actEveryMs: 50,
};
const redisUrl = process.env.TXBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Wall ms comparable with the children's `atMs` (timeOrigin + monotonic offset). */
const wallMs = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Trial {
  /** PTTL of the lease key read just before the SIGKILL: the part of the takeover no election can shorten. */
  readonly leaseLeftMs: number;
  readonly takeoverMs: number;
  readonly receivedMs: number;
  readonly token: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

async function main(): Promise<void> {
  const keyPrefix = `txbot-bench:takeover:${process.pid}:${randomBytes(3).toString('hex')}`;
  const redis = new Redis(redisUrl);
  const info = await redis.info('server');
  // The key space counts as in use on this server, so the first election is not delayed by the first-use quarantine.
  await redis.set(leaseKeys(keyPrefix).boot, /run_id:(\w+)/.exec(info)![1]);
  const holderKey = leaseKeys(keyPrefix).holder;
  const procs = contenders({ redisUrl, keyPrefix, ...timing });
  let names = 0;
  const startOne = async (): Promise<Contender> => {
    const c = procs.start(`c${++names}`);
    await c.next((e) => e.ev === 'ready', 'ready', 30_000);
    return c;
  };
  const results: Trial[] = [];
  try {
    const live = [await startOne(), await startOne(), await startOne()];
    let leader = await nextAmong(live, (e) => e.ev === 'elected', 'the first leader', timing.ttlMs * 3);
    console.log(
      `takeover bench: ${trials} trials, ttl ${timing.ttlMs} ms, renew every ${timing.renewEveryMs} ms, poll ${timing.pollMinMs}-${timing.pollMaxMs} ms, margin ${timing.marginMs} ms, 3 processes\n`,
    );
    console.log('trial  lease left at kill ms  takeover ms (child clock)  takeover − lease left ms  takeover ms (received)  new token');
    for (let t = 1; t <= trials; t++) {
      // Kill at a uniformly random point of the renewal cycle, at least one full cycle after the election.
      const extraWaitMs = Math.random() * timing.renewEveryMs;
      const ledForMs = wallMs() - leader.event.atMs;
      await sleep(Math.max(0, timing.renewEveryMs - ledForMs) + extraWaitMs);
      const fromSeq = procs.counter.seq;
      const leaseLeftMs = await redis.pttl(holderKey);
      const killedAtMs = wallMs();
      leader.contender.signal('SIGKILL');
      live.splice(live.indexOf(leader.contender), 1);
      const next = await nextAmong(live, (e) => e.ev === 'elected', `takeover in trial ${t}`, timing.ttlMs + timing.pollMaxMs + 10_000, fromSeq);
      const trial = { leaseLeftMs, takeoverMs: next.event.atMs - killedAtMs, receivedMs: wallMs() - killedAtMs, token: next.event.token! };
      results.push(trial);
      console.log(
        `${String(t).padStart(5)}  ${String(leaseLeftMs).padStart(21)}  ${trial.takeoverMs.toFixed(1).padStart(25)}  ${(trial.takeoverMs - leaseLeftMs).toFixed(1).padStart(24)}  ${trial.receivedMs.toFixed(1).padStart(22)}  ${trial.token}`,
      );
      await leader.contender.exited;
      leader = next;
      live.push(await startOne());
    }
  } finally {
    await procs.killAll();
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
  const sorted = results.map((r) => r.takeoverMs).sort((a, b) => a - b);
  const overhead = results.map((r) => r.takeoverMs - r.leaseLeftMs).sort((a, b) => a - b);
  const tokensIncrease = results.every((r, i) => i === 0 || r.token > results[i - 1].token);
  console.log(
    `\ntakeover (SIGKILL → new leader's first mayAct() === true), ${sorted.length} trials: ` +
      `median ${quantile(sorted, 0.5).toFixed(0)} ms, p90 ${quantile(sorted, 0.9).toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms, best ${sorted[0].toFixed(0)} ms; ` +
      `bound ttl + one poll = ${timing.ttlMs + timing.pollMaxMs} ms; tokens strictly increasing: ${tokensIncrease}`,
  );
  console.log(
    `beyond the lease's remaining TTL at the kill (detection + grant): median ${quantile(overhead, 0.5).toFixed(0)} ms, worst ${overhead.at(-1)!.toFixed(0)} ms`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
