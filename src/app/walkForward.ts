// Walk-forward runner: trains a fresh HMM per window (per instrument of a several-instrument run) and tests
// it on the next unseen days, windows in parallel on worker threads (each builds its run context from the
// config); results come back in window order, so the output does not depend on timing. With
// walk_forward.warm_start_every N > 1 the windows run in fixed chains of N (window 0 of a chain fits fresh,
// the others warm-start from the window before), chains in parallel: the output does not depend on --jobs either.

import { Worker } from 'node:worker_threads';
import { workerEntry, ConfigError, TxbotError, type BarSeries } from '../domain/index.ts';
import { availableParallelism } from 'node:os';
import type { LoadedConfig } from '../config/index.ts';
import { selectTradingDates } from '../data/index.ts';
import {
  portfolioWindowJob,
  runPortfolioWindow,
  runWindow,
  runWindowChain,
  type PortfolioWindowJob,
  type PortfolioWindowResult,
  type WindowJob,
  type WindowResult,
  type WalkForwardWindow,
} from '../backtest/index.ts';
import type { RunContext } from '../engine/index.ts';
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

/** A message to a walk-forward worker: one window of one instrument, a warm-started chain of them, or one window of several on one account. */
export type WalkForwardMessage =
  | { readonly kind: 'single'; readonly job: WindowJob }
  | { readonly kind: 'chain'; readonly jobs: readonly WindowJob[] }
  | { readonly kind: 'portfolio'; readonly job: PortfolioWindowJob };

function jobFor(o: WalkForwardOptions, w: WalkForwardWindow): WindowJob {
  return { window: w, config: o.loaded.config, baseDir: o.loaded.baseDir, series: selectTradingDates(o.series, w.trainFrom, w.testTo) };
}

/** Consecutive runs of `every` windows (the last may be shorter); every window alone when `every` <= 1. */
export function warmStartChains(windows: readonly WalkForwardWindow[], every: number): WalkForwardWindow[][] {
  const n = Math.max(1, every);
  const chains: WalkForwardWindow[][] = [];
  for (let i = 0; i < windows.length; i += n) chains.push(windows.slice(i, i + n));
  return chains;
}

/** Runs every window; resolves with the results in window order. */
export async function runWalkForward(o: WalkForwardOptions): Promise<WindowResult[]> {
  const every = o.loaded.config.walk_forward.warm_start_every;
  return runWindows<WindowResult>(
    warmStartChains(o.windows, every),
    o.jobs,
    (ws) => (every > 1 ? { kind: 'chain', jobs: ws.map((w) => jobFor(o, w)) } : { kind: 'single', job: jobFor(o, ws[0]!) }),
    () => {
      const ctx = buildRunContext(o.loaded, 'walkforward');
      return (m) => runMessage(ctx, m as Exclude<WalkForwardMessage, { kind: 'portfolio' }>);
    },
    o.onWindowDone,
  );
}

/** The results of a one-instrument message (a window, or a chain of them). */
export function runMessage(ctx: RunContext, m: Exclude<WalkForwardMessage, { kind: 'portfolio' }>): WindowResult[] {
  return m.kind === 'chain' ? runWindowChain(ctx, m.jobs) : [runWindow(ctx, m.job)];
}

export interface PortfolioWalkForwardOptions extends Omit<WalkForwardOptions, 'series'> {
  /** Each instrument's bars, keyed by symbol. */
  readonly series: ReadonlyMap<string, BarSeries>;
}

/** Runs every window of a several-instrument walk-forward; resolves with the results in window order. */
export async function runPortfolioWalkForward(o: PortfolioWalkForwardOptions): Promise<PortfolioWindowResult[]> {
  if (o.loaded.config.walk_forward.warm_start_every > 1) {
    throw new ConfigError(
      `walk_forward.warm_start_every ${o.loaded.config.walk_forward.warm_start_every} applies to a one-instrument walk-forward; with several instruments every window fits fresh`,
      [],
      { hint: 'set walk_forward.warm_start_every: 0 (or run each instrument on its own)' },
    );
  }
  const ctx = buildRunContext(o.loaded, 'walkforward', { symbols: [...o.series.keys()] });
  const symbols = ctx.instruments.map((i) => i.symbol);
  return runWindows<PortfolioWindowResult>(
    o.windows.map((w) => [w]),
    o.jobs,
    (ws) => ({ kind: 'portfolio', job: portfolioWindowJob(o.loaded.config, o.loaded.baseDir, symbols, o.series, ws[0]!) }),
    () => (m) => [runPortfolioWindow(ctx, (m as Extract<WalkForwardMessage, { kind: 'portfolio' }>).job)],
    o.onWindowDone,
  );
}

/** The window pool: `jobs` worker threads (or this thread for 1), one message per task (a window or a chain), results by window index. */
async function runWindows<R extends { readonly window: WalkForwardWindow }>(
  tasks: readonly (readonly WalkForwardWindow[])[],
  jobsOption: number,
  message: (ws: readonly WalkForwardWindow[]) => WalkForwardMessage,
  local: () => (m: WalkForwardMessage) => R[],
  onWindowDone?: (done: number, total: number) => void,
): Promise<R[]> {
  const total = tasks.reduce((a, t) => a + t.length, 0);
  const jobs = Math.max(1, Math.min(tasks.length, jobsOption === 0 ? availableParallelism() : jobsOption));
  const results: R[] = new Array(total);
  let done = 0;
  const take = (rs: readonly R[]): void => {
    for (const r of rs) {
      results[r.window.index] = r;
      done++;
      // (not `?.(++done)`: optional chaining would skip the increment without a callback)
      onWindowDone?.(done, total);
    }
  };
  if (jobs === 1) {
    const run = local();
    for (const t of tasks) take(run(message(t)));
    return results;
  }
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker): void => {
        if (next >= tasks.length) {
          if (done === total) resolve();
          return;
        }
        worker.postMessage(message(tasks[next++]!));
      };
      for (let i = 0; i < jobs; i++) {
        const worker = new Worker(WORKER.entry, { workerData: { module: WORKER.module }, execArgv: [] });
        workers.push(worker);
        worker.on('message', (msg: { ok: true; results: R[] } | { ok: false; message: string; code: string }) => {
          if (!msg.ok) {
            reject(new TxbotError(msg.code, `walk-forward window failed: ${msg.message}`));
            return;
          }
          take(msg.results);
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
