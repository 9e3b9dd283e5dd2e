// Parity against reference fixtures (hmmlearn outputs, /work/shared/reference/hmm format): validates a
// fixture's shape, runs EM from its `init`, and measures the largest relative error per quantity.

import { DataError } from '../domain/index.ts';
import { GaussianHmm } from './gaussianHmm.ts';
import type { CovarianceType, HmmParams } from './hmmParams.ts';

/** A parsed fixture: observations, EM settings, initial and expected outputs. */
export interface ParityFixture {
  readonly name: string;
  readonly nStates: number;
  readonly nFeatures: number;
  readonly covariance: CovarianceType;
  readonly X: Float64Array;
  readonly lengths: Int32Array;
  readonly nIter: number;
  readonly covarsPrior: number;
  readonly covarsWeight: number;
  readonly init: HmmParams;
  readonly expected: {
    readonly loglikHistory: Float64Array;
    readonly params: HmmParams;
    readonly score: number;
    readonly viterbiLogProb: number;
    readonly viterbiPath: Int32Array;
    readonly posteriors: Float64Array;
    readonly filtered: Float64Array;
  };
}

/** Tolerances of the fixture README. */
export const PARITY_TOLERANCES = { probabilities: 1e-9, score: 1e-9, em: 1e-6 } as const;

/**
 * Relative errors are |ours - ref| / max(|ref|, floor). The floor keeps values that are zero or
 * nearly so in the reference (probabilities of 1e-300, means near 0) from dividing by ~0; below it
 * the error is absolute.
 */
export const RELATIVE_ERROR_FLOOR = { probabilities: 1e-12, params: 1e-8 } as const;

/** Largest relative errors and path mismatches of one fixture. */
export interface ParityReport {
  readonly name: string;
  readonly loglikHistory: number;
  readonly params: number;
  readonly score: number;
  readonly viterbiLogProb: number;
  readonly pathMismatches: number;
  readonly posteriors: number;
  readonly filtered: number;
  readonly pass: boolean;
}

type Json = unknown;

function bad(src: string, path: string, expected: string, found: Json): never {
  const f = Array.isArray(found)
    ? `an array of ${found.length}`
    : found === undefined
      ? 'nothing'
      : typeof found === 'object' && found !== null
        ? 'an object'
        : JSON.stringify(found);
  throw new DataError('PARITY_FIXTURE_INVALID', `${src}: ${path} must be ${expected} (found ${f})`);
}

function field(src: string, obj: Json, path: string): Json {
  let cur: Json = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) bad(src, path, 'present', cur);
    cur = (cur as Record<string, Json>)[key];
  }
  return cur;
}

function num(src: string, obj: Json, path: string): number {
  const v = field(src, obj, path);
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(src, path, 'a finite number', v);
  return v;
}

/** Flattens a nested numeric array of the given shape into a Float64Array. */
function tensor(src: string, obj: Json, path: string, shape: number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let pos = 0;
  const walk = (v: Json, depth: number, where: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(src, where, 'a finite number', v);
      out[pos++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) bad(src, where, `an array of ${shape[depth]}`, v);
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${where}[${i}]`);
  };
  walk(field(src, obj, path), 0, path);
  return out;
}

function paramsAt(src: string, j: Json, base: string, k: number, d: number, cov: CovarianceType): HmmParams {
  return {
    nStates: k,
    nFeatures: d,
    covariance: cov,
    startProb: tensor(src, j, `${base}.startprob`, [k]),
    transMat: tensor(src, j, `${base}.transmat`, [k, k]),
    means: tensor(src, j, `${base}.means`, [k, d]),
    covars: tensor(src, j, `${base}.covars`, cov === 'diag' ? [k, d] : [k, d, d]),
  };
}

/** Validates and converts a parsed fixture; `src` names the file in error messages. */
export function parseParityFixture(j: Json, src: string): ParityFixture {
  const k = num(src, j, 'n_states');
  const d = num(src, j, 'n_features');
  if (!Number.isInteger(k) || k < 1) bad(src, 'n_states', 'an integer >= 1', k);
  if (!Number.isInteger(d) || d < 1) bad(src, 'n_features', 'an integer >= 1', d);
  const cov = field(src, j, 'covariance_type');
  if (cov !== 'diag' && cov !== 'full') bad(src, 'covariance_type', '"diag" or "full"', cov);
  const xs = field(src, j, 'X');
  if (!Array.isArray(xs) || xs.length === 0) bad(src, 'X', 'a non-empty array of rows', xs);
  const T = xs.length;
  const lensRaw = field(src, j, 'lengths');
  const lens = lensRaw === undefined || lensRaw === null ? [T] : lensRaw;
  if (!Array.isArray(lens) || lens.some((n) => !Number.isInteger(n) || n < 1)) bad(src, 'lengths', 'an array of positive integers', lens);
  const lensSum = (lens as number[]).reduce((a, b) => a + b, 0);
  if (lensSum !== T) bad(src, 'lengths', `summing to ${T} (the rows of X)`, lensSum);
  const nIter = num(src, j, 'em.n_iter');
  if (!Number.isInteger(nIter) || nIter < 1) bad(src, 'em.n_iter', 'an integer >= 1', nIter);
  for (const [key, want] of [
    ['em.means_weight', 0],
    ['em.startprob_prior', 1],
    ['em.transmat_prior', 1],
  ] as const) {
    const v = field(src, j, key);
    if (v !== undefined && v !== want) bad(src, key, `${want} (other priors are not supported)`, v);
  }
  return {
    name: typeof field(src, j, 'name') === 'string' ? (field(src, j, 'name') as string) : src,
    nStates: k,
    nFeatures: d,
    covariance: cov,
    X: tensor(src, j, 'X', [T, d]),
    lengths: Int32Array.from(lens as number[]),
    nIter,
    covarsPrior: num(src, j, 'em.covars_prior'),
    covarsWeight: num(src, j, 'em.covars_weight'),
    init: paramsAt(src, j, 'init', k, d, cov),
    expected: {
      loglikHistory: tensor(src, j, 'expected.loglik_history', [nIter]),
      params: paramsAt(src, j, 'expected', k, d, cov),
      score: num(src, j, 'expected.score'),
      viterbiLogProb: num(src, j, 'expected.viterbi_logprob'),
      viterbiPath: Int32Array.from(tensor(src, j, 'expected.viterbi_path', [T])),
      posteriors: tensor(src, j, 'expected.posteriors', [T, k]),
      filtered: tensor(src, j, 'expected.filtered', [T, k]),
    },
  };
}

/** max_i |a_i - b_i| / max(|b_i|, floor). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 0): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor, Number.MIN_VALUE);
    if (!(e <= m)) m = e;
  }
  return m;
}

/** Runs EM from the fixture's init for n_iter iterations, then score, Viterbi, posteriors, filtered. */
export function runParity(f: ParityFixture): ParityReport {
  const hmm = new GaussianHmm({
    nStates: f.nStates,
    nFeatures: f.nFeatures,
    covariance: f.covariance,
    nIter: f.nIter,
    tol: null,
    init: f.init,
    priors: { covarsPrior: f.covarsPrior, covarsWeight: f.covarsWeight },
  });
  const fit = hmm.fit(f.X, f.lengths);
  const p = hmm.params;
  const e = f.expected;
  const fl = RELATIVE_ERROR_FLOOR.params;
  const params = Math.max(
    maxRelativeError(p.startProb, e.params.startProb, fl),
    maxRelativeError(p.transMat, e.params.transMat, fl),
    maxRelativeError(p.means, e.params.means, fl),
    maxRelativeError(p.covars, e.params.covars, fl),
  );
  const decoded = hmm.decode(f.X, f.lengths);
  let pathMismatches = 0;
  for (let t = 0; t < decoded.path.length; t++) if (decoded.path[t] !== e.viterbiPath[t]) pathMismatches++;
  const r = {
    name: f.name,
    loglikHistory: maxRelativeError(fit.history, e.loglikHistory),
    params,
    score: maxRelativeError([hmm.score(f.X, f.lengths)], [e.score]),
    viterbiLogProb: maxRelativeError([decoded.logProb], [e.viterbiLogProb]),
    pathMismatches,
    posteriors: maxRelativeError(hmm.posteriors(f.X, f.lengths), e.posteriors, RELATIVE_ERROR_FLOOR.probabilities),
    filtered: maxRelativeError(hmm.filtered(f.X, f.lengths), e.filtered, RELATIVE_ERROR_FLOOR.probabilities),
  };
  const t = PARITY_TOLERANCES;
  const pass =
    r.loglikHistory <= t.em &&
    r.params <= t.em &&
    r.score <= t.score &&
    r.viterbiLogProb <= t.score &&
    r.pathMismatches === 0 &&
    r.posteriors <= t.probabilities &&
    r.filtered <= t.probabilities;
  return { ...r, pass };
}
