// Session takeover time with real processes: three `txbot live` processes on one `txbot sim-gateway`
// account with state.kind redis; the leader is SIGKILLed at a random point of its renewal cycle and the
// time to the new leader's "order-capable" line (lease granted, logged in, reconciled with the broker,
// warmed up from history, hubs subscribed) is measured over N trials (median and worst), with the lease
// time still left at the kill and the grant alone.
// Run: npx tsx bench/sessionTakeover.bench.ts [--trials 20] [--ttl-ms 10000] [--renew-ms 3000] [--poll-ms 1500] [--margin-ms 1000]
// Env: TXBOT_TEST_REDIS_URL (default redis://127.0.0.1:6379). Keys under txbot-bench:session-takeover:*, deleted at the end.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { barsToCsv } from '../src/data/index.ts';
import { sliceBarSeries } from '../src/domain/bar.ts';
import { formatUtcIso } from '../src/broker/projectx/index.ts';
import { regimeModelToJson } from '../src/regime/index.ts';
import { leaseKeys } from '../src/state/index.ts';
import { sharedKeyPrefixes } from '../src/app/sharedState.ts';
import { syntheticSetup } from '../test/support/backtestFixtures.ts';
import { firstAmong, startSimGateway, startTxbot, type TxbotProc } from '../test/live/support/sharedCluster.ts';
import { figure } from './support/figure.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    'ttl-ms': { type: 'string', default: '10000' },
    'renew-ms': { type: 'string', default: '3000' },
    'poll-ms': { type: 'string', default: '1500' },
    'margin-ms': { type: 'string', default: '1000' },
  },
});
const trials = Number(values.trials);
const leader = {
  ttl_ms: Number(values['ttl-ms']),
  renew_ms: Number(values['renew-ms']),
  poll_ms: Number(values['poll-ms']),
  margin_ms: Number(values['margin-ms']),
};
const redisUrl = process.env.TXBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const READY = /^leader: token (\d+) order-capable/;
const GRANTED = /^leader: token (\d+) granted/;

function quantile(sorted: readonly number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-bench-takeover-'));
  const keyPrefix = `txbot-bench:session-takeover:${process.pid}:${randomBytes(3).toString('hex')}`;
  const prefixes = sharedKeyPrefixes(keyPrefix);
  const redis = new Redis(redisUrl);
  const { test, model } = syntheticSetup();
  const series = sliceBarSeries(test, 0, 20 * 78);
  writeFileSync(join(dir, 'bars.csv'), barsToCsv(series));
  writeFileSync(join(dir, 'model.json'), regimeModelToJson(model));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } },
      live: { status_interval_seconds: 3600, on_stop: 'flatten' },
      leader,
      state: { kind: 'redis', url: redisUrl, key_prefix: keyPrefix },
    }),
  );
  // The key space counts as in use on this server (no first-use quarantine before the first election).
  await redis.set(leaseKeys(prefixes.lease).boot, /run_id:(\w+)/.exec(await redis.info('server'))![1]);
  // 60x: a bar every 5 s of wall time, enough bars for the whole run.
  const sim = await startSimGateway(join(dir, 'bars.csv'), formatUtcIso(series.tsMs[6 * 78]!), 60);
  let n = 0;
  const start = (): TxbotProc =>
    startTxbot(
      `b${++n}`,
      [
        'live',
        '--account',
        '1001',
        '--model',
        join(dir, 'model.json'),
        '--config',
        config,
        '--gateway',
        sim.url,
        '--rtc',
        sim.url,
        '--confirm-live',
        '--warm-up-days',
        '3',
        '--pid-file',
        join(dir, `b${n}.pid`),
      ],
      { TXBOT_MACHINE_ID: `b${n}`, TXBOT__JOURNAL__SQLITE_PATH: join(dir, `b${n}.db`) },
    );
  const results: { leaseLeftMs: number; grantedMs: number; readyMs: number; startupMs: number }[] = [];
  const live: TxbotProc[] = [start(), start(), start()];
  try {
    await Promise.all(live.map((p) => p.next(/^standby: /, 60_000)));
    let current = await firstAmong(live, READY, 3 * leader.ttl_ms + 30_000);
    let ledSince = current.line.atMs;
    console.log(
      `session takeover bench: ${trials} trials, 3 txbot live processes, ttl ${leader.ttl_ms} ms, renew ${leader.renew_ms} ms, poll ${leader.poll_ms / 2}-${leader.poll_ms} ms, margin ${leader.margin_ms} ms\n`,
    );
    console.log('trial  lease left at kill ms  grant ms  order-capable ms  start-up after grant ms');
    for (let t = 1; t <= trials; t++) {
      const extraWaitMs = Math.random() * leader.renew_ms;
      await sleep(Math.max(0, leader.renew_ms - (performance.now() - ledSince)) + extraWaitMs);
      const marks = new Map(live.map((p) => [p, p.lines.length]));
      const leaseLeftMs = await redis.pttl(leaseKeys(prefixes.lease).holder).catch(() => -1);
      const killedAt = performance.now();
      current.proc.child.kill('SIGKILL');
      const dead = current.proc;
      live.splice(live.indexOf(dead), 1);
      const granted = await firstAmong(live, GRANTED, leader.ttl_ms + leader.poll_ms + 20_000, marks);
      const ready = await granted.proc.next(READY, 30_000, marks.get(granted.proc));
      const r = { leaseLeftMs, grantedMs: granted.line.atMs - killedAt, readyMs: ready.atMs - killedAt, startupMs: ready.atMs - granted.line.atMs };
      results.push(r);
      console.log(
        `${String(t).padStart(5)}  ${String(leaseLeftMs).padStart(21)}  ${r.grantedMs.toFixed(0).padStart(8)}  ${r.readyMs.toFixed(0).padStart(16)}  ${r.startupMs.toFixed(0).padStart(23)}`,
      );
      await dead.exited;
      current = { proc: granted.proc, line: ready };
      ledSince = ready.atMs;
      const fresh = start();
      live.push(fresh);
      await fresh.next(/^standby: /, 60_000);
    }
  } finally {
    for (const p of live) p.child.kill('SIGTERM');
    await Promise.all(live.map((p) => p.exited));
    sim.stop();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = (k: 'grantedMs' | 'readyMs' | 'startupMs') => results.map((r) => r[k]).sort((a, b) => a - b);
  const line = (what: string, xs: number[]) =>
    `${what}: median ${quantile(xs, 0.5).toFixed(0)} ms, p90 ${quantile(xs, 0.9).toFixed(0)} ms, worst ${xs.at(-1)!.toFixed(0)} ms, best ${xs[0]!.toFixed(0)} ms`;
  console.log(`\n${results.length} trials; bound for the grant ttl + one poll = ${leader.ttl_ms + leader.poll_ms} ms`);
  console.log(line('leader SIGKILL → new leader order-capable', sorted('readyMs')));
  console.log(line('leader SIGKILL → lease granted', sorted('grantedMs')));
  console.log(line('grant → order-capable (login, reconcile, warm-up, hubs)', sorted('startupMs')));
  figure('leader SIGKILL → new leader order-capable, median', quantile(sorted('readyMs'), 0.5), 'ms');
  figure('leader SIGKILL → new leader order-capable, worst', sorted('readyMs').at(-1)!, 'ms');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
