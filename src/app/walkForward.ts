// Walk-forward runner: trains a fresh HMM per window (per instrument of a several-instrument run) and tests
// it on the next unseen days, windows in parallel on worker threads (each builds its run context from the
// config); results come back in window order, so the output does not depend on timing.

import { Worker } from 'node:worker_threads';
import { workerEntry, TxbotError, type BarSeries } from '../domain/index.ts';
import { availableParallelism } from 'node:os';
import type { LoadedConfig } from '../config/index.ts';
import { selectTradingDates } from '../data/index.ts';
import {
  portfolioWindowJob,
  runPortfolioWindow,
  runWindow,
  type PortfolioWindowJob,
  type PortfolioWindowResult,
  type WindowJob,
  type WindowResult,
  type WalkForwardWindow,
} from '../backtest/index.ts';
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

/** A message to a walk-forward worker: one window of one instrument, or of several on one account. */
export type WalkForwardMessage =
  { readonly kind: 'single'; readonly job: WindowJob } | { readonly kind: 'portfolio'; readonly job: PortfolioWindowJob };

function jobFor(o: WalkForwardOptions, w: WalkForwardWindow): WindowJob {
  return { window: w, config: o.loaded.config, baseDir: o.loaded.baseDir, series: selectTradingDates(o.series, w.trainFrom, w.testTo) };
}

/** Runs every window; resolves with the results in window order. */
export async function runWalkForward(o: WalkForwardOptions): Promise<WindowResult[]> {
  return runWindows<WindowResult>(
    o.windows,
    o.jobs,
    (w) => ({ kind: 'single', job: jobFor(o, w) }),
    () => {
      const ctx = buildRunContext(o.loaded, 'walkforward');
      return (m) => runWindow(ctx, (m as Extract<WalkForwardMessage, { kind: 'single' }>).job);
    },
    o.onWindowDone,
  );
}

export interface PortfolioWalkForwardOptions extends Omit<WalkForwardOptions, 'series'> {
  /** Each instrument's bars, keyed by symbol. */
  readonly series: ReadonlyMap<string, BarSeries>;
}

/** Runs every window of a several-instrument walk-forward; resolves with the results in window order. */
export async function runPortfolioWalkForward(o: PortfolioWalkForwardOptions): Promise<PortfolioWindowResult[]> {
  const ctx = buildRunContext(o.loaded, 'walkforward', { symbols: [...o.series.keys()] });
  const symbols = ctx.instruments.map((i) => i.symbol);
  return runWindows<PortfolioWindowResult>(
    o.windows,
    o.jobs,
    (w) => ({ kind: 'portfolio', job: portfolioWindowJob(o.loaded.config, o.loaded.baseDir, symbols, o.series, w) }),
    () => (m) => runPortfolioWindow(ctx, (m as Extract<WalkForwardMessage, { kind: 'portfolio' }>).job),
    o.onWindowDone,
  );
}

/** The window pool: `jobs` worker threads (or this thread for 1), results by window index. */
async function runWindows<R extends { readonly window: WalkForwardWindow }>(
  windows: readonly WalkForwardWindow[],
  jobsOption: number,
  message: (w: WalkForwardWindow) => WalkForwardMessage,
  local: () => (m: WalkForwardMessage) => R,
  onWindowDone?: (done: number, total: number) => void,
): Promise<R[]> {
  const total = windows.length;
  const jobs = Math.max(1, Math.min(total, jobsOption === 0 ? availableParallelism() : jobsOption));
  const results: R[] = new Array(total);
  let done = 0;
  if (jobs === 1) {
    const run = local();
    for (const w of windows) {
      results[w.index] = run(message(w));
      onWindowDone?.(++done, total);
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
        worker.postMessage(message(windows[next++]!));
      };
      for (let i = 0; i < jobs; i++) {
        const worker = new Worker(WORKER.entry, { workerData: { module: WORKER.module }, execArgv: [] });
        workers.push(worker);
        worker.on('message', (msg: { ok: true; result: R } | { ok: false; message: string; code: string }) => {
          if (!msg.ok) {
            reject(new TxbotError(msg.code, `walk-forward window failed: ${msg.message}`));
            return;
          }
          results[msg.result.window.index] = msg.result;
          onWindowDone?.(++done, total);
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
