// Toy trial functions for optimization tests and the benchmark: a smooth objective with a known best
// parameter, optional CPU cost, failures on demand, and an execution log (one line per attempt) as side channel.

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createRng } from '../../../src/domain/random.ts';
import { ConfigError } from '../../../src/domain/errors.ts';
import type { JsonValue, TrialContext, TrialInput, TrialResult } from '../../../src/optimize/types.ts';

/** What toy trials read from the sweep context. */
export interface ToyContext {
  /** Append a JSON line at the start and at the end of every attempt (counts executions across threads and processes). */
  readonly execLog?: string;
  /** Busy-wait this long per trial (fixed CPU cost). */
  readonly cpuMs?: number;
  /** Trials with params.x equal to this throw a (retryable) error on every attempt. */
  readonly failX?: number;
  /** Trials with params.x equal to this throw a ConfigError (not retryable). */
  readonly invalidX?: number;
}

/** The known best: x = 0.3, y = -0.5 (per window shifted by 0.05 · windowIndex in x). */
export const BEST = { x: 0.3, y: -0.5 };

function busy(ms: number): void {
  const end = performance.now() + ms;
  let s = 0;
  while (performance.now() < end) s += Math.sqrt(s + 1);
  if (s < 0) throw new Error('unreachable');
}

/** Smooth bowl score of a parameter set (higher is better); max 1000 at the window's best. */
export function toyScore(trial: TrialInput): number {
  const x = (trial.params.x as number) ?? 0;
  const y = (trial.params.y as number | undefined) ?? BEST.y;
  return 1000 - 400 * (x - (BEST.x + 0.05 * trial.windowIndex)) ** 2 - 400 * (y - BEST.y) ** 2;
}

/** Toy trial: 40 daily returns with a drift proportional to the score and seeded noise. */
export function toyTrial(trial: TrialInput, ctx: TrialContext): TrialResult {
  const c = (ctx.context ?? {}) as ToyContext;
  const log = (phase: 'start' | 'end'): void => {
    const line = {
      phase,
      w: trial.windowIndex,
      s: trial.segment,
      p: trial.params as JsonValue,
      pid: process.pid,
      ppid: process.ppid,
      atMs: Date.now(),
    };
    if (c.execLog) appendFileSync(c.execLog, `${JSON.stringify(line)}\n`);
  };
  log('start');
  if (c.cpuMs) busy(c.cpuMs);
  if (c.failX !== undefined && trial.params.x === c.failX) throw new Error(`toy failure at x=${c.failX}`);
  if (c.invalidX !== undefined && trial.params.x === c.invalidX) throw new ConfigError(`toy invalid parameters x=${c.invalidX}`);
  const score = toyScore(trial);
  const rng = createRng(trial.seed + (trial.segment === 'test' ? 1 : 0));
  const dailyReturns = Array.from({ length: 40 }, () => Number((score / 2e6 + rng.normal() * 0.002).toFixed(8)));
  const netPnl = Number((dailyReturns.reduce((a, b) => a + b, 0) * 50_000).toFixed(2));
  log('end');
  return {
    metrics: {
      netPnl,
      sharpe: Number((score / 500).toFixed(4)),
      maxDrawdown: Number((1000 - score).toFixed(2)),
      minRoomToFloorUsd: Number((score * 2).toFixed(2)),
      combinePassProbability: Math.max(0, Math.min(1, Number((score / 1000).toFixed(4)))),
      trades: 20,
      dailyReturns,
    },
    pointer: `toy/w${trial.windowIndex}/${trial.segment}`,
  };
}

/** Returns garbage (a negative drawdown) to exercise result validation. */
export function badResultTrial(): unknown {
  return {
    metrics: { netPnl: 1, sharpe: null, maxDrawdown: -5, minRoomToFloorUsd: null, combinePassProbability: null, trades: 1, dailyReturns: [] },
    pointer: null,
  };
}

/** Kills its own thread on x = 9 (to exercise crash handling), else behaves like toyTrial. */
export function crashingTrial(trial: TrialInput, ctx: TrialContext): TrialResult {
  if (trial.params.x === 9) process.exit(7);
  return toyTrial(trial, ctx);
}

/** One line of a toy execution log. */
export interface ExecLine {
  readonly phase: 'start' | 'end';
  readonly w: number;
  readonly s: string;
  readonly p: JsonValue;
  readonly pid: number;
  readonly ppid: number;
  readonly atMs: number;
}

/** Reads an execution log (empty when the file does not exist). */
export function readExecLog(path: string): ExecLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ExecLine);
}
