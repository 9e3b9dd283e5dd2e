// Seeded k-means++ (Arthur & Vassilvitskii 2007) with Lloyd iterations, used to initialise HMM means.

import type { Rng } from '../domain/index.ts';

/** Result of k-means: centroids K x D and the within-cluster sum of squares. */
export interface KMeansResult {
  readonly centroids: Float64Array;
  readonly inertia: number;
}

function sqDist(X: Float64Array, xo: number, C: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const z = X[xo + j] - C[co + j];
    s += z * z;
  }
  return s;
}

/** k-means++ seeding: first centre uniform, each next one drawn with probability ∝ D(x)^2. */
function seedPlusPlus(X: Float64Array, T: number, d: number, k: number, rng: Rng): Float64Array {
  const C = new Float64Array(k * d);
  const dist = new Float64Array(T);
  const first = Math.min(T - 1, Math.floor(rng.next() * T));
  C.set(X.subarray(first * d, first * d + d), 0);
  let total = 0;
  for (let t = 0; t < T; t++) {
    dist[t] = sqDist(X, t * d, C, 0, d);
    total += dist[t];
  }
  for (let c = 1; c < k; c++) {
    let pick = T - 1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let t = 0; t < T; t++) {
        r -= dist[t];
        if (r < 0) {
          pick = t;
          break;
        }
      }
    } else pick = Math.min(T - 1, Math.floor(rng.next() * T));
    C.set(X.subarray(pick * d, pick * d + d), c * d);
    total = 0;
    for (let t = 0; t < T; t++) {
      const v = sqDist(X, t * d, C, c * d, d);
      if (v < dist[t]) dist[t] = v;
      total += dist[t];
    }
  }
  return C;
}

/** Mean over columns of the per-column variance of X (T x D). */
function meanVariance(X: Float64Array, d: number): number {
  const T = X.length / d;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mu = 0;
    for (let t = 0; t < T; t++) mu += X[t * d + j];
    mu /= T;
    let v = 0;
    for (let t = 0; t < T; t++) v += (X[t * d + j] - mu) ** 2;
    total += v / T;
  }
  return total / d;
}

/**
 * k-means on X (T x D, T >= 1) with k-means++ seeding and at most `maxIter` Lloyd steps; stops when
 * no assignment changes or the total squared centre shift is <= 1e-4 x the mean feature variance
 * (scikit-learn's tol). An empty cluster keeps its previous centre.
 */
export function kMeans(X: Float64Array, d: number, k: number, rng: Rng, maxIter = 100): KMeansResult {
  const T = X.length / d;
  const C = seedPlusPlus(X, T, d, k, rng);
  const assign = new Int32Array(T).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const prev = new Float64Array(k * d);
  const tol = 1e-4 * meanVariance(X, d);
  let inertia = 0;
  for (let it = 0; it < maxIter; it++) {
    let changed = 0;
    inertia = 0;
    for (let t = 0; t < T; t++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const v = sqDist(X, t * d, C, c * d, d);
        if (v < bd) {
          bd = v;
          best = c;
        }
      }
      inertia += bd;
      if (assign[t] !== best) {
        assign[t] = best;
        changed++;
      }
    }
    if (changed === 0) break;
    prev.set(C);
    sums.fill(0);
    counts.fill(0);
    for (let t = 0; t < T; t++) {
      const c = assign[t];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += X[t * d + j];
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < d; j++) {
        C[c * d + j] = sums[c * d + j] / counts[c];
        shift += (C[c * d + j] - prev[c * d + j]) ** 2;
      }
    }
    if (shift <= tol) break;
  }
  return { centroids: C, inertia };
}
