// Walk-forward runner: trains a fresh HMM per window and tests it on the next unseen days, windows in
// parallel on worker threads (each builds its run context from the config); results come back in window
// order, so the output does not depend on timing.

import { Worker } from 'node:worker_threads';
import { workerEntry, TxbotError, type BarSeries } from '../domain/index.ts';
import { availableParallelism } from 'node:os';
import type { LoadedConfig } from '../config/index.ts';
import { selectTradingDates } from '../data/index.ts';
import { runWindow, type WindowJob, type WindowResult, type WalkForwardWindow } from '../backtest/index.ts';
import { buildRunContext } from './runContext.ts';

const WORKER = workerEntry('app/walkForwardWorker');

export interface WalkForwardOptions {
  readonly loaded: LoadedConfig;
  readonly series: BarSeries;
  readonly windows: readonly WalkForwardWindow[];
  /** Worker threads; 0 = all cores; 1 = run in this thread. */
  readonly jobs: number;
  readonly onWindowDone?: (done: number, total: number) => void;
}

function jobFor(o: WalkForwardOptions, w: WalkForwardWindow): WindowJob {
  return { window: w, config: o.loaded.config, baseDir: o.loaded.baseDir, series: selectTradingDates(o.series, w.trainFrom, w.testTo) };
}

/** Runs every window; resolves with the results in window order. */
export async function runWalkForward(o: WalkForwardOptions): Promise<WindowResult[]> {
  const total = o.windows.length;
  const jobs = Math.max(1, Math.min(total, o.jobs === 0 ? availableParallelism() : o.jobs));
  const results: WindowResult[] = new Array(total);
  let done = 0;
  if (jobs === 1) {
    const ctx = buildRunContext(o.loaded, 'walkforward');
    for (const w of o.windows) {
      results[w.index] = runWindow(ctx, jobFor(o, w));
      o.onWindowDone?.(++done, total);
    }
    return results;
  }
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker): void => {
        if (next >= total) {
          if (done === total) resolve();
          return;
        }
        worker.postMessage(jobFor(o, o.windows[next++]!));
      };
      for (let i = 0; i < jobs; i++) {
        const worker = new Worker(WORKER.entry, { workerData: { module: WORKER.module }, execArgv: [] });
        workers.push(worker);
        worker.on('message', (msg: { ok: true; result: WindowResult } | { ok: false; message: string; code: string }) => {
          if (!msg.ok) {
            reject(new TxbotError(msg.code, `walk-forward window failed: ${msg.message}`));
            return;
          }
          results[msg.result.window.index] = msg.result;
          o.onWindowDone?.(++done, total);
          feed(worker);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (done < total) reject(new TxbotError('WORKER_EXITED', `walk-forward worker stopped with exit code ${code} before finishing`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
