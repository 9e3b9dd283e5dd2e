// Walk-forward worker thread body: receives window jobs (one instrument, a warm-started chain of them, or several
// instruments on one account) on its port and answers each with its results.

import { parentPort } from 'node:worker_threads';
import { runPortfolioWindow } from '../backtest/index.ts';
import { TxbotError } from '../domain/index.ts';
import type { RunContext } from '../engine/index.ts';
import type { Config } from '../config/index.ts';
import { buildRunContext } from './runContext.ts';
import { runMessage, type WalkForwardMessage } from './walkForward.ts';

/** One run context per config (and instruments) seen (a worker runs many windows of the same walk-forward). */
const contexts = new Map<string, RunContext>();

function contextFor(config: Config, baseDir: string, symbols?: readonly string[]): RunContext {
  const key = `${baseDir}\n${JSON.stringify(config)}\n${symbols?.join(',') ?? ''}`;
  let ctx = contexts.get(key);
  if (!ctx) contexts.set(key, (ctx = buildRunContext({ config, sourcePath: null, baseDir }, 'walkforward', symbols ? { symbols } : {})));
  return ctx;
}

parentPort!.on('message', (m: WalkForwardMessage) => {
  try {
    const results =
      m.kind === 'portfolio'
        ? [runPortfolioWindow(contextFor(m.job.config, m.job.baseDir, m.job.symbols), m.job)]
        : runMessage(contextFor(m.kind === 'chain' ? m.jobs[0]!.config : m.job.config, m.kind === 'chain' ? m.jobs[0]!.baseDir : m.job.baseDir), m);
    parentPort!.postMessage({ ok: true, results });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, message: err.message, code: e instanceof TxbotError ? e.code : 'INTERNAL', stack: err.stack });
  }
});
