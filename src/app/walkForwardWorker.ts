// Walk-forward worker thread body: receives window jobs on its port and answers each with its WindowResult.

import { parentPort } from 'node:worker_threads';
import { runWindow, type WindowJob } from '../backtest/index.ts';
import { TxbotError } from '../domain/index.ts';
import type { RunContext } from '../engine/index.ts';
import { buildRunContext } from './runContext.ts';

/** One run context per config seen (a worker runs many windows of the same walk-forward). */
const contexts = new Map<string, RunContext>();

function contextFor(job: WindowJob): RunContext {
  const key = `${job.baseDir}\n${JSON.stringify(job.config)}`;
  let ctx = contexts.get(key);
  if (!ctx) contexts.set(key, (ctx = buildRunContext({ config: job.config, sourcePath: null, baseDir: job.baseDir }, 'walkforward')));
  return ctx;
}

parentPort!.on('message', (job: WindowJob) => {
  try {
    parentPort!.postMessage({ ok: true, result: runWindow(contextFor(job), job) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, message: err.message, code: e instanceof TxbotError ? e.code : 'INTERNAL', stack: err.stack });
  }
});
