// trainRegimeModel: bars → causal features → standardized training rows (one sequence per trading day)
// → GaussianHmm fit → states ordered and labelled by mean return → a RegimeModel and a per-state summary.

import { createHash } from 'node:crypto';
import type { Config } from '../config/index.ts';
import { DataError, type BarSeries, type RegimeLabel } from '../domain/index.ts';
import { computeFeatures, FeatureStatus, featureSpecFromConfig, fitStandardization, standardizeRows, type FeatureSpec } from './features/index.ts';
import type { EmIteration } from './fitHmm.ts';
import { GaussianHmm, type FitReport } from './gaussianHmm.ts';
import { countFreeParameters } from './hmmParams.ts';
import { labelsInOrder, permuteStates, requireDataForStates, statesInLabelOrder } from './labels.ts';
import type { RegimeModel } from './modelStore.ts';
import { warmStartParams } from './warmStart.ts';

/**
 * Initial A_ii of training runs: regimes last tens of bars, and a uniform start lets EM split states
 * by single-bar return outliers (1-2 bar "regimes") instead of persistent ones.
 */
export const INIT_SELF_TRANSITION = 0.95;

/** Per-state description for the `txbot train` table (state order = label order). */
export interface StateSummary {
  readonly state: number;
  readonly label: RegimeLabel;
  /** Emission mean / std of the log return per bar, in original units (de-standardized). */
  readonly meanReturn: number;
  readonly volatility: number;
  /** Share of training bars in this state on the Viterbi path, 0..1. */
  readonly occupancy: number;
  /** Mean run length on the Viterbi path (runs cut at trading-day boundaries), bars. */
  readonly meanDurationBars: number;
}

export interface TrainResult {
  readonly model: RegimeModel;
  readonly hmm: GaussianHmm;
  readonly report: FitReport;
  readonly summary: StateSummary[];
  /** Non-fatal concerns (few bars for the number of parameters, no convergence). */
  readonly warnings: string[];
}

export interface TrainOptions {
  readonly onIteration?: (it: EmIteration) => void;
  /** Start EM from this model's parameters (re-standardized; one EM run instead of `hmm.restarts` k-means starts). */
  readonly warmStart?: RegimeModel;
}

/** Training rows: standardized features of the selected bars and their per-day sequence lengths. */
export interface TrainingRows {
  readonly X: Float64Array;
  readonly lengths: number[];
  readonly barIndex: Int32Array;
}

/** Selects READY bars (RTH only when spec.trainRthOnly) and cuts them into one sequence per trading day. */
export function selectTrainingRows(series: BarSeries, spec: FeatureSpec): TrainingRows {
  const m = computeFeatures(series, spec);
  const d = m.nFeatures;
  const idx: number[] = [];
  const lengths: number[] = [];
  let day = Number.NaN;
  for (let t = 0; t < series.length; t++) {
    if (m.status[t] !== FeatureStatus.READY || (spec.trainRthOnly && !m.isRth[t])) continue;
    if (m.tradingDay[t] !== day) {
      lengths.push(0);
      day = m.tradingDay[t];
    }
    lengths[lengths.length - 1]++;
    idx.push(t);
  }
  const X = new Float64Array(idx.length * d);
  idx.forEach((t, i) => X.set(m.X.subarray(t * d, t * d + d), i * d));
  return { X, lengths, barIndex: Int32Array.from(idx) };
}

/** sha256 over the series columns (float64 bytes), identifying the training data. */
export function hashBars(series: BarSeries): string {
  const h = createHash('sha256');
  for (const col of [series.tsMs, series.open, series.high, series.low, series.close, series.volume]) {
    h.update(new Uint8Array(col.buffer, col.byteOffset, series.length * 8));
  }
  return h.digest('hex');
}

function viterbiStats(path: Int32Array, lengths: readonly number[], k: number): { occupancy: number[]; duration: number[] } {
  const count = new Array<number>(k).fill(0);
  const runs = new Array<number>(k).fill(0);
  let t = 0;
  for (const n of lengths) {
    for (let i = 0; i < n; i++, t++) {
      count[path[t]]++;
      if (i === 0 || path[t] !== path[t - 1]) runs[path[t]]++;
    }
  }
  return { occupancy: count.map((c) => c / Math.max(1, path.length)), duration: count.map((c, s) => (runs[s] ? c / runs[s] : 0)) };
}

/**
 * @example
 * const { model, summary } = trainRegimeModel(series, loadConfig({}).config, { onIteration: (it) => log(it) });
 * writeFileSync('models/es.json', regimeModelToJson(model));
 *
 * Trains a regime model on `series` with config `hmm.*`, `session.rth_only`, `state_labels`, `vwap.*`.
 * Throws DataError when there are too few bars, or less than 3 months for 7 states.
 */
export function trainRegimeModel(series: BarSeries, config: Config, options: TrainOptions = {}): TrainResult {
  const spec = featureSpecFromConfig(config);
  const hc = config.hmm;
  const rows = selectTrainingRows(series, spec);
  const d = spec.names.length;
  const T = rows.X.length / d;
  if (T < Math.max(2, 2 * hc.n_states)) {
    throw new DataError(
      'HMM_TOO_FEW_BARS',
      `only ${T} training bars after warm-up and session filtering (expected at least ${Math.max(2, 2 * hc.n_states)} for ${hc.n_states} states)`,
      [],
      {
        hint: spec.trainRthOnly
          ? 'give more days of data, or check that the file has regular-session (09:30-16:00 ET) bars'
          : 'give more days of data',
      },
    );
  }
  const fromTsMs = series.tsMs[rows.barIndex[0]];
  const toTsMs = series.tsMs[rows.barIndex[T - 1]];
  requireDataForStates(hc.n_states, fromTsMs, toTsMs);
  const warnings: string[] = [];
  const nParams = countFreeParameters(hc.n_states, d, hc.covariance);
  if (T < 10 * nParams)
    warnings.push(`only ${T} training bars for ${nParams} free parameters (want at least ${10 * nParams}); states may be unreliable`);
  const standardization = fitStandardization(rows.X, d);
  standardizeRows(standardization, rows.X);
  const hmm = new GaussianHmm({
    nStates: hc.n_states,
    nFeatures: d,
    covariance: hc.covariance,
    nIter: hc.n_iter,
    tol: hc.tol,
    seed: hc.seed,
    restarts: hc.restarts,
    minCovar: hc.min_covar,
    initSelfTransition: INIT_SELF_TRANSITION,
    initMethod: 'blocks',
    init: options.warmStart ? warmStartParams(options.warmStart, spec.names, standardization) : undefined,
    priors: { varianceFloor: hc.min_covar },
    onIteration: options.onIteration,
  });
  const report = hmm.fit(rows.X, rows.lengths);
  if (!report.converged) warnings.push(`EM did not converge in ${hc.n_iter} iterations (last gain above tol ${hc.tol})`);
  const ri = spec.names.indexOf('log_return');
  const params = permuteStates(hmm.params, statesInLabelOrder(hmm.params, ri, hc.label_by, standardization));
  const ordered = GaussianHmm.fromParams(params);
  const labels = labelsInOrder(hc.n_states, config.state_labels);
  const perBar = ordered.logLikelihoodPerBar(rows.X, rows.lengths);
  let mean = 0;
  for (const v of perBar) mean += v / T;
  let vr = 0;
  for (const v of perBar) vr += (v - mean) ** 2 / T;
  const vs = viterbiStats(ordered.decode(rows.X, rows.lengths).path, rows.lengths, hc.n_states);
  const sdR = standardization.std[ri];
  const summary: StateSummary[] = labels.map((label, s) => {
    const varIdx = params.covariance === 'diag' ? s * d + ri : s * d * d + ri * d + ri;
    return {
      state: s,
      label,
      meanReturn: params.means[s * d + ri] * sdR + standardization.mean[ri],
      volatility: Math.sqrt(params.covars[varIdx]) * sdR,
      occupancy: vs.occupancy[s],
      meanDurationBars: vs.duration[s],
    };
  });
  const model: RegimeModel = {
    params,
    features: spec,
    standardization,
    labels: [...labels],
    training: {
      fromTsMs,
      toTsMs,
      bars: T,
      sequences: rows.lengths.length,
      logLikelihoodPerBar: mean,
      logLikelihoodPerBarStd: Math.sqrt(vr),
      iterations: report.iterations,
      converged: report.converged,
      dataHash: hashBars(series),
    },
  };
  return { model, hmm: ordered, report, summary, warnings };
}
