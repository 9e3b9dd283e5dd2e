// The retrains of a backtest as report rows, collected from the retrain controller's events.

import { sessionInfo } from '../domain/index.ts';
import type { LabelMapping, RetrainDecisionCode, RetrainEvent, RetrainTrigger } from '../regime/index.ts';

/** One retrain of a backtest, for the report and retrains.json. */
export interface BacktestRetrainRecord {
  /** Trading date and bar time (UTC ms) of the bar after whose close the retrain ran. */
  readonly tradingDate: string;
  readonly tsMs: number;
  readonly trigger: RetrainTrigger;
  readonly decision: 'swapped' | 'kept' | 'failed';
  readonly code: RetrainDecisionCode | string;
  readonly reason: string;
  readonly currentScore: number | null;
  readonly newScore: number | null;
  readonly trainFrom: string | null;
  readonly trainTo: string | null;
  readonly validationFrom: string | null;
  readonly validationTo: string | null;
  readonly labelMapping: readonly LabelMapping[];
}

/** The record of a finished or failed retrain event; null for the other events. */
export function retrainRecordOf(e: RetrainEvent): BacktestRetrainRecord | null {
  if (e.kind === 'RETRAIN_FINISHED') {
    const o = e.outcome;
    return {
      tradingDate: sessionInfo(e.tsMs).tradingDate,
      tsMs: e.tsMs,
      trigger: e.trigger,
      decision: o.decision,
      code: o.code,
      reason: o.reason,
      currentScore: o.currentScore,
      newScore: o.newScore,
      trainFrom: o.trainDates.from,
      trainTo: o.trainDates.to,
      validationFrom: o.validationDates.from,
      validationTo: o.validationDates.to,
      labelMapping: o.labelMapping,
    };
  }
  if (e.kind === 'RETRAIN_FAILED') {
    return {
      tradingDate: sessionInfo(e.tsMs).tradingDate,
      tsMs: e.tsMs,
      trigger: e.trigger,
      decision: 'failed',
      code: e.code,
      reason: e.message,
      currentScore: null,
      newScore: null,
      trainFrom: null,
      trainTo: null,
      validationFrom: null,
      validationTo: null,
      labelMapping: [],
    };
  }
  return null;
}
