// Block-summary initialisation for regime HMMs: k-means++ over short blocks of bars described by their
// per-feature mean and log standard deviation, so initial states differ in level and volatility.

import type { Rng } from '../domain/index.ts';
import { covarSize, type CovarianceType, type HmmParams } from './hmmParams.ts';
import { kMeans } from './kmeans.ts';

/**
 * Initial parameters from blocks of `blockBars` consecutive bars within each sequence. Each block is
 * summarised by (mean_j, log std_j) per feature, the summaries are z-scored and clustered by k-means++
 * into K groups; every bar takes its block's group and the states start from the groups' sample means
 * and covariances (+ minCovar on the diagonal). Transitions start at `selfTransition` on the diagonal.
 * Why: k-means on single bars clusters by value, so on returns it finds "large move" states that last
 * one bar; regimes differ in volatility, which single bars do not show but blocks do.
 */
export function initFromBlocks(
  X: Float64Array,
  lengths: Int32Array,
  nFeatures: number,
  nStates: number,
  covariance: CovarianceType,
  minCovar: number,
  rng: Rng,
  blockBars: number,
  selfTransition: number,
): HmmParams | null {
  const d = nFeatures;
  const k = nStates;
  const blocks: [number, number][] = [];
  let t0 = 0;
  for (const n of lengths) {
    for (let s = 0; s < n; s += blockBars) {
      const e = Math.min(n, s + blockBars);
      if (e - s < Math.max(2, blockBars / 2) && blocks.length && blocks[blocks.length - 1][1] === t0 + s) blocks[blocks.length - 1][1] = t0 + e;
      else if (e - s >= 2) blocks.push([t0 + s, t0 + e]);
    }
    t0 += n;
  }
  if (blocks.length < k) return null;
  const m = 2 * d;
  const S = new Float64Array(blocks.length * m);
  blocks.forEach(([a, b], i) => {
    for (let j = 0; j < d; j++) {
      let mu = 0;
      for (let t = a; t < b; t++) mu += X[t * d + j];
      mu /= b - a;
      let v = 0;
      for (let t = a; t < b; t++) v += (X[t * d + j] - mu) ** 2;
      S[i * m + j] = mu;
      S[i * m + d + j] = 0.5 * Math.log(v / (b - a) + 1e-12);
    }
  });
  zScoreColumns(S, m);
  const { centroids } = kMeans(S, m, k, rng);
  const assign = new Int32Array(X.length / d).fill(-1);
  blocks.forEach(([a, b], i) => {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < k; c++) {
      let dd = 0;
      for (let j = 0; j < m; j++) dd += (S[i * m + j] - centroids[c * m + j]) ** 2;
      if (dd < bd) [bd, best] = [dd, c];
    }
    for (let t = a; t < b; t++) assign[t] = best;
  });
  return paramsFromAssignment(X, assign, d, k, covariance, minCovar, selfTransition);
}

function zScoreColumns(S: Float64Array, m: number): void {
  const n = S.length / m;
  for (let j = 0; j < m; j++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += S[i * m + j];
    mu /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (S[i * m + j] - mu) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) S[i * m + j] = (S[i * m + j] - mu) / sd;
  }
}

/** Per-group sample means and covariances of the assigned bars (unassigned bars, -1, are skipped). */
function paramsFromAssignment(
  X: Float64Array,
  assign: Int32Array,
  d: number,
  k: number,
  covariance: CovarianceType,
  minCovar: number,
  selfTransition: number,
): HmmParams {
  const cs = covarSize(covariance, d);
  const n = new Float64Array(k);
  const means = new Float64Array(k * d);
  const full = new Float64Array(k * d * d);
  for (let t = 0; t < assign.length; t++) {
    const c = assign[t];
    if (c < 0) continue;
    n[c]++;
    for (let j = 0; j < d; j++) means[c * d + j] += X[t * d + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= Math.max(1, n[c]);
  for (let t = 0; t < assign.length; t++) {
    const c = assign[t];
    if (c < 0) continue;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) full[c * d * d + a * d + b] += (X[t * d + a] - means[c * d + a]) * (X[t * d + b] - means[c * d + b]);
    }
  }
  const covars = new Float64Array(k * cs);
  for (let c = 0; c < k; c++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const v = full[c * d * d + a * d + b] / Math.max(1, n[c] - 1) + (a === b ? minCovar : 0);
        if (covariance === 'full') covars[c * cs + a * d + b] = v;
        else if (a === b) covars[c * cs + a] = v;
      }
    }
  }
  const transMat = new Float64Array(k * k).fill((1 - selfTransition) / Math.max(1, k - 1));
  for (let i = 0; i < k; i++) transMat[i * k + i] = k === 1 ? 1 : selfTransition;
  return { nStates: k, nFeatures: d, covariance, startProb: new Float64Array(k).fill(1 / k), transMat, means, covars };
}
