// Worker thread body: receives window jobs on its port and answers each with its WindowResult.

import { parentPort } from 'node:worker_threads';
import { runWindow, type WindowJob } from './walkForwardWindow.ts';
import { TxbotError } from '../domain/errors.ts';

parentPort!.on('message', (job: WindowJob) => {
  try {
    parentPort!.postMessage({ ok: true, result: runWindow(job) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, message: err.message, code: e instanceof TxbotError ? e.code : 'INTERNAL', stack: err.stack });
  }
});
