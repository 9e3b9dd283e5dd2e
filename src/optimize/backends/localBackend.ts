// In-process backend: trials on a pool of worker threads (or this thread for jobs = 1), outcomes in sweep order.

import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OptimizeError } from '../optimizeError.ts';
import type { JsonValue, TrialModuleRef, TrialOutcome } from '../types.ts';
import type { LocalTrialMessage } from './localTrialWorker.ts';
import { assertDistinctTrials, type ProgressCallback, type Sweep, type TrialBackend } from './trialBackend.ts';
import { failureReason, loadTrialFunction, runTrialWithRetries } from './trialExecution.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER_ENTRY = join(HERE, '..', '..', '..', 'bin', 'tsWorker.mjs');
const WORKER_MODULE = pathToFileURL(join(HERE, 'localTrialWorker.ts')).href;

export interface LocalBackendOptions {
  /** Worker threads; 0 = all cores; 1 = run trials in this thread. */
  readonly jobs: number;
  /** The data this process holds: sha256 → descriptor handed to trials as `ctx.data`. */
  readonly datasets: Readonly<Record<string, JsonValue>>;
}

/** Checks that the sweep's data is held here; a mismatch is refused before anything runs. */
export function resolveSweepData(datasets: Readonly<Record<string, JsonValue>>, sha256: string): JsonValue {
  if (!Object.hasOwn(datasets, sha256)) {
    throw new OptimizeError(
      'DATA_SHA_MISMATCH',
      `sweep data sha256 ${sha256} is not held here (held: ${Object.keys(datasets).join(', ') || 'none'})`,
      false,
      {
        hint: 'run on the same data file the sweep was planned on',
      },
    );
  }
  return datasets[sha256]!;
}

interface PoolWorker {
  worker: Worker;
  busy: number | null;
}

/** Creates the worker-thread backend. Workers start on the first run and are reused until close(). */
export function createLocalBackend(options: LocalBackendOptions): TrialBackend {
  const jobs = options.jobs === 0 ? availableParallelism() : Math.max(1, options.jobs);
  let pool: PoolWorker[] = [];
  let poolTrial = '';

  const spawn = (trial: TrialModuleRef): PoolWorker => ({
    worker: new Worker(WORKER_ENTRY, { workerData: { module: WORKER_MODULE, trial }, execArgv: [] }),
    busy: null,
  });

  async function runHere(sweep: Sweep, data: JsonValue, onProgress?: ProgressCallback): Promise<TrialOutcome[]> {
    const fn = await loadTrialFunction(sweep.trial).catch((e: unknown) => e as Error);
    const outcomes: TrialOutcome[] = [];
    let failed = 0;
    for (const input of sweep.trials) {
      const outcome =
        fn instanceof Error
          ? { status: 'failed' as const, attempts: 1, reason: failureReason(fn) }
          : await runTrialWithRetries(fn, input, { dataSha256: sweep.dataSha256, data, context: sweep.context }, sweep.retry);
      if (outcome.status === 'failed') failed++;
      outcomes.push(outcome);
      onProgress?.({ done: outcomes.length, total: sweep.trials.length, failed });
    }
    return outcomes;
  }

  function runPool(sweep: Sweep, data: JsonValue, onProgress?: ProgressCallback): Promise<TrialOutcome[]> {
    const key = `${sweep.trial.module}#${sweep.trial.exportName}`;
    if (poolTrial !== key) {
      for (const p of pool) void p.worker.terminate();
      pool = [];
      poolTrial = key;
    }
    const total = sweep.trials.length;
    const outcomes: TrialOutcome[] = new Array(total);
    let next = 0;
    let done = 0;
    let failed = 0;
    return new Promise((resolve) => {
      if (total === 0) return resolve(outcomes);
      const finish = (id: number, outcome: TrialOutcome): void => {
        outcomes[id] = outcome;
        done++;
        if (outcome.status === 'failed') failed++;
        onProgress?.({ done, total, failed });
        if (done === total) resolve(outcomes);
      };
      const feed = (p: PoolWorker): void => {
        if (next >= total) return;
        const id = next++;
        p.busy = id;
        const msg: LocalTrialMessage = {
          id,
          input: sweep.trials[id]!,
          dataSha256: sweep.dataSha256,
          data,
          context: sweep.context,
          retry: sweep.retry,
        };
        p.worker.postMessage(msg);
      };
      const attach = (p: PoolWorker): void => {
        p.worker.removeAllListeners();
        p.worker.on('message', (m: { id: number; outcome: TrialOutcome }) => {
          p.busy = null;
          finish(m.id, m.outcome);
          feed(p);
        });
        // A thread that crashes or exits fails only the trial it was running; a fresh thread takes its place.
        const replace = (reason: string): void => {
          if (!pool.includes(p) || done === total) return;
          const id = p.busy;
          const replacement = spawn(sweep.trial);
          pool[pool.indexOf(p)] = replacement;
          attach(replacement);
          if (id !== null) finish(id, { status: 'failed', attempts: 1, reason: `WORKER_CRASHED: ${reason}` });
          feed(replacement);
        };
        p.worker.on('error', (e) => replace(failureReason(e)));
        p.worker.on('exit', (code) => replace(`worker thread exited with code ${code}`));
      };
      while (pool.length < Math.min(jobs, total)) pool.push(spawn(sweep.trial));
      for (const p of pool) {
        attach(p);
        feed(p);
      }
    });
  }

  return {
    async run(sweep, onProgress) {
      assertDistinctTrials(sweep);
      const data = resolveSweepData(options.datasets, sweep.dataSha256);
      return jobs === 1 ? runHere(sweep, data, onProgress) : runPool(sweep, data, onProgress);
    },
    async close() {
      await Promise.all(pool.map((p) => p.worker.terminate()));
      pool = [];
      poolTrial = '';
    },
  };
}
