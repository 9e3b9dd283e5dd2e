// `runWorker`: a BullMQ worker for optimization trials (the body of a future `txbot worker --queue URL`).
// Trials run in sandboxed child processes, so CPU-bound work never blocks the lock renewals of the worker
// process (a busy worker is not mistaken for a dead one); SIGTERM/SIGINT finish the current trials, then exit.

import { fileURLToPath } from 'node:url';
import { childLoaderArgs, codeModuleUrl } from '../../domain/index.ts';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JsonValue, TrialModuleRef } from '../types.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, SANDBOX_ENV, trialQueueName, type SandboxSettings } from './bullmqJobs.ts';

const PROCESSOR_FILE = fileURLToPath(codeModuleUrl('optimize/backends/bullmqTrialProcessor'));

export interface RunWorkerOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  readonly queueUrl: string;
  readonly prefix?: string;
  readonly queueName?: string;
  /** The trial function this worker runs; jobs naming another export are refused. */
  readonly trial: TrialModuleRef;
  /**
   * The data this worker holds: sha256 → local descriptor given to trials as `ctx.data`. A job whose data
   * sha256 is not listed fails at once with DATA_SHA_MISMATCH (not retried). A table, not a function, because
   * it has to reach the sandboxed processes.
   */
  readonly datasets: Readonly<Record<string, JsonValue>>;
  /** Trials run at once (one sandboxed process each); default 1. */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal (default 30 000); a dead worker's job is retaken after it. */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for (default 30 000). */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails (default 2). */
  readonly maxStalledCount?: number;
  /** Close on SIGTERM and SIGINT (default true). */
  readonly handleSignals?: boolean;
  /** Worker errors (lost connection, ...); BullMQ reconnects by itself. Default: one line on stderr. */
  readonly onError?: (e: Error) => void;
}

export interface WorkerHandle {
  /** Stops taking jobs, waits for the running trials to finish, closes connections. */
  close(): Promise<void>;
  /** Resolves once the worker has closed (by close() or a signal). */
  readonly closed: Promise<void>;
}

/** Node arguments of sandboxed processes (the tsx loader when running from the sources). */
function sandboxExecArgv(): string[] {
  return childLoaderArgs();
}

/** Starts a worker on `<queueName>-trials` and resolves once it is connected. */
export async function runWorker(o: RunWorkerOptions): Promise<WorkerHandle> {
  const connection = new Redis(o.queueUrl, { maxRetriesPerRequest: null });
  const settings: SandboxSettings = { trial: { module: o.trial.module, exportName: o.trial.exportName }, datasets: o.datasets };
  const worker = new Worker(trialQueueName(o.queueName ?? DEFAULT_QUEUE), PROCESSOR_FILE, {
    connection,
    prefix: o.prefix ?? DEFAULT_PREFIX,
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 2,
    useWorkerThreads: false,
    workerForkOptions: { execArgv: sandboxExecArgv(), env: { ...process.env, [SANDBOX_ENV]: JSON.stringify(settings) } },
  });
  worker.on('error', o.onError ?? ((e) => process.stderr.write(`txbot optimize worker: ${e.message}\n`)));
  let closing: Promise<void> | null = null;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const onSignal = (): void => void close();
  function close(): Promise<void> {
    closing ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
      resolveClosed();
    })();
    return closing;
  }
  if (o.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  await worker.waitUntilReady();
  return { close, closed };
}
