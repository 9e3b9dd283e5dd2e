// The E-step kernels specialised for the default shape (5 states, 3 features, diag) give bit-for-bit the results
// of the general loops: scaled forward / backward passes, the moment sums, the batch emissions; and a fit is the same.

import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/domain/index.ts';
import type { HmmParams } from '../../src/regime/hmmParams.ts';
import { backwardScaled, backwardScaledAnyK, createFbWork, forwardScaled, forwardScaledAnyK } from '../../src/regime/forwardBackward.ts';
import { accumulateMoments, accumulateMomentsAnyShape, createEmWork, type SuffStats } from '../../src/regime/estep.ts';
import { logEmissionRow, logEmissions, prepareEmissions } from '../../src/regime/emissions.ts';

function randomParams(rng: Rng, k: number, d: number, sticky: number): HmmParams {
  const row = (n: number, self: number | null, i: number): number[] => {
    const v = Array.from({ length: n }, () => rng.next() + 1e-3);
    const s = v.reduce((a, b) => a + b, 0);
    const out = v.map((x) => x / s);
    if (self === null) return out;
    return out.map((x, j) => (j === i ? self : (x * (1 - self)) / (1 - out[i]!)));
  };
  return {
    nStates: k,
    nFeatures: d,
    covariance: 'diag',
    startProb: Float64Array.from(row(k, null, 0)),
    transMat: Float64Array.from(Array.from({ length: k }, (_, i) => row(k, sticky, i)).flat()),
    means: Float64Array.from({ length: k * d }, () => rng.next() * 4 - 2),
    covars: Float64Array.from({ length: k * d }, () => 0.05 + rng.next() * 2),
  };
}

function randomX(rng: Rng, T: number, d: number): Float64Array {
  // a fat tail now and then, so some posteriors are tiny (below the moment sums' negligible weight)
  return Float64Array.from({ length: T * d }, () => (rng.next() - 0.5) * (rng.next() < 0.02 ? 40 : 3));
}

/** Same bits (NaN = NaN, +0 != -0) at every index. */
function expectSameBits(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`index ${i}: ${a[i]} != ${b[i]}`);
}

function logBOf(p: HmmParams, X: Float64Array): Float64Array {
  const T = X.length / p.nFeatures;
  const out = new Float64Array(T * p.nStates);
  const em = prepareEmissions(p);
  for (let t = 0; t < T; t++) logEmissionRow(em, X, t * p.nFeatures, out, t * p.nStates);
  return out;
}

describe('unrolled 5-state forward-backward', () => {
  it('matches the general loops bit for bit (alpha, scaled emissions, log c, gamma, xi sums, log-likelihood)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = createRng(seed);
      const p = randomParams(rng, 5, 3, seed % 3 === 0 ? 0.999 : 0.9);
      const T = 50 + seed * 17;
      const logB = logBOf(p, randomX(rng, T, 3));
      const t0 = seed % 4;
      const t1 = T - (seed % 5);
      const runs = [forwardScaled, forwardScaledAnyK].map((fwd) => {
        const w = createFbWork(5, T);
        const alpha = new Float64Array(T * 5);
        const logC = new Float64Array(T);
        const ll = fwd(p, logB, t0, t1, alpha, logC, w);
        const gamma = new Float64Array(T * 5);
        const xi = new Float64Array(25).fill(seed * 0.25);
        const ok = (fwd === forwardScaled ? backwardScaled : backwardScaledAnyK)(p, t0, t1, alpha, gamma, xi, w);
        return { ll, alpha, logC, b: w.b, gamma, xi, ok };
      });
      const [fast, general] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(fast.ok).toBe(true);
      expect(general.ok).toBe(true);
      expect(Object.is(fast.ll, general.ll)).toBe(true);
      expectSameBits(fast.alpha, general.alpha);
      expectSameBits(fast.logC, general.logC);
      expectSameBits(fast.b, general.b);
      expectSameBits(fast.gamma, general.gamma);
      // the xi sums start from zero in the E-step; from another start they may round differently
      const zeroStart = [forwardScaled, forwardScaledAnyK].map((fwd, i) => {
        const w = createFbWork(5, T);
        const alpha = new Float64Array(T * 5);
        fwd(p, logB, t0, t1, alpha, null, w);
        const xi = new Float64Array(25);
        (i === 0 ? backwardScaled : backwardScaledAnyK)(p, t0, t1, alpha, new Float64Array(T * 5), xi, w);
        return xi;
      });
      expectSameBits(zeroStart[0]!, zeroStart[1]!);
    }
  });

  it('reports an underflow as the general loops do (NaN log-likelihood)', () => {
    const rng = createRng(3);
    const p = randomParams(rng, 5, 3, 0.9);
    const logB = logBOf(p, randomX(rng, 40, 3));
    logB.fill(-Infinity, 20 * 5, 21 * 5);
    const w = createFbWork(5, 40);
    expect(forwardScaled(p, logB, 0, 40, new Float64Array(200), null, w)).toBeNaN();
    expect(forwardScaledAnyK(p, logB, 0, 40, new Float64Array(200), null, createFbWork(5, 40))).toBeNaN();
    // a step whose only likely state is almost unreachable from the last one: the normaliser underflows
    const q: HmmParams = { ...p, transMat: Float64Array.from(p.transMat, (v, i) => (i === 1 ? 1e-300 : v)) };
    const tiny = logBOf(q, randomX(rng, 40, 3));
    tiny.set([0, -1e4, -1e4, -1e4, -1e4, -1e4, 0, -1e4, -1e4, -1e4], 10 * 5);
    expect(forwardScaled(q, tiny, 0, 40, new Float64Array(200), null, w)).toBeNaN();
    expect(forwardScaledAnyK(q, tiny, 0, 40, new Float64Array(200), null, createFbWork(5, 40))).toBeNaN();
    expect(forwardScaled(q, tiny, 0, 11, new Float64Array(200), null, w)).not.toBeNaN();
  });
});

describe('diag 3-feature moment sums and emissions', () => {
  it('accumulateMoments matches the general loop bit for bit, from zero and from earlier sums', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rng = createRng(100 + seed);
      const k = 3 + (seed % 3);
      const p = randomParams(rng, k, 3, 0.9);
      const T = 300;
      const X = randomX(rng, T, 3);
      const gamma = Float64Array.from({ length: T * k }, () => (rng.next() < 0.3 ? rng.next() * 1e-16 : rng.next()));
      const stats = (): SuffStats => {
        const s = createEmWork(p, T, [T]).stats;
        if (seed % 2 === 0) for (const a of [s.nk, s.sumX, s.sumXX]) a.fill(seed * 0.1);
        return s;
      };
      const a = stats();
      const b = stats();
      accumulateMoments(p, X, gamma, T, a);
      accumulateMomentsAnyShape(p, X, gamma, T, b);
      expectSameBits(a.nk, b.nk);
      expectSameBits(a.sumX, b.sumX);
      expectSameBits(a.sumXX, b.sumXX);
    }
  });

  it('logEmissions matches logEmissionRow bar by bar', () => {
    const rng = createRng(7);
    const p = randomParams(rng, 5, 3, 0.9);
    const X = randomX(rng, 200, 3);
    const batch = new Float64Array(200 * 5);
    logEmissions(prepareEmissions(p), X, 0, 200, batch);
    expectSameBits(batch, logBOf(p, X));
  });
});
