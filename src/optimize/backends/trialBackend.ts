// The one interface every execution backend implements: run a sweep of trials, report progress, return outcomes in order.

import { canonicalJson } from '../canonicalJson.ts';
import { OptimizeError } from '../optimizeError.ts';
import type { JsonValue, RetryPolicy, TrialInput, TrialModuleRef, TrialOutcome } from '../types.ts';

/** A batch of trials submitted together (one optimization round): everything a worker needs to run them. */
export interface Sweep {
  /** Stable id of the whole optimization; with the trial's own fields it makes the trial's job id. */
  readonly sweepId: string;
  /** Round of the optimization (0-based); TPE runs several rounds, grid and random one, plus the test round. */
  readonly round: number;
  /** sha256 of the market data; every worker must hold the same data. */
  readonly dataSha256: string;
  /** The trial function; BullMQ workers run their own configured module and check the export name. */
  readonly trial: TrialModuleRef;
  /** Sweep-wide JSON handed to every trial. */
  readonly context: JsonValue;
  readonly retry: RetryPolicy;
  /** Distinct trials (see assertDistinctTrials). */
  readonly trials: readonly TrialInput[];
}

/** Progress across all workers: finished trials (completed + failed) of `total`, and how many failed. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export type ProgressCallback = (progress: SweepProgress) => void;

/**
 * Runs sweeps. `run` resolves with one outcome per trial in the sweep's order, whatever the completion order;
 * a failed trial is an outcome, never a rejection. It rejects only when the backend itself cannot go on.
 */
export interface TrialBackend {
  run(sweep: Sweep, onProgress?: ProgressCallback): Promise<TrialOutcome[]>;
  /** Releases workers and connections. */
  close(): Promise<void>;
}

/** Refuses a sweep that lists the same trial twice (BullMQ would merge them into one job; callers dedupe). */
export function assertDistinctTrials(sweep: Sweep): void {
  const seen = new Set<string>();
  for (const t of sweep.trials) {
    const key = canonicalJson({ w: t.windowIndex, s: t.segment, seed: t.seed, p: t.params as JsonValue });
    if (seen.has(key))
      throw new OptimizeError('SWEEP_DUPLICATE_TRIAL', `sweep ${sweep.sweepId} round ${sweep.round} lists trial ${key} twice`, false);
    seen.add(key);
  }
}
