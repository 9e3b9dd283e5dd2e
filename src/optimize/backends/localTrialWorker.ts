// Worker-thread body of the local backend: imports the trial function once, then runs each trial it is sent.

import { parentPort, workerData } from 'node:worker_threads';
import type { JsonValue, RetryPolicy, TrialFunction, TrialInput, TrialModuleRef } from '../types.ts';
import { failureReason, loadTrialFunction, runTrialWithRetries } from './trialExecution.ts';

/** A trial sent to a worker thread. */
export interface LocalTrialMessage {
  readonly id: number;
  readonly input: TrialInput;
  readonly dataSha256: string;
  readonly data: JsonValue;
  readonly context: JsonValue;
  readonly retry: RetryPolicy;
}

const { trial } = workerData as { trial: TrialModuleRef };
let fn: Promise<TrialFunction> | null = null;

parentPort!.on('message', (msg: LocalTrialMessage) => {
  fn ??= loadTrialFunction(trial);
  fn.then((f) => runTrialWithRetries(f, msg.input, { dataSha256: msg.dataSha256, data: msg.data, context: msg.context }, msg.retry))
    .catch((e: unknown) => ({ status: 'failed' as const, attempts: 1, reason: failureReason(e) }))
    .then(
      (outcome) => parentPort!.postMessage({ id: msg.id, outcome }),
      () => undefined,
    );
});
