// The result of a walk-forward optimization: per window the trials, the selected parameters, their
// out-of-sample run, degradation, PBO and Deflated Sharpe; then the aggregate. Plain JSON, built in a
// fixed key order, so identical outcomes give identical bytes on every backend.

import { scoreTrial, type ObjectiveConfig } from './objective.ts';
import {
  deflatedSharpeRatio,
  degradation,
  periodSharpe,
  probabilityOfBacktestOverfitting,
  type Degradation,
  type DeflatedSharpeResult,
} from './overfitting.ts';
import type { Params, TrialMetrics, TrialOutcome } from './types.ts';

/** Metrics without the daily returns (kept out of the summary for size). */
export type SummaryMetrics = Omit<TrialMetrics, 'dailyReturns'>;

export interface TrialSummary {
  readonly index: number;
  readonly params: Params;
  readonly status: 'completed' | 'failed';
  readonly objective: number | null;
  readonly metrics: SummaryMetrics | null;
  readonly pointer: string | null;
  /** Failed trials: attempts made and the last error "CODE: message". */
  readonly attempts: number | null;
  readonly reason: string | null;
}

export interface WindowSummary {
  readonly windowIndex: number;
  readonly trials: readonly TrialSummary[];
  readonly best: { readonly index: number; readonly params: Params; readonly objective: number } | null;
  readonly outOfSample: TrialSummary | null;
  readonly degradation: Degradation;
  readonly pbo: {
    readonly pbo: number;
    readonly oosLossProbability: number;
    readonly combinations: number;
    readonly partitions: number;
    readonly rowsUsed: number;
  } | null;
  /** Why pbo is null, when it is. */
  readonly pboNote: string | null;
  readonly deflatedSharpe: DeflatedSharpeResult | null;
}

export interface OptimizationSummary {
  readonly sweepId: string;
  readonly dataSha256: string;
  readonly sampler: string;
  readonly objective: ObjectiveConfig;
  readonly seed: number;
  readonly windows: readonly WindowSummary[];
  readonly aggregate: {
    readonly windows: number;
    readonly trials: number;
    readonly completed: number;
    readonly failed: number;
    /** Means over windows with a value. */
    readonly meanInSample: number | null;
    readonly meanOutOfSample: number | null;
    readonly meanDegradation: number | null;
    readonly meanPbo: number | null;
    /** Sum of the out-of-sample net P&L of the selected parameters. */
    readonly outOfSampleNetPnl: number;
  };
}

/** One evaluated trial as the optimizer keeps it. */
export interface TrialRecord {
  readonly index: number;
  readonly params: Params;
  readonly outcome: TrialOutcome;
}

/** Summarizes one trial outcome. */
export function summarizeTrial(r: TrialRecord, objective: ObjectiveConfig): TrialSummary {
  const o = r.outcome;
  if (o.status === 'failed')
    return {
      index: r.index,
      params: r.params,
      status: 'failed',
      objective: null,
      metrics: null,
      pointer: null,
      attempts: o.attempts,
      reason: o.reason,
    };
  const { dailyReturns: _omit, ...metrics } = o.result.metrics;
  return {
    index: r.index,
    params: r.params,
    status: 'completed',
    objective: scoreTrial(o.result.metrics, objective),
    metrics,
    pointer: o.result.pointer,
    attempts: null,
    reason: null,
  };
}

/** The best completed trial by objective (the lowest index on ties), or null. */
export function selectBest(records: readonly TrialRecord[], objective: ObjectiveConfig): TrialRecord | null {
  let best: TrialRecord | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.outcome.status !== 'completed') continue;
    const v = scoreTrial(r.outcome.result.metrics, objective);
    if (v !== null && v > bestValue) [best, bestValue] = [r, v];
  }
  return best;
}

function pboOf(records: readonly TrialRecord[], partitions: number): Pick<WindowSummary, 'pbo' | 'pboNote'> {
  const returns = records.flatMap((r) => (r.outcome.status === 'completed' ? [r.outcome.result.metrics.dailyReturns] : []));
  if (returns.length < 2) return { pbo: null, pboNote: 'fewer than 2 completed trials' };
  const t = returns[0]!.length;
  if (returns.some((r) => r.length !== t)) return { pbo: null, pboNote: 'trials have different numbers of daily returns' };
  const s = Math.min(partitions, t - (t % 2));
  if (s < 2) return { pbo: null, pboNote: `${t} daily returns cannot form 2 blocks` };
  const { logits: _omit, ...pbo } = probabilityOfBacktestOverfitting(returns, { partitions: s });
  return { pbo, pboNote: null };
}

/** Summarizes a window: its trials, the selected parameters and the overfitting statistics of the search. */
export function summarizeWindow(
  windowIndex: number,
  records: readonly TrialRecord[],
  test: TrialRecord | null,
  objective: ObjectiveConfig,
  partitions: number,
): WindowSummary {
  const trials = records.map((r) => summarizeTrial(r, objective));
  const best = selectBest(records, objective);
  const outOfSample = test ? summarizeTrial(test, objective) : null;
  const isValue = best ? trials[records.indexOf(best)]!.objective : null;
  const completed = records.flatMap((r) => (r.outcome.status === 'completed' ? [r.outcome.result.metrics.dailyReturns] : []));
  const dsr =
    best && best.outcome.status === 'completed' ? deflatedSharpeRatio(best.outcome.result.metrics.dailyReturns, completed.map(periodSharpe)) : null;
  return {
    windowIndex,
    trials,
    best: best && isValue !== null ? { index: best.index, params: best.params, objective: isValue } : null,
    outOfSample,
    degradation: degradation(isValue, outOfSample?.objective ?? null),
    ...pboOf(records, partitions),
    deflatedSharpe: dsr,
  };
}

const meanOf = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/** Aggregates the window summaries. */
export function aggregateWindows(windows: readonly WindowSummary[]): OptimizationSummary['aggregate'] {
  const all = windows.flatMap((w) => w.trials);
  return {
    windows: windows.length,
    trials: all.length,
    completed: all.filter((t) => t.status === 'completed').length,
    failed: all.filter((t) => t.status === 'failed').length,
    meanInSample: meanOf(windows.map((w) => w.degradation.inSample)),
    meanOutOfSample: meanOf(windows.map((w) => w.degradation.outOfSample)),
    meanDegradation: meanOf(windows.map((w) => w.degradation.difference)),
    meanPbo: meanOf(windows.map((w) => w.pbo?.pbo ?? null)),
    outOfSampleNetPnl: windows.reduce((a, w) => a + (w.outOfSample?.metrics?.netPnl ?? 0), 0),
  };
}
