// Scores a regime model on a held-out period: mean per-bar log-likelihood in original feature units
// (comparable across models with different standardizations) and the filtered state of each bar.

import type { BarSeries } from '../../domain/index.ts';
import { standardizeRows } from '../features/index.ts';
import { GaussianHmm } from '../gaussianHmm.ts';
import type { RegimeModel } from '../modelStore.ts';
import { selectTrainingRows } from '../trainer.ts';

/** Score of one model on the validation bars. */
export interface ValidationScore {
  /**
   * Mean over validation bars of log p(x_t | x_<t) in original feature units:
   * log p_x(x) = log p_z(z) - Σ_j log std_j with z = (x - mean) / std the model's standardization
   * (change of variables), so two models with different standardizations compare fairly.
   */
  readonly meanLogLikelihood: number;
  /** Scored bars (after warm-up and session filtering, from the validation start on). */
  readonly bars: number;
  /** Most probable filtered state per scored bar (as the live detector reports it). */
  readonly states: Int32Array;
  /** Series index of each scored bar. */
  readonly barIndex: Int32Array;
}

/**
 * Scores `model` on the bars of `series` at or after `fromTsMs` (a trading-day start). Earlier bars only
 * warm up the causal features (rolling windows); the filter restarts each trading day as live.
 */
export function scoreOnValidation(model: RegimeModel, series: BarSeries, fromTsMs: number): ValidationScore {
  const rows = selectTrainingRows(series, model.features);
  const d = model.params.nFeatures;
  const k = model.params.nStates;
  let r0 = 0;
  while (r0 < rows.barIndex.length && series.tsMs[rows.barIndex[r0]!]! < fromTsMs) r0++;
  const lengths: number[] = [];
  let pos = 0;
  for (const n of rows.lengths) {
    const from = Math.max(pos, r0);
    if (pos + n > from) lengths.push(pos + n - from);
    pos += n;
  }
  const T = rows.barIndex.length - r0;
  if (T === 0) return { meanLogLikelihood: Number.NaN, bars: 0, states: new Int32Array(0), barIndex: new Int32Array(0) };
  const X = rows.X.slice(r0 * d);
  standardizeRows(model.standardization, X);
  const hmm = GaussianHmm.fromParams(model.params);
  const perBar = hmm.logLikelihoodPerBar(X, lengths);
  let sum = 0;
  for (const v of perBar) sum += v;
  const logJacobian = model.standardization.std.reduce((a, s) => a + Math.log(s), 0);
  const filtered = hmm.filtered(X, lengths);
  const states = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let s = 1; s < k; s++) if (filtered[t * k + s]! > filtered[t * k + best]!) best = s;
    states[t] = best;
  }
  return { meanLogLikelihood: sum / T - logJacobian, bars: T, states, barIndex: rows.barIndex.slice(r0) };
}
