// Runs a retrain on a worker thread (bin/tsWorker.mjs bootstrap, as walk-forward does) and resolves
// with its outcome; the calling thread stays free to process bars meanwhile.

import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from '../../config/index.ts';
import type { BarSeries } from '../../domain/bar.ts';
import { TxbotError } from '../../domain/errors.ts';
import type { RegimeModel } from '../modelStore.ts';
import type { RetrainOutcome, RetrainSettings } from './pipeline.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER_ENTRY = join(HERE, '..', '..', '..', 'bin', 'tsWorker.mjs');
const WORKER_MODULE = pathToFileURL(join(HERE, 'retrainWorker.ts')).href;

/** Everything a retrain needs, structured-cloneable (typed arrays are copied to the worker). */
export interface RetrainJob {
  readonly series: BarSeries;
  readonly current: RegimeModel | null;
  readonly config: Config;
  readonly settings: RetrainSettings;
  readonly reportIterations?: boolean;
}

/** Messages from the worker. */
export type WorkerMessage =
  | { readonly kind: 'iteration'; readonly restart: number; readonly iteration: number; readonly logProb: number }
  | { readonly kind: 'done'; readonly outcome: RetrainOutcome }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

/** A failed retrain (training error, worker crash); `code` is the original error code. */
export class RetrainError extends TxbotError {}

/** Runs one retrain; a function of this shape is what the RetrainController calls. */
export type RetrainRunner = (job: RetrainJob) => Promise<RetrainOutcome>;

/**
 * Runs `job` on a fresh worker thread and terminates it afterwards. Rejects with RetrainError when
 * training fails or the worker dies.
 */
export function runRetrainInWorker(
  job: RetrainJob,
  onIteration?: (it: { restart: number; iteration: number; logProb: number }) => void,
): Promise<RetrainOutcome> {
  return new Promise<RetrainOutcome>((resolve, reject) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: { module: WORKER_MODULE }, execArgv: [] });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'iteration') onIteration?.(m);
      else if (m.kind === 'done') finish(() => resolve(m.outcome));
      else finish(() => reject(new RetrainError(m.code, `retrain failed: ${m.message}`)));
    });
    worker.on('error', (e) => finish(() => reject(new RetrainError('RETRAIN_WORKER_ERROR', `retrain worker failed: ${e.message}`, { cause: e }))));
    worker.on('exit', (code) =>
      finish(() => reject(new RetrainError('RETRAIN_WORKER_EXITED', `retrain worker stopped with exit code ${code} before finishing`))),
    );
    worker.postMessage({ ...job, reportIterations: onIteration !== undefined });
  });
}
