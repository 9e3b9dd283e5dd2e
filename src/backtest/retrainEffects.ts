// What the retrains of a backtest did: how many each trigger caused, and whether each swap improved the next period (held-out log-likelihood).

import { lowerBoundTs, sliceBarSeries, sessionInfo, type BarSeries } from '../domain/index.ts';
import { scoreOnValidation, type RetrainTriggerKind } from '../regime/index.ts';
import type { RegimeModel } from '../regime/index.ts';
import type { BacktestRetrainRecord } from './retrainRecords.ts';

/** A model swap of the run: when, by which trigger, the model replaced and the new one. */
export interface SwapOfRun {
  readonly tsMs: number;
  readonly trigger: RetrainTriggerKind;
  readonly previous: RegimeModel;
  readonly next: RegimeModel;
}

/** One swap scored on the period it governed (until the next retrain or the end of the run). */
export interface SwapEffect {
  readonly tradingDate: string;
  readonly trigger: RetrainTriggerKind;
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly bars: number;
  /** Mean per-bar log-likelihood (original feature units) of the model replaced and of the new one on that period. */
  readonly previousScore: number;
  readonly newScore: number;
  readonly improved: boolean;
}

/** Retrains and swaps per trigger, and how many swaps improved the next period. */
export interface RetrainTally {
  readonly byTrigger: Readonly<Record<string, { readonly retrains: number; readonly swaps: number }>>;
  readonly swapsScored: number;
  readonly swapsImproved: number;
  readonly swaps: readonly SwapEffect[];
}

/**
 * Counts the records per trigger and scores each swap: both models on the bars from the swap to the next
 * retrain (or the series end), none of which either model was trained on. A swap "improved the next
 * period" when the new model's mean log-likelihood there is higher. Swaps with no bar after them are not scored.
 */
export function tallyRetrains(records: readonly BacktestRetrainRecord[], swaps: readonly SwapOfRun[], series: BarSeries): RetrainTally {
  const byTrigger: Record<string, { retrains: number; swaps: number }> = {};
  for (const r of records) {
    const t = (byTrigger[r.trigger.kind] ??= { retrains: 0, swaps: 0 });
    t.retrains++;
    if (r.decision === 'swapped') t.swaps++;
  }
  const effects: SwapEffect[] = [];
  for (const s of swaps) {
    const next = records.find((r) => r.tsMs > s.tsMs);
    const end = next ? lowerBoundTs(series, next.tsMs) + 1 : series.length;
    const start = lowerBoundTs(series, s.tsMs) + 1;
    if (start >= end) continue;
    const period = sliceBarSeries(series, 0, end);
    const fromTsMs = series.tsMs[start]!;
    const a = scoreOnValidation(s.previous, period, fromTsMs);
    const b = scoreOnValidation(s.next, period, fromTsMs);
    if (a.bars === 0 || b.bars === 0 || !Number.isFinite(a.meanLogLikelihood) || !Number.isFinite(b.meanLogLikelihood)) continue;
    effects.push({
      tradingDate: sessionInfo(s.tsMs).tradingDate,
      trigger: s.trigger,
      periodFrom: sessionInfo(fromTsMs).tradingDate,
      periodTo: sessionInfo(series.tsMs[end - 1]!).tradingDate,
      bars: b.bars,
      previousScore: a.meanLogLikelihood,
      newScore: b.meanLogLikelihood,
      improved: b.meanLogLikelihood > a.meanLogLikelihood,
    });
  }
  return { byTrigger, swapsScored: effects.length, swapsImproved: effects.filter((e) => e.improved).length, swaps: effects };
}

/** One line for the CLI and the report: retrains and swaps per trigger, swaps that improved the next period. */
export function tallyLine(t: RetrainTally): string {
  const kinds = Object.entries(t.byTrigger)
    .map(([k, v]) => `${k} ${v.retrains} (${v.swaps} swapped)`)
    .join(', ');
  return `retrains by trigger: ${kinds || 'none'}; swaps that improved the next period's held-out log-likelihood: ${t.swapsImproved} of ${t.swapsScored}`;
}
