// In-process backend: trials on a pool of worker threads (or this thread for jobs = 1), outcomes in sweep order.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../domain/index.ts';
import { OptimizeError } from '../optimizeError.ts';
import type { JsonValue, TrialModuleRef, TrialOutcome } from '../types.ts';
import type { LocalTrialMessage } from './localTrialWorker.ts';
import { assertDistinctTrials, type ProgressCallback, type Sweep, type TrialBackend } from './trialBackend.ts';
import { failureReason, loadTrialFunction, runTrialWithRetries } from './trialExecution.ts';

const WORKER = workerEntry('optimize/backends/localTrialWorker');

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

const spawnThread = (trial: TrialModuleRef): PoolWorker => ({
  worker: new Worker(WORKER.entry, { workerData: { module: WORKER.module, trial }, execArgv: [] }),
  busy: null,
});

/** One sweep on the thread pool: feeds trials to idle threads, stores outcomes by sweep position. */
class PoolRun {
  private next = 0;
  private done = 0;
  private failed = 0;
  private readonly outcomes: TrialOutcome[];
  private resolve!: (outcomes: TrialOutcome[]) => void;
  readonly finished: Promise<TrialOutcome[]>;

  constructor(
    private readonly pool: PoolWorker[],
    private readonly sweep: Sweep,
    private readonly data: JsonValue,
    private readonly onProgress?: ProgressCallback,
  ) {
    this.outcomes = new Array(sweep.trials.length);
    this.finished = new Promise((resolve) => (this.resolve = resolve));
    if (sweep.trials.length === 0) this.resolve(this.outcomes);
    for (const p of pool) {
      this.attach(p);
      this.feed(p);
    }
  }

  private finish(id: number, outcome: TrialOutcome): void {
    this.outcomes[id] = outcome;
    this.done++;
    if (outcome.status === 'failed') this.failed++;
    this.onProgress?.({ done: this.done, total: this.outcomes.length, failed: this.failed });
    if (this.done === this.outcomes.length) this.resolve(this.outcomes);
  }

  private feed(p: PoolWorker): void {
    if (this.next >= this.outcomes.length) return;
    const id = this.next++;
    p.busy = id;
    const s = this.sweep;
    const msg: LocalTrialMessage = { id, input: s.trials[id]!, dataSha256: s.dataSha256, data: this.data, context: s.context, retry: s.retry };
    p.worker.postMessage(msg);
  }

  private attach(p: PoolWorker): void {
    p.worker.removeAllListeners();
    p.worker.on('message', (m: { id: number; outcome: TrialOutcome }) => {
      p.busy = null;
      this.finish(m.id, m.outcome);
      this.feed(p);
    });
    p.worker.on('error', (e) => this.replace(p, failureReason(e)));
    p.worker.on('exit', (code) => this.replace(p, `worker thread exited with code ${code}`));
  }

  /** A thread that crashes or exits fails only the trial it was running; a fresh thread takes its place. */
  private replace(p: PoolWorker, reason: string): void {
    if (!this.pool.includes(p) || this.done === this.outcomes.length) return;
    const id = p.busy;
    const fresh = spawnThread(this.sweep.trial);
    this.pool[this.pool.indexOf(p)] = fresh;
    this.attach(fresh);
    if (id !== null) this.finish(id, { status: 'failed', attempts: 1, reason: `WORKER_CRASHED: ${reason}` });
    this.feed(fresh);
  }
}

/** Runs a sweep in this thread, one trial after another. */
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

/** Creates the worker-thread backend. Threads start on the first run and are reused until close(). */
export function createLocalBackend(options: LocalBackendOptions): TrialBackend {
  const jobs = options.jobs === 0 ? availableParallelism() : Math.max(1, options.jobs);
  let pool: PoolWorker[] = [];
  let poolTrial = '';

  function runPool(sweep: Sweep, data: JsonValue, onProgress?: ProgressCallback): Promise<TrialOutcome[]> {
    const key = `${sweep.trial.module}#${sweep.trial.exportName}`;
    if (poolTrial !== key) {
      for (const p of pool) void p.worker.terminate();
      pool = [];
      poolTrial = key;
    }
    while (pool.length < Math.min(jobs, sweep.trials.length)) pool.push(spawnThread(sweep.trial));
    return new PoolRun(pool, sweep, data, onProgress).finished;
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
