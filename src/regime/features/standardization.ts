// Per-feature standardization z = (x - mean) / std, fitted on training rows only and stored in the model.

import { DataError } from '../../domain/index.ts';

/** Mean and standard deviation per feature (population std; 1 when a feature is constant). */
export interface Standardization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Fits mean/std over the rows of X (T x D). */
export function fitStandardization(X: Float64Array, nFeatures: number): Standardization {
  const d = nFeatures;
  const T = X.length / d;
  if (T < 2) throw new DataError('HMM_TOO_FEW_BARS', `cannot standardize features on ${T} bars (expected at least 2)`);
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) mean[j] += X[t * d + j];
  for (let j = 0; j < d; j++) mean[j] /= T;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) {
      const z = X[t * d + j] - mean[j];
      std[j] += z * z;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j] / T);
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}

/** Standardizes `x[off..off+D)` in place. */
export function standardizeRow(s: Standardization, x: Float64Array, off: number): void {
  for (let j = 0; j < s.mean.length; j++) x[off + j] = (x[off + j] - s.mean[j]) / s.std[j];
}

/** Standardizes every row of X (T x D) in place. */
export function standardizeRows(s: Standardization, X: Float64Array): void {
  const d = s.mean.length;
  for (let off = 0; off < X.length; off += d) standardizeRow(s, X, off);
}
