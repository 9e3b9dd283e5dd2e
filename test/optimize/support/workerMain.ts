// A trial worker process for tests and the benchmark: runWorker on the toy trial with options from argv[2] (JSON);
// prints "ready" once connected and "closed" after a signal let it finish its current trials.

import { runWorker } from '../../../src/optimize/backends/bullmqWorker.ts';
import { TOY_MODULE, TOY_SHA } from './toySpec.ts';

interface WorkerMainOptions {
  readonly queueUrl: string;
  readonly prefix: string;
  readonly concurrency?: number;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as WorkerMainOptions;
const handle = await runWorker({
  queueUrl: o.queueUrl,
  prefix: o.prefix,
  trial: { module: TOY_MODULE, exportName: 'toyTrial' },
  datasets: { [TOY_SHA]: null },
  concurrency: o.concurrency ?? 1,
  lockDurationMs: o.lockDurationMs,
  stalledIntervalMs: o.stalledIntervalMs,
});
process.stdout.write('ready\n');
await handle.closed;
process.stdout.write('closed\n');
