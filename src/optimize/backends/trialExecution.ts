// Running one trial wherever it runs (this thread, a worker thread, a BullMQ sandbox): importing the trial
// function, validating what it returns, turning errors into a reason and a retry decision.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError, DataError, ModelError, TxbotError, UsageError } from '../../domain/index.ts';
import { OptimizeError } from '../optimizeError.ts';
import type { RetryPolicy, TrialContext, TrialFunction, TrialInput, TrialModuleRef, TrialOutcome, TrialResult } from '../types.ts';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const metricsSchema = z.strictObject({
  netPnl: finite,
  sharpe: finite.nullable(),
  maxDrawdown: finite.min(0),
  minRoomToFloorUsd: finite.nullable(),
  combinePassProbability: finite.min(0).max(1).nullable(),
  trades: z.number().int().min(0),
  dailyReturns: z.array(finite),
});
const resultSchema = z.strictObject({ metrics: metricsSchema, pointer: z.string().max(1024).nullable() });

/**
 * Validates a trial function's return value and rebuilds it with a fixed key order, so every backend
 * produces identical bytes (-0 becomes 0, as after a JSON round trip). Throws a non-retryable OptimizeError.
 */
export function normalizeTrialResult(value: unknown): TrialResult {
  const parsed = resultSchema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`).join('; ');
    throw new OptimizeError('TRIAL_RESULT_INVALID', `trial returned an invalid result: ${detail}`, false);
  }
  const m = parsed.data.metrics;
  const z0 = (x: number): number => (x === 0 ? 0 : x);
  const zn = (x: number | null): number | null => (x === null ? null : z0(x));
  return {
    metrics: {
      netPnl: z0(m.netPnl),
      sharpe: zn(m.sharpe),
      maxDrawdown: z0(m.maxDrawdown),
      minRoomToFloorUsd: zn(m.minRoomToFloorUsd),
      combinePassProbability: zn(m.combinePassProbability),
      trades: m.trades,
      dailyReturns: m.dailyReturns.map(z0),
    },
    pointer: parsed.data.pointer,
  };
}

/** "CODE: message" of an error: the TxbotError code, else the error's name. */
export function failureReason(e: unknown): string {
  if (e instanceof TxbotError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `Error: ${String(e)}`;
}

/** Whether another attempt could succeed: not for config, data, model or usage errors, nor for non-retryable OptimizeErrors. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof OptimizeError) return e.retryable;
  return !(e instanceof ConfigError || e instanceof DataError || e instanceof ModelError || e instanceof UsageError);
}

/** Imports the trial function named by `ref` (absolute path or file URL). */
export async function loadTrialFunction(ref: TrialModuleRef): Promise<TrialFunction> {
  const url = isAbsolute(ref.module) ? pathToFileURL(ref.module).href : ref.module;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new OptimizeError('TRIAL_MODULE_INVALID', `cannot import trial module ${ref.module}: ${(e as Error).message}`, false, { cause: e });
  }
  const fn = mod[ref.exportName];
  if (typeof fn !== 'function')
    throw new OptimizeError('TRIAL_MODULE_INVALID', `trial module ${ref.module} has no function export "${ref.exportName}"`, false);
  return fn as TrialFunction;
}

/** One attempt: runs the trial function and validates its result. */
export async function attemptTrial(fn: TrialFunction, input: TrialInput, ctx: TrialContext): Promise<TrialResult> {
  return normalizeTrialResult(await fn(input, ctx));
}

/** Delay before attempt n + 1 after n failures: backoffMs × 2^(n−1) (BullMQ's exponential backoff without jitter). */
export function backoffDelayMs(retry: RetryPolicy, failures: number): number {
  return Math.round(retry.backoffMs * 2 ** (failures - 1));
}

/** Runs a trial with retries (exponential backoff), for backends without a queue of their own. */
export async function runTrialWithRetries(fn: TrialFunction, input: TrialInput, ctx: TrialContext, retry: RetryPolicy): Promise<TrialOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { status: 'completed', result: await attemptTrial(fn, input, ctx) };
    } catch (e) {
      if (!isRetryable(e) || attempt >= retry.attempts) return { status: 'failed', attempts: attempt, reason: failureReason(e) };
      await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(retry, attempt)));
    }
  }
}
