// Tests of GaussianHmm against a brute-force oracle (all state paths enumerated), EM invariants,
// the streaming filter, no-look-ahead filtering, ground-truth recovery and degenerate inputs.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type DataError, ModelError } from '../../src/domain/errors.ts';
import { GaussianHmm } from '../../src/regime/gaussianHmm.ts';
import { countFreeParameters, type CovarianceType, type HmmParams } from '../../src/regime/hmmParams.ts';
import { createFbWork, forwardLog, forwardScaled, backwardLog } from '../../src/regime/forwardBackward.ts';
import { logEmissions, prepareEmissions } from '../../src/regime/emissions.ts';

/** A 3-state, 2-feature model; full covariances have correlation, diag ones the same variances. */
function model3(cov: CovarianceType): HmmParams {
  const full = Float64Array.of(1, 0.3, 0.3, 0.5, 0.4, -0.1, -0.1, 0.8, 2, 0.5, 0.5, 1.5);
  const diag = Float64Array.of(1, 0.5, 0.4, 0.8, 2, 1.5);
  return {
    nStates: 3,
    nFeatures: 2,
    covariance: cov,
    startProb: Float64Array.of(0.5, 0.3, 0.2),
    transMat: Float64Array.of(0.8, 0.15, 0.05, 0.1, 0.7, 0.2, 0.25, 0.25, 0.5),
    means: Float64Array.of(0, 0, 2, -1, -2, 1),
    covars: cov === 'full' ? full : diag,
  };
}

/** log N(x | mu, Sigma) for D = 2 with explicit inverse and determinant. */
function logPdf2(p: HmmParams, s: number, x0: number, x1: number): number {
  const z0 = x0 - p.means[s * 2];
  const z1 = x1 - p.means[s * 2 + 1];
  const [a, b, c] = p.covariance === 'full' ? [p.covars[s * 4], p.covars[s * 4 + 1], p.covars[s * 4 + 3]] : [p.covars[s * 2], 0, p.covars[s * 2 + 1]];
  const det = a * c - b * b;
  const q = (c * z0 * z0 - 2 * b * z0 * z1 + a * z1 * z1) / det;
  return -0.5 * (2 * Math.log(2 * Math.PI) + Math.log(det) + q);
}

/** Enumerates all K^T paths: joint probabilities per path. */
function bruteForce(p: HmmParams, X: Float64Array) {
  const T = X.length / 2;
  const k = p.nStates;
  const paths: { path: number[]; logp: number }[] = [];
  const rec = (path: number[], logp: number): void => {
    const t = path.length;
    if (t === T) {
      paths.push({ path, logp });
      return;
    }
    for (let s = 0; s < k; s++) {
      const trans = t === 0 ? Math.log(p.startProb[s]) : Math.log(p.transMat[path[t - 1] * k + s]);
      rec([...path, s], logp + trans + logPdf2(p, s, X[2 * t], X[2 * t + 1]));
    }
  };
  rec([], 0);
  const total = Math.log(paths.reduce((a, q) => a + Math.exp(q.logp), 0));
  let best = paths[0];
  for (const q of paths) if (q.logp > best.logp) best = q;
  const post = new Float64Array(T * k);
  for (const q of paths) for (let t = 0; t < T; t++) post[t * k + q.path[t]] += Math.exp(q.logp - total);
  return { total, best, post };
}

const X5 = Float64Array.of(0.1, 0.2, 1.8, -0.7, 2.3, -1.2, -1.5, 0.9, 0.3, -0.1);

describe.each(['diag', 'full'] as const)('GaussianHmm (%s)', (cov) => {
  const hmm = GaussianHmm.fromParams(model3(cov));

  it('score, Viterbi and posteriors equal the brute-force values over all paths', () => {
    const bf = bruteForce(model3(cov), X5);
    expect(hmm.score(X5)).toBeCloseTo(bf.total, 10);
    const dec = hmm.decode(X5);
    expect(Array.from(dec.path)).toEqual(bf.best.path);
    expect(dec.logProb).toBeCloseTo(bf.best.logp, 10);
    const post = hmm.posteriors(X5);
    for (let i = 0; i < post.length; i++) expect(post[i]).toBeCloseTo(bf.post[i], 12);
  });

  it('filtered at bar t equals the brute-force posterior of the first t+1 bars', () => {
    const f = hmm.filtered(X5);
    for (let t = 0; t < 5; t++) {
      const bf = bruteForce(model3(cov), X5.subarray(0, 2 * (t + 1)));
      for (let s = 0; s < 3; s++) expect(f[t * 3 + s]).toBeCloseTo(bf.post[t * 3 + s], 12);
    }
  });

  it('filtered at bar t is unchanged when bars after t are altered', () => {
    const { X } = hmm.sample(200, 7);
    const before = hmm.filtered(X);
    const altered = X.slice();
    for (let i = 120 * 2; i < altered.length; i++) altered[i] = altered[i] * -3 + 5;
    const after = hmm.filtered(altered);
    expect(Array.from(after.subarray(0, 120 * 3))).toEqual(Array.from(before.subarray(0, 120 * 3)));
    expect(Array.from(after.subarray(120 * 3))).not.toEqual(Array.from(before.subarray(120 * 3)));
  });

  it('the streaming filter equals filtered, and reset() restarts at sequence boundaries', () => {
    const { X } = hmm.sample(300, 11);
    const lengths = [100, 150, 50];
    const batch = hmm.filtered(X, lengths);
    const perBar = hmm.logLikelihoodPerBar(X, lengths);
    const f = hmm.createFilter();
    let t = 0;
    for (const n of lengths) {
      f.reset();
      for (let i = 0; i < n; i++, t++) {
        const probs = f.step(X, t * 2);
        for (let s = 0; s < 3; s++) expect(probs[s]).toBeCloseTo(batch[t * 3 + s], 14);
        expect(f.logLikelihood).toBeCloseTo(perBar[t], 12);
      }
    }
    expect(perBar.reduce((a, b) => a + b, 0)).toBeCloseTo(hmm.score(X, lengths), 8);
  });

  it('probabilities are non-negative and every row sums to 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 2, maxLength: 60 }), (vals) => {
        const X = Float64Array.from(vals.length % 2 ? vals.slice(1) : vals);
        for (const probs of [hmm.filtered(X), hmm.posteriors(X)]) {
          for (let t = 0; t < probs.length / 3; t++) {
            const row = [probs[3 * t], probs[3 * t + 1], probs[3 * t + 2]];
            expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
            expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 12);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('EM never decreases the log-likelihood and recovers the sampling model (>= 90% of bars)', () => {
    // Means twice as far apart as model3 so the Bayes error of the true model is a few percent.
    const truth: HmmParams = { ...model3(cov), means: model3(cov).means.map((v) => 2 * v) };
    const { X, states } = GaussianHmm.fromParams(truth).sample(3000, 3);
    const m = new GaussianHmm({ nStates: 3, nFeatures: 2, covariance: cov, nIter: 200, tol: 1e-6, seed: 1, restarts: 2 });
    const rep = m.fit(X);
    for (let i = 1; i < rep.history.length; i++) expect(rep.history[i]).toBeGreaterThanOrEqual(rep.history[i - 1] - 1e-6);
    expect(rep.converged).toBe(true);
    const path = m.decode(X).path;
    // Match fitted states to true ones by their means (nearest true mean).
    const map = [0, 1, 2].map((s) => {
      let best = 0;
      let bd = Infinity;
      for (let r = 0; r < 3; r++) {
        const dd = (m.params.means[2 * s] - truth.means[2 * r]) ** 2 + (m.params.means[2 * s + 1] - truth.means[2 * r + 1]) ** 2;
        if (dd < bd) [bd, best] = [dd, r];
      }
      return best;
    });
    expect(new Set(map).size).toBe(3);
    let right = 0;
    for (let t = 0; t < states.length; t++) if (map[path[t]] === states[t]) right++;
    expect(right / states.length).toBeGreaterThanOrEqual(0.9);
  });

  it('AIC and BIC follow -2 log L + 2p and -2 log L + p ln T', () => {
    const p = countFreeParameters(3, 2, cov);
    expect(p).toBe(2 + 6 + 6 + (cov === 'diag' ? 6 : 9));
    const ll = hmm.score(X5);
    expect(hmm.aic(X5)).toBeCloseTo(-2 * ll + 2 * p, 10);
    expect(hmm.bic(X5)).toBeCloseTo(-2 * ll + p * Math.log(5), 10);
  });

  it('sampling is deterministic per seed', () => {
    expect(Array.from(hmm.sample(50, 9).X)).toEqual(Array.from(hmm.sample(50, 9).X));
    expect(Array.from(hmm.sample(50, 9).X)).not.toEqual(Array.from(hmm.sample(50, 10).X));
  });

  it('a state that gets no weight keeps finite parameters instead of NaN', () => {
    const init = model3(cov);
    init.means.set([500, 500], 4); // state 2 is far from every bar
    const { X } = GaussianHmm.fromParams(model3(cov)).sample(400, 5);
    const m = new GaussianHmm({ nStates: 3, nFeatures: 2, covariance: cov, nIter: 10, tol: null, init });
    const rep = m.fit(X);
    expect(rep.history.every(Number.isFinite)).toBe(true);
    for (const a of [m.params.means, m.params.covars, m.params.transMat, m.params.startProb]) expect(Array.from(a).every(Number.isFinite)).toBe(true);
  });

  it('constant data (singular covariance) gives a finite fit or a ModelError, never NaN', () => {
    const X = new Float64Array(200).fill(1.5);
    for (let t = 0; t < 100; t++) X[2 * t + 1] = t % 2; // feature 0 constant
    const m = new GaussianHmm({ nStates: 2, nFeatures: 2, covariance: cov, nIter: 20, seed: 3, priors: { varianceFloor: 1e-3 } });
    const rep = m.fit(X);
    expect(Number.isFinite(rep.logProb)).toBe(true);
    expect(Array.from(m.params.covars).every(Number.isFinite)).toBe(true);
  });
});

describe('GaussianHmm input errors', () => {
  const hmm = GaussianHmm.fromParams(model3('diag'));
  it('rejects empty input, a wrong shape, NaN, and lengths not summing to T with codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as DataError).code;
      }
      return 'none';
    };
    expect(code(() => hmm.score(new Float64Array(0)))).toBe('HMM_INPUT_EMPTY');
    expect(code(() => hmm.score(new Float64Array(3)))).toBe('HMM_INPUT_SHAPE');
    expect(code(() => hmm.score(Float64Array.of(0, Number.NaN)))).toBe('HMM_INPUT_NOT_FINITE');
    expect(code(() => hmm.score(X5, [2, 2]))).toBe('HMM_LENGTHS_INVALID');
    expect(code(() => new GaussianHmm({ nStates: 6, nFeatures: 2 }).fit(X5))).toBe('HMM_TOO_FEW_BARS');
    expect(code(() => new GaussianHmm({ nStates: 3, nFeatures: 2 }).params)).toBe('HMM_NOT_FITTED');
  });

  it('rejects parameters whose rows do not sum to 1 or whose variance is not positive', () => {
    const p = model3('diag');
    p.transMat[0] = 0.9;
    expect(() => GaussianHmm.fromParams(p)).toThrow(ModelError);
    const q = model3('full');
    q.covars[0] = -1;
    expect(() => GaussianHmm.fromParams(q)).toThrow(/covars\[0\]\[0\]\[0\]/);
  });

  it('a single-bar sequence has no transitions and a defined score', () => {
    const s = hmm.score(Float64Array.of(0.5, 0.5));
    expect(Number.isFinite(s)).toBe(true);
    expect(hmm.decode(Float64Array.of(0.5, 0.5)).path.length).toBe(1);
  });
});

describe('forward-backward underflow fallback', () => {
  it('the scaled passes fall back to log space and agree with it', () => {
    // Transitions with zeros plus an extreme outlier make the scaled step underflow.
    const p: HmmParams = { ...model3('diag'), transMat: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), startProb: Float64Array.of(1, 0, 0) };
    const X = Float64Array.of(0, 0, 40, -40, 0.1, 0.1);
    const logB = new Float64Array(9);
    logEmissions(prepareEmissions(p), X, 0, 3, logB);
    const w = createFbWork(3, 3);
    const alpha = new Float64Array(9);
    expect(Number.isNaN(forwardScaled(p, logB, 0, 3, alpha, null, w))).toBe(true);
    const hmm = GaussianHmm.fromParams(p);
    const ll = forwardLog(p, logB, 0, 3, alpha, null, w);
    expect(hmm.score(X)).toBe(ll);
    expect(Array.from(hmm.filtered(X))).toEqual(Array.from(alpha));
    const g = new Float64Array(9);
    backwardLog(p, logB, 0, 3, ll, g, null, w);
    expect(Array.from(hmm.posteriors(X))).toEqual(Array.from(g));
    expect(Array.from(g.subarray(0, 3))).toEqual([1, 0, 0]);
  });
});
