// Runs a retrain on a worker thread (bin/tsWorker.mjs bootstrap, as walk-forward does) and resolves
// with its outcome; the calling thread stays free to process bars meanwhile (the RetrainRunner of live sessions).

import { Worker } from 'node:worker_threads';
import { workerEntry } from '../domain/index.ts';
import { RetrainError, type RetrainOutcome, type RetrainJob, type WorkerMessage } from '../regime/index.ts';

const WORKER = workerEntry('app/retrainWorkerThread');

/**
 * Runs `job` on a fresh worker thread and terminates it afterwards. Rejects with RetrainError when
 * training fails or the worker dies.
 */
export function runRetrainInWorker(
  job: RetrainJob,
  onIteration?: (it: { restart: number; iteration: number; logProb: number }) => void,
): Promise<RetrainOutcome> {
  return new Promise<RetrainOutcome>((resolve, reject) => {
    const worker = new Worker(WORKER.entry, { workerData: { module: WORKER.module }, execArgv: [] });
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
