// The retrain pipeline's core (synchronous, pure): split the latest bars into a training window and a
// later held-out validation period, train a new model, score both models, decide swap or keep, map labels.

import type { Config } from '../../config/index.ts';
import { matchStatesByParameters } from './hungarian.ts';
import { permuteStates } from '../labels.ts';
import { sliceBarSeries, DataError, sessionInfo, dateKeyOfDays, type BarSeries } from '../../domain/index.ts';
import type { RegimeModel } from '../modelStore.ts';
import { trainRegimeModel, type TrainOptions } from '../trainer.ts';
import { startOfLastTradingDays } from './historySource.ts';
import { mapLabels, relabelByMeanReturn, type LabelMapping } from './labelMapping.ts';
import { scoreOnValidation } from './validationScore.ts';
import { inSampleReason } from '../inSample.ts';

/** Window sizes of a retrain (config retrain.window_days / validation_days by default). */
export interface RetrainSettings {
  /** Trading days the new model is trained on (default 90). */
  readonly windowDays: number;
  /** Most recent trading days held out for the comparison, never trained on (default 10). */
  readonly validationDays: number;
  /** The new model must beat the current one by more than this many nats per bar (default 0). */
  readonly minImprovementPerBar?: number;
}

/** Settings from config `retrain.*`. */
export function retrainSettingsFromConfig(config: Config): RetrainSettings {
  return { windowDays: config.retrain.window_days, validationDays: config.retrain.validation_days };
}

/** The train / validation split of the latest bars (by trading day; the two never overlap). */
export interface RetrainSplit {
  /** Bars of the training days only. */
  readonly train: BarSeries;
  /** Training plus validation bars: validation features warm up on the bars before (scoring input). */
  readonly scoring: BarSeries;
  /** First bar time of the validation period; every training bar is earlier. */
  readonly validationFromTsMs: number;
  readonly trainDates: { readonly from: string; readonly to: string; readonly days: number };
  readonly validationDates: { readonly from: string; readonly to: string; readonly days: number };
}

/** Splits `series` into its last `validationDays` trading days and the `windowDays` days before them. */
export function splitForRetrain(series: BarSeries, s: RetrainSettings): RetrainSplit {
  const n = series.length;
  const valStart = startOfLastTradingDays(series, n, s.validationDays);
  const trainStart = startOfLastTradingDays(series, valStart, s.windowDays);
  const days = (from: number, to: number) => {
    let count = 0;
    let last = Number.NaN;
    for (let i = from; i < to; i++) {
      const d = sessionInfo(series.tsMs[i]!).tradingDay;
      if (d !== last) {
        count++;
        last = d;
      }
    }
    return count;
  };
  const trainDays = days(trainStart, valStart);
  const valDays = days(valStart, n);
  if (valDays < s.validationDays || trainDays < 2) {
    throw new DataError(
      'RETRAIN_TOO_FEW_DAYS',
      `retrain needs ${s.validationDays} validation days and at least 2 training days before them (found ${valDays} + ${trainDays} trading days)`,
      [],
      {
        hint: 'give more history, or lower retrain.validation_days / --validation-days',
      },
    );
  }
  const dateOf = (i: number) => dateKeyOfDays(sessionInfo(series.tsMs[i]!).tradingDay);
  return {
    train: sliceBarSeries(series, trainStart, valStart),
    scoring: sliceBarSeries(series, trainStart, n),
    validationFromTsMs: series.tsMs[valStart]!,
    trainDates: { from: dateOf(trainStart), to: dateOf(valStart - 1), days: trainDays },
    validationDates: { from: dateOf(valStart), to: dateOf(n - 1), days: valDays },
  };
}

/** Why the pipeline swapped or kept. */
export type RetrainDecisionCode = 'NEW_BETTER' | 'NEW_NOT_BETTER' | 'NO_CURRENT_MODEL' | 'FEATURES_CHANGED';

/** Everything one retrain found and decided. */
export interface RetrainOutcome {
  readonly decision: 'swapped' | 'kept';
  readonly code: RetrainDecisionCode;
  /** One sentence with the numbers behind the decision. */
  readonly reason: string;
  /** Mean per-bar validation log-likelihood (original feature units) of each model. */
  readonly currentScore: number | null;
  readonly newScore: number;
  readonly validationBars: number;
  readonly newModel: RegimeModel;
  readonly trainDates: RetrainSplit['trainDates'];
  readonly validationDates: RetrainSplit['validationDates'];
  /** Old label → new label on the validation bars (empty without a current model). */
  readonly labelMapping: LabelMapping[];
  readonly warnings: string[];
  /**
   * Why the current model's validation score is in-sample (its training days overlap the validation days, so
   * the comparison favours it), or null.
   */
  readonly currentInSample: string | null;
}

/**
 * Runs one retrain over `series` (the latest bars, at least validationDays + 2 trading days):
 * train on the window, score old and new on the held-out days, swap only when the new score is higher
 * by more than `minImprovementPerBar`. A different feature set means the scores are densities over
 * different spaces; the new model (which follows the config) is then taken.
 */
export function runRetrain(
  series: BarSeries,
  current: RegimeModel | null,
  config: Config,
  settings: RetrainSettings = retrainSettingsFromConfig(config),
  options: TrainOptions = {},
): RetrainOutcome {
  const split = splitForRetrain(series, settings);
  const trained = trainRegimeModel(split.train, config, options);
  const labelled = labelNewModel(trained.model, current, config);
  // a retrain replaces the model of the same instrument
  const newModel = current?.symbol !== undefined ? { ...labelled, symbol: current.symbol } : labelled;
  const newVal = scoreOnValidation(newModel, split.scoring, split.validationFromTsMs);
  const base = {
    newScore: newVal.meanLogLikelihood,
    validationBars: newVal.bars,
    newModel,
    trainDates: split.trainDates,
    validationDates: split.validationDates,
    warnings: trained.warnings,
    currentInSample: current ? inSampleReason(current, split.validationFromTsMs, series.tsMs[series.length - 1]!) : null,
  };
  if (!current) {
    return {
      ...base,
      decision: 'swapped',
      code: 'NO_CURRENT_MODEL',
      reason: `no current model; new model scores ${fmt(newVal.meanLogLikelihood)} per bar on ${newVal.bars} validation bars`,
      currentScore: null,
      labelMapping: [],
    };
  }
  const curVal = scoreOnValidation(current, split.scoring, split.validationFromTsMs);
  const labelMapping = mapLabels(current.labels, curVal.states, newModel.labels, newVal.states);
  const sameFeatures = current.features.names.join(',') === newModel.features.names.join(',');
  if (!sameFeatures) {
    return {
      ...base,
      decision: 'swapped',
      code: 'FEATURES_CHANGED',
      reason: `features changed (${current.features.names.join(', ')} → ${newModel.features.names.join(', ')}); scores are not comparable, the new model follows the config`,
      currentScore: curVal.meanLogLikelihood,
      labelMapping,
    };
  }
  const margin = settings.minImprovementPerBar ?? 0;
  const gain = newVal.meanLogLikelihood - curVal.meanLogLikelihood;
  const better = Number.isFinite(gain) && gain > margin;
  return {
    ...base,
    decision: better ? 'swapped' : 'kept',
    code: better ? 'NEW_BETTER' : 'NEW_NOT_BETTER',
    reason: `new ${fmt(newVal.meanLogLikelihood)} vs current ${fmt(curVal.meanLogLikelihood)} per bar on ${newVal.bars} validation bars (${gain >= 0 ? '+' : ''}${fmt(gain)}${margin > 0 ? `, needs > ${fmt(margin)}` : ''}): ${better ? 'new model is better' : 'current model is at least as good'}`,
    currentScore: curVal.meanLogLikelihood,
    labelMapping,
  };
}

const fmt = (x: number): string => x.toFixed(4);

/**
 * Labels of a retrained model. retrain.label_matching parameters (default): each new state takes the label
 * of the current state it is nearest to by parameters (Hungarian assignment, matchStatesByParameters), so a
 * label keeps meaning the same kind of market across retrains; sort: re-sort by hmm.label_by as a fresh
 * training does. Without a current model, or with other features or another state count, it re-sorts.
 */
export function labelNewModel(trained: RegimeModel, current: RegimeModel | null, config: Config): RegimeModel {
  const comparable =
    current !== null &&
    current.params.nStates === trained.params.nStates &&
    current.features.names.join(',') === trained.features.names.join(',') &&
    current.labels.length === trained.params.nStates;
  if (!comparable || config.retrain.label_matching === 'sort') return relabelByMeanReturn(trained, config);
  const order = matchStatesByParameters(current, trained);
  return { ...trained, params: permuteStates(trained.params, order), labels: [...current.labels] };
}
