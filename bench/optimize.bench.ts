// Optimization throughput on 2 worker threads and on two BullMQ worker processes (one sandboxed trial each) against
// Redis: trials per second of a fixed-cost toy trial (~50 ms CPU), then of the real backtest trial (bench/optimizeReal.ts).
// Run: npx tsx bench/optimize.bench.ts. Env: TXBOT_BENCH_TRIALS (default 120), TXBOT_BENCH_CPU_MS (default 50),
// TXBOT_BENCH_REAL_TRIALS (default 48), TXBOT_TEST_REDIS_URL (default redis://127.0.0.1:6379).
// Uses the toy trial and worker script of test/optimize/support; Redis keys live under a unique prefix, removed at the end.

import { createBullmqBackend } from '../src/optimize/backends/bullmqBackend.ts';
import { createLocalBackend } from '../src/optimize/backends/localBackend.ts';
import type { Sweep, TrialBackend } from '../src/optimize/backends/trialBackend.ts';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../test/optimize/support/redisPrefix.ts';
import { TOY_MODULE, TOY_SHA } from '../test/optimize/support/toySpec.ts';
import { killGroup, spawnWorker } from '../test/optimize/support/workerProcess.ts';
import { figure } from './support/figure.ts';
import { measureRealTrials } from './optimizeReal.ts';

const TRIALS = Number(process.env.TXBOT_BENCH_TRIALS ?? 120);
const CPU_MS = Number(process.env.TXBOT_BENCH_CPU_MS ?? 50);

function sweep(sweepId: string, n: number): Sweep {
  return {
    sweepId,
    round: 0,
    dataSha256: TOY_SHA,
    trial: { module: TOY_MODULE, exportName: 'toyTrial' },
    context: { cpuMs: CPU_MS },
    retry: { attempts: 1, backoffMs: 0 },
    trials: Array.from({ length: n }, (_, i) => ({ windowIndex: i % 4, params: { x: i / n }, seed: 1, segment: 'train' as const })),
  };
}

/** Warms the backend (workers started, modules loaded), then times one sweep of TRIALS trials. */
async function measure(backend: TrialBackend, label: string): Promise<{ label: string; seconds: number; perSecond: number }> {
  await backend.run(sweep(`${label}-warmup-${Date.now()}`, 4));
  const t0 = performance.now();
  const outcomes = await backend.run(sweep(`${label}-${Date.now()}`, TRIALS));
  const seconds = (performance.now() - t0) / 1000;
  if (outcomes.some((o) => o.status !== 'completed')) throw new Error(`${label}: some trials failed`);
  return { label, seconds, perSecond: TRIALS / seconds };
}

const rows: { label: string; seconds: number; perSecond: number }[] = [];

const local = createLocalBackend({ jobs: 2, datasets: { [TOY_SHA]: null } });
rows.push(await measure(local, 'worker threads (jobs 2)'));
await local.close();

const prefix = uniquePrefix('bench');
const workers = [spawnWorker({ queueUrl: REDIS_URL, prefix, concurrency: 1 }), spawnWorker({ queueUrl: REDIS_URL, prefix, concurrency: 1 })];
try {
  await Promise.all(workers.map((w) => w.ready));
  const bullmq = createBullmqBackend({ queueUrl: REDIS_URL, prefix, pollMs: 50, timeoutMs: 600_000 });
  rows.push(await measure(bullmq, 'BullMQ, 2 worker processes'));
  await bullmq.close();
} finally {
  for (const w of workers) killGroup(w, 'SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await deletePrefix(prefix);
}

const ideal = 2000 / CPU_MS;
console.log(`\n${TRIALS} trials of ${CPU_MS} ms CPU each; ideal on 2 cores: ${ideal.toFixed(1)} trials/s\n`);
console.log('| backend | seconds | trials/s | of ideal |');
console.log('|---|---:|---:|---:|');
for (const r of rows) figure(`${r.label} (toy trials of ${CPU_MS} ms)`, r.perSecond, 'trials/s');
for (const r of rows)
  console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(1)} | ${((100 * r.perSecond) / ideal).toFixed(0)}% |`);

const real = await measureRealTrials();
console.log(`\n${real.description}\n`);
console.log('| backend | seconds | trials/s |');
console.log('|---|---:|---:|');
for (const r of real.rows) figure(`${r.label} (real backtest trials)`, r.perSecond, 'trials/s');
for (const r of real.rows) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(2)} |`);
