// Property and edge-case tests of the HMM kernels: random models (fast-check) for streaming = batch and
// probability invariants, the reference's Viterbi tie-breaking, and singular covariances.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModelError } from '../../src/domain/errors.ts';
import { GaussianHmm } from '../../src/regime/gaussianHmm.ts';
import type { CovarianceType, HmmParams } from '../../src/regime/hmmParams.ts';

/** A random valid model: K states, D features, rows drawn then normalised, SPD covariances A A^T + 0.1 I. */
function arbModel(cov: CovarianceType): fc.Arbitrary<HmmParams> {
  return fc
    .record({ k: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 1e6 }) })
    .map(({ k, d, seed }) => {
      let s = seed + 1;
      const rnd = () => {
        s = (s * 16807) % 2147483647;
        return s / 2147483647;
      };
      const norm = (a: Float64Array, off: number, n: number) => {
        let t = 0;
        for (let i = 0; i < n; i++) t += a[off + i];
        for (let i = 0; i < n; i++) a[off + i] /= t;
      };
      const startProb = Float64Array.from({ length: k }, () => 0.05 + rnd());
      norm(startProb, 0, k);
      const transMat = Float64Array.from({ length: k * k }, () => 0.05 + rnd());
      for (let i = 0; i < k; i++) norm(transMat, i * k, k);
      const means = Float64Array.from({ length: k * d }, () => 4 * rnd() - 2);
      let covars: Float64Array;
      if (cov === 'diag') covars = Float64Array.from({ length: k * d }, () => 0.2 + 2 * rnd());
      else {
        covars = new Float64Array(k * d * d);
        for (let c = 0; c < k; c++) {
          const A = Float64Array.from({ length: d * d }, () => rnd() - 0.5);
          for (let a = 0; a < d; a++) {
            for (let b = 0; b < d; b++) {
              let v = a === b ? 0.1 : 0;
              for (let m = 0; m < d; m++) v += A[a * d + m] * A[b * d + m];
              covars[c * d * d + a * d + b] = v;
            }
          }
        }
      }
      return { nStates: k, nFeatures: d, covariance: cov, startProb, transMat, means, covars };
    });
}

describe.each(['diag', 'full'] as const)('HMM properties on random models (%s)', (cov) => {
  it('streaming step equals batch filtered; rows sum to 1; Viterbi logprob <= score', () => {
    fc.assert(
      fc.property(arbModel(cov), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 1000 }), (p, n, seed) => {
        const hmm = GaussianHmm.fromParams(p);
        const { X } = hmm.sample(n, seed);
        const f = hmm.filtered(X);
        const post = hmm.posteriors(X);
        const filter = hmm.createFilter();
        for (let t = 0; t < n; t++) {
          const probs = filter.step(X, t * p.nFeatures);
          let sf = 0;
          let sp = 0;
          for (let s = 0; s < p.nStates; s++) {
            expect(probs[s]).toBeCloseTo(f[t * p.nStates + s], 12);
            sf += f[t * p.nStates + s];
            sp += post[t * p.nStates + s];
          }
          expect(sf).toBeCloseTo(1, 12);
          expect(sp).toBeCloseTo(1, 12);
        }
        // The last filtered row equals the last smoothed row (nothing after it to look at).
        for (let s = 0; s < p.nStates; s++) expect(post[(n - 1) * p.nStates + s]).toBeCloseTo(f[(n - 1) * p.nStates + s], 10);
        expect(hmm.decode(X).logProb).toBeLessThanOrEqual(hmm.score(X) + 1e-9);
      }),
      { numRuns: 40 },
    );
  });
});

describe('Viterbi tie-breaking follows the reference', () => {
  it('two identical states: last state is the lowest index, backtracking picks the higher index', () => {
    const p: HmmParams = {
      nStates: 2,
      nFeatures: 1,
      covariance: 'diag',
      startProb: Float64Array.of(0.5, 0.5),
      transMat: Float64Array.of(0.5, 0.5, 0.5, 0.5),
      means: Float64Array.of(0, 0),
      covars: Float64Array.of(1, 1),
    };
    const path = GaussianHmm.fromParams(p).decode(Float64Array.of(0.1, -0.3, 0.7, 0.2)).path;
    expect(Array.from(path)).toEqual([1, 1, 1, 0]);
  });
});

describe('singular full covariances', () => {
  const base = (covars: number[]): HmmParams => ({
    nStates: 1,
    nFeatures: 2,
    covariance: 'full',
    startProb: Float64Array.of(1),
    transMat: Float64Array.of(1),
    means: Float64Array.of(0, 0),
    covars: Float64Array.from(covars),
  });

  it('a PSD but singular matrix is regularised with the reference ridge (finite score)', () => {
    const s = GaussianHmm.fromParams(base([1, 1, 1, 1])).score(Float64Array.of(0.5, 0.5));
    expect(Number.isFinite(s)).toBe(true);
  });

  it('an indefinite matrix is a ModelError with code HMM_SINGULAR_COVARIANCE', () => {
    const hmm = GaussianHmm.fromParams(base([1, 2, 2, 1]));
    let code = '';
    try {
      hmm.score(Float64Array.of(0.5, 0.5));
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      code = (e as ModelError).code;
    }
    expect(code).toBe('HMM_SINGULAR_COVARIANCE');
  });
});
