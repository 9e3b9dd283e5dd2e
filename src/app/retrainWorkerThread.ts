// Worker-thread body of a retrain: receives one RetrainJob, runs the pipeline core, posts EM progress and
// then the outcome (or the error), so the trading thread never blocks on training.

import { parentPort } from 'node:worker_threads';
import { TxbotError } from '../domain/index.ts';
import { runRetrain, type RetrainJob, type WorkerMessage } from '../regime/index.ts';

parentPort!.on('message', (job: RetrainJob) => {
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  try {
    const outcome = runRetrain(job.series, job.current, job.config, job.settings, {
      onIteration: job.reportIterations
        ? (it) => post({ kind: 'iteration', restart: it.restart, iteration: it.iteration, logProb: it.logProb })
        : undefined,
    });
    post({ kind: 'done', outcome });
  } catch (e) {
    const err = e as Error;
    post({ kind: 'failed', code: e instanceof TxbotError ? e.code : 'INTERNAL', message: err.message });
  }
});
