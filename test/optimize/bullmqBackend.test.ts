// BullMQ backend against the real Redis (unique prefix per test, keys removed after): byte-identical to the
// local backend, resubmission reuses finished trials, failures are retried then reported while the window
// completes, and a worker refuses data or a trial it does not hold.

import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBullmqBackend } from '../../src/optimize/backends/bullmqBackend.ts';
import { trialJobId, windowJobId, windowQueueName } from '../../src/optimize/backends/bullmqJobs.ts';
import { runWorker, type RunWorkerOptions, type WorkerHandle } from '../../src/optimize/backends/bullmqWorker.ts';
import { createLocalBackend } from '../../src/optimize/backends/localBackend.ts';
import type { SweepProgress, TrialBackend } from '../../src/optimize/backends/trialBackend.ts';
import { runOptimization } from '../../src/optimize/optimizer.ts';
import type { TrialInput } from '../../src/optimize/types.ts';
import { useTempDir } from '../support/tmp.ts';
import { REDIS_URL, deletePrefix, uniquePrefix } from './support/redisPrefix.ts';
import { readExecLog } from './support/toyTrials.ts';
import { TOY_GRID, TOY_MODULE, TOY_SHA, toySettings, toySpec } from './support/toySpec.ts';

const tmp = useTempDir('txbot-opt-bullmq-');
const local = createLocalBackend({ jobs: 2, datasets: { [TOY_SHA]: null } });
afterAll(() => local.close());

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A backend plus an in-process worker (trials in sandboxed child processes) on a fresh prefix. */
async function bullmq(worker: Partial<RunWorkerOptions> = {}): Promise<{ prefix: string; backend: TrialBackend; worker: WorkerHandle }> {
  const prefix = uniquePrefix();
  cleanup.push(() => deletePrefix(prefix));
  const handle = await runWorker({
    queueUrl: REDIS_URL,
    prefix,
    trial: { module: TOY_MODULE, exportName: 'toyTrial' },
    datasets: { [TOY_SHA]: null },
    concurrency: 2,
    handleSignals: false,
    ...worker,
  });
  cleanup.push(() => handle.close());
  const backend = createBullmqBackend({ queueUrl: REDIS_URL, prefix, pollMs: 50, timeoutMs: 90_000 });
  cleanup.push(() => backend.close());
  return { prefix, backend, worker: handle };
}

const starts = (log: string) => readExecLog(log).filter((l) => l.phase === 'start');

describe('BullMQ backend', () => {
  it('gives byte-identical summaries to the local backend (TPE over several rounds)', async () => {
    const { backend } = await bullmq();
    const spec = toySpec(toySettings({ trials: 12, batchSize: 4 }));
    const progress: SweepProgress[] = [];
    const viaQueue = JSON.stringify(await runOptimization(spec, backend, (p) => progress.push(p)));
    const viaThreads = JSON.stringify(await runOptimization(spec, local));
    expect(viaQueue).toBe(viaThreads);
    expect(progress.at(-1)).toEqual({ done: 26, total: 26, failed: 0 });
  });

  it('retries a failing trial (not a ConfigError), reports it failed, and every window job still completes', async () => {
    const { prefix, backend } = await bullmq();
    const execLog = join(tmp.dir, 'failing.log');
    const spec = toySpec(toySettings({ space: TOY_GRID, sampler: { kind: 'grid' }, trials: 6, batchSize: 6 }), {
      execLog,
      failX: 0.2,
      invalidX: 0.4,
    });
    const progress: SweepProgress[] = [];
    const viaQueue = await runOptimization(spec, backend, (p) => progress.push(p));
    for (const w of viaQueue.windows) {
      expect(w.trials[2]).toMatchObject({ status: 'failed', attempts: 2, reason: 'Error: toy failure at x=0.2' });
      expect(w.trials[4]).toMatchObject({ status: 'failed', attempts: 1, reason: 'CONFIG_INVALID: toy invalid parameters x=0.4' });
    }
    expect(starts(execLog).filter((l) => (l.p as { x: number }).x === 0.2)).toHaveLength(4);
    expect(starts(execLog).filter((l) => (l.p as { x: number }).x === 0.4)).toHaveLength(2);
    expect(progress.at(-1)).toEqual({ done: 14, total: 14, failed: 4 });
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const windows = new Queue(windowQueueName('optimize'), { connection: redis, prefix });
    expect(await windows.getJobCounts('completed', 'failed', 'waiting-children')).toEqual({ completed: 4, failed: 0, 'waiting-children': 0 });
    await windows.close();
    await redis.quit();
    // The local backend reports the same failure the same way.
    expect(JSON.stringify(await runOptimization(toySpec(spec.settings, { failX: 0.2, invalidX: 0.4 }), local))).toBe(
      JSON.stringify(await runOptimization(toySpec(spec.settings, { failX: 0.2, invalidX: 0.4 }), backend)),
    );
  });

  it('resubmitting the same sweep reuses finished results without running anything again', async () => {
    const { backend } = await bullmq();
    const execLog = join(tmp.dir, 'resubmit.log');
    const spec = toySpec(toySettings({ space: TOY_GRID, sampler: { kind: 'grid' }, trials: 6, batchSize: 6 }), { execLog });
    const first = JSON.stringify(await runOptimization(spec, backend));
    const executed = starts(execLog).length;
    expect(executed).toBe(14);
    expect(JSON.stringify(await runOptimization(spec, backend))).toBe(first);
    expect(starts(execLog)).toHaveLength(executed);
  });

  it('a worker refuses a job whose data sha256 it does not hold, without retrying or running it', async () => {
    const { backend } = await bullmq({ datasets: { ['d'.repeat(64)]: null } });
    const execLog = join(tmp.dir, 'mismatch.log');
    const trials: TrialInput[] = [{ windowIndex: 0, params: { x: 0.1 }, seed: 1, segment: 'train' }];
    const sweep = {
      sweepId: 'mismatch',
      round: 0,
      dataSha256: TOY_SHA,
      trial: { module: TOY_MODULE, exportName: 'toyTrial' },
      context: { execLog },
      retry: { attempts: 3, backoffMs: 10 },
      trials,
    };
    const [outcome] = await backend.run(sweep);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect(outcome!.status === 'failed' && outcome!.reason).toMatch(
      new RegExp(`^DATA_SHA_MISMATCH: job trial-[0-9a-f]{64} needs data sha256 ${TOY_SHA} but this worker holds d{64}`),
    );
    expect(starts(execLog)).toHaveLength(0);
    const [named] = await backend.run({ ...sweep, sweepId: 'other-trial', trial: { module: TOY_MODULE, exportName: 'crashingTrial' } });
    expect(named!.status === 'failed' && named!.reason).toMatch(/^TRIAL_MISMATCH: .*runs trial "crashingTrial" but this worker runs "toyTrial"/);
  });
});

describe('job ids', () => {
  const sweep = { sweepId: 's', round: 0, dataSha256: TOY_SHA, trial: { module: '/a/toy.ts', exportName: 'toyTrial' } };
  const t: TrialInput = { windowIndex: 1, params: { x: 0.1, y: 2 }, seed: 7, segment: 'train' };

  it('hash sweep, data, trial name, window, segment, seed and params, whatever the key order', () => {
    const id = trialJobId(sweep, t);
    expect(id).toMatch(/^trial-[0-9a-f]{64}$/);
    expect(trialJobId({ ...sweep, trial: { module: '/b/other.ts', exportName: 'toyTrial' } }, { ...t, params: { y: 2, x: 0.1 } })).toBe(id);
    for (const other of [
      trialJobId({ ...sweep, sweepId: 's2' }, t),
      trialJobId({ ...sweep, dataSha256: 'e'.repeat(64) }, t),
      trialJobId(sweep, { ...t, params: { x: 0.2, y: 2 } }),
      trialJobId(sweep, { ...t, windowIndex: 2 }),
      trialJobId(sweep, { ...t, segment: 'test' }),
      trialJobId(sweep, { ...t, seed: 8 }),
    ])
      expect(other).not.toBe(id);
    expect(windowJobId(sweep, 1, [id])).not.toBe(windowJobId({ ...sweep, round: 1 }, 1, [id]));
  });
});
