// Batch features over a BarSeries (the streaming FeatureStream run bar by bar, so both agree exactly),
// plus per-bar session facts the trainer uses to cut HMM sequences per trading day.

import { barAt, type BarSeries } from '../../domain/index.ts';
import type { FeatureSpec } from './featureSpec.ts';
import { FeatureStatus, FeatureStream } from './featureStream.ts';

/** Features of every bar: `X` T x D (rows valid where status is READY), status, trading day, RTH flag. */
export interface FeatureMatrix {
  readonly nFeatures: number;
  readonly X: Float64Array;
  readonly status: Uint8Array;
  readonly tradingDay: Int32Array;
  readonly isRth: Uint8Array;
}

/** Computes features for all bars of `series` (causal: row t uses bars 0..t only). */
export function computeFeatures(series: BarSeries, spec: FeatureSpec): FeatureMatrix {
  const fs = new FeatureStream(spec);
  const d = fs.nFeatures;
  const T = series.length;
  const X = new Float64Array(T * d);
  const status = new Uint8Array(T);
  const tradingDay = new Int32Array(T);
  const isRth = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const st = fs.push(barAt(series, t), X, t * d);
    status[t] = st;
    if (st !== FeatureStatus.IGNORED) {
      tradingDay[t] = fs.lastTradingDay;
      isRth[t] = fs.lastIsRth ? 1 : 0;
    }
    if (st !== FeatureStatus.READY) X.fill(Number.NaN, t * d, t * d + d);
  }
  return { nFeatures: d, X, status, tradingDay, isRth };
}
