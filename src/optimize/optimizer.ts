// Walk-forward optimization driver: per window a sampler searches the training days in rounds of trials
// run on a backend, the best parameters are then run once on the window's unseen test days, and the
// result is summarized with the overfitting statistics. Deterministic for a seed on every backend.

import { canonicalJson, deriveSeed, sha256Hex } from './canonicalJson.ts';
import type { OptimizeSettings } from './optimizeConfig.ts';
import { aggregateWindows, selectBest, summarizeWindow, type OptimizationSummary, type TrialRecord } from './optimizationSummary.ts';
import { scoreTrial, type ObjectiveConfig } from './objective.ts';
import { createSampler, type Sampler } from './samplers/sampler.ts';
import { gridSize } from './space.ts';
import type { ProgressCallback, TrialBackend } from './backends/trialBackend.ts';
import type { JsonValue, Params, TrialInput, TrialModuleRef, TrialOutcome } from './types.ts';

export interface OptimizationSpec {
  readonly settings: OptimizeSettings;
  /** Number of walk-forward windows (indices 0 .. windows-1), as planned by walkForwardPlan. */
  readonly windows: number;
  readonly dataSha256: string;
  readonly trial: TrialModuleRef;
  /** Sweep-wide JSON for every trial (base config, window plan, ...). */
  readonly context?: JsonValue;
  /** Defaults to sweepIdOf(spec): the same spec resumes the same jobs. */
  readonly sweepId?: string;
}

/** Proposals that only repeat earlier points before a window counts as exhausted. */
const MAX_REPEATS = 32;

/**
 * Stable id of an optimization: sha256 of everything that decides its trials (space, sampler, budget, seed,
 * objective, batch size, windows, data, trial export name, context). The module path is left out (it differs
 * between machines) and so is the retry policy (it does not change results).
 */
export function sweepIdOf(spec: OptimizationSpec): string {
  const s = spec.settings;
  const key = {
    space: s.space.dimensions as unknown as JsonValue,
    sampler: s.sampler as unknown as JsonValue,
    trials: s.trials,
    seed: s.seed,
    objective: s.objective as unknown as JsonValue,
    batchSize: s.batchSize,
    windows: spec.windows,
    dataSha256: spec.dataSha256,
    trialName: spec.trial.exportName,
    context: spec.context ?? null,
  };
  return `sweep-${sha256Hex(canonicalJson(key)).slice(0, 24)}`;
}

interface WindowSearch {
  readonly windowIndex: number;
  readonly seed: number;
  readonly sampler: Sampler;
  readonly records: TrialRecord[];
  readonly seen: Set<string>;
  /** No more proposals: budget reached or space exhausted. */
  done: boolean;
}

/** Asks for a point not evaluated before in this window; null when the sampler (or the space) is exhausted. */
function askNew(w: WindowSearch): Params | null {
  for (let i = 0; i < MAX_REPEATS; i++) {
    const p = w.sampler.ask();
    if (p === null) return null;
    const key = canonicalJson(p as JsonValue);
    if (!w.seen.has(key)) {
      w.seen.add(key);
      return p;
    }
  }
  return null;
}

interface Proposal {
  readonly search: WindowSearch;
  readonly input: TrialInput;
}

/** The next round: up to batchSize new points per unfinished window (all remaining ones for grid and random). */
function proposeRound(searches: readonly WindowSearch[], s: OptimizeSettings): Proposal[] {
  const batch: Proposal[] = [];
  for (const w of searches) {
    const room = Math.min(s.batchSize, s.trials - w.records.length);
    let proposed = 0;
    while (proposed < room && !w.done) {
      const params = askNew(w);
      if (params === null) w.done = true;
      else {
        batch.push({ search: w, input: { windowIndex: w.windowIndex, params, seed: w.seed, segment: 'train' } });
        proposed++;
      }
    }
    if (w.records.length + proposed >= s.trials) w.done = true;
  }
  return batch;
}

/** Records a round's outcomes in proposal order and tells each sampler its scores. */
function recordRound(batch: readonly Proposal[], outcomes: readonly TrialOutcome[], objective: ObjectiveConfig): void {
  batch.forEach(({ search, input }, i) => {
    const outcome = outcomes[i]!;
    search.records.push({ index: search.records.length, params: input.params, outcome });
    search.sampler.tell(input.params, outcome.status === 'completed' ? scoreTrial(outcome.result.metrics, objective) : null);
  });
}

/** The test-days trial of each window's selected parameters (windows without a scored trial have none). */
function testProposals(searches: readonly WindowSearch[], objective: ObjectiveConfig): Proposal[] {
  return searches.flatMap((w) => {
    const best = selectBest(w.records, objective);
    return best ? [{ search: w, input: { windowIndex: w.windowIndex, params: best.params, seed: w.seed, segment: 'test' as const } }] : [];
  });
}

/** Runs the optimization on `backend`; progress counts every trial of every round across all workers. */
export async function runOptimization(spec: OptimizationSpec, backend: TrialBackend, onProgress?: ProgressCallback): Promise<OptimizationSummary> {
  const s = spec.settings;
  const sweepId = spec.sweepId ?? sweepIdOf(spec);
  const searches: WindowSearch[] = Array.from({ length: spec.windows }, (_, w) => ({
    windowIndex: w,
    seed: deriveSeed(s.seed, 'trial', w),
    sampler: createSampler(s.space, s.sampler, deriveSeed(s.seed, 'sampler', w), s.trials),
    records: [],
    seen: new Set<string>(),
    done: false,
  }));
  let total = spec.windows * (Math.min(s.trials, gridSize(s.space) ?? s.trials) + 1);
  let doneBefore = 0;
  let failedBefore = 0;
  let round = 0;
  const runRound = async (batch: readonly Proposal[]): Promise<TrialOutcome[]> => {
    const sweep = {
      sweepId,
      round: round++,
      dataSha256: spec.dataSha256,
      trial: spec.trial,
      context: spec.context ?? null,
      retry: s.retry,
      trials: batch.map((b) => b.input),
    };
    const outcomes = await backend.run(sweep, (p) => onProgress?.({ done: doneBefore + p.done, total, failed: failedBefore + p.failed }));
    doneBefore += outcomes.length;
    failedBefore += outcomes.filter((o) => o.status === 'failed').length;
    return outcomes;
  };

  for (let batch = proposeRound(searches, s); batch.length > 0; batch = proposeRound(searches, s))
    recordRound(batch, await runRound(batch), s.objective);
  const tests = testProposals(searches, s.objective);
  // Windows that ended early (an exhausted space) or found nothing to test shrink the total.
  total = doneBefore + tests.length;
  const testOutcomes = tests.length ? await runRound(tests) : [];
  const windows = searches.map((w) => {
    const i = tests.findIndex((t) => t.search === w);
    const test = i >= 0 ? { index: 0, params: tests[i]!.input.params, outcome: testOutcomes[i]! } : null;
    return summarizeWindow(w.windowIndex, w.records, test, s.objective, s.pboPartitions);
  });
  return {
    sweepId,
    dataSha256: spec.dataSha256,
    sampler: s.sampler.kind,
    objective: s.objective,
    seed: s.seed,
    windows,
    aggregate: aggregateWindows(windows),
  };
}
