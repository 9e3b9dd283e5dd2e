// Tests of the HMM initialisations: k-means++ (hmmlearn style), block summaries, the row subsample.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/domain/random.ts';
import { initFromData, strideSample } from '../../src/regime/fitHmm.ts';
import { validateParams } from '../../src/regime/hmmParams.ts';
import { initFromBlocks } from '../../src/regime/initBlocks.ts';
import { kMeans } from '../../src/regime/kmeans.ts';

/** Two well-separated 1-D clusters: 0 +- 0.1 and 10 +- 0.1 in alternating blocks of 20 bars. */
function twoRegimes(n: number): Float64Array {
  const rng = createRng(9);
  return Float64Array.from({ length: n }, (_, t) => (Math.floor(t / 20) % 2 ? 10 : 0) + 0.1 * rng.normal());
}

describe('HMM initialisation', () => {
  it('k-means++ finds both cluster centres and is deterministic per seed', () => {
    const X = twoRegimes(400);
    const a = kMeans(X, 1, 2, createRng(1));
    const centres = Array.from(a.centroids).sort((x, y) => x - y);
    expect(centres[0]).toBeCloseTo(0, 1);
    expect(centres[1]).toBeCloseTo(10, 1);
    expect(Array.from(kMeans(X, 1, 2, createRng(1)).centroids)).toEqual(Array.from(a.centroids));
  });

  it('initFromData gives valid hmmlearn-style parameters (data covariance + minCovar, uniform chain)', () => {
    const X = twoRegimes(400);
    const p = initFromData(X, 1, 2, 'diag', 1e-3, createRng(1));
    validateParams(p);
    expect(Array.from(p.transMat)).toEqual([0.5, 0.5, 0.5, 0.5]);
    const mean = X.reduce((s, v) => s + v, 0) / X.length;
    const v = X.reduce((s, x) => s + (x - mean) ** 2, 0) / (X.length - 1);
    expect(p.covars[0]).toBeCloseTo(v + 1e-3, 10);
  });

  it('block init separates regimes by block statistics and starts sticky', () => {
    const X = twoRegimes(400);
    const p = initFromBlocks(X, Int32Array.of(400), 1, 2, 'full', 1e-3, createRng(1), 10, 0.9)!;
    validateParams(p);
    const means = Array.from(p.means).sort((x, y) => x - y);
    expect(means[0]).toBeCloseTo(0, 1);
    expect(means[1]).toBeCloseTo(10, 1);
    expect(p.transMat[0]).toBeCloseTo(0.9, 12);
    expect(p.covars.every((c) => c < 0.1)).toBe(true);
  });

  it('block init returns null when there are fewer blocks than states', () => {
    expect(initFromBlocks(twoRegimes(30), Int32Array.of(30), 1, 5, 'diag', 1e-3, createRng(1), 12, 0.95)).toBeNull();
  });

  it('strideSample keeps at most maxRows rows, the first row first, and X itself when small', () => {
    const X = Float64Array.from({ length: 2 * 50 }, (_, i) => i);
    expect(strideSample(X, 2, 100)).toBe(X);
    const s = strideSample(X, 2, 20);
    expect(s.length / 2).toBeLessThanOrEqual(20);
    expect(Array.from(s.subarray(0, 4))).toEqual([0, 1, 6, 7]);
  });
});
