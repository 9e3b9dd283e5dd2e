// GaussianHmm: a Gaussian hidden Markov model on row-major Float64Array data (hmmlearn GaussianHMM
// semantics): fit by EM, score, Viterbi, smoothed and filtered probabilities, sampling, AIC/BIC.

import { ModelError, createRng, type Rng } from '../domain/index.ts';
import { choleskyInto, logEmissions, prepareEmissions } from './emissions.ts';
import { checkObservations, initFromData, runEm, type EmIteration } from './fitHmm.ts';
import { createFbWork, forwardBackward, forwardLog, forwardScaled } from './forwardBackward.ts';
import { cloneParams, countFreeParameters, validateParams, type CovarianceType, type HmmParams } from './hmmParams.ts';
import { DEFAULT_PRIORS, type MstepPriors } from './mstep.ts';
import { initFromBlocks } from './initBlocks.ts';
import { StreamingFilter } from './streamingFilter.ts';
import { viterbiSequence } from './viterbi.ts';

/** Construction options; defaults follow config `hmm.*`. */
export interface GaussianHmmOptions {
  readonly nStates: number;
  readonly nFeatures: number;
  readonly covariance?: CovarianceType;
  /** Maximum EM iterations (default 100). */
  readonly nIter?: number;
  /** Stop when the log-likelihood gain is below tol (default 1e-4); null = run all nIter. */
  readonly tol?: number | null;
  /** Seed of k-means++ (default 42). */
  readonly seed?: number;
  /** Independent initialisations; the best final log-likelihood wins (default 1). */
  readonly restarts?: number;
  /** Added to the data covariance diagonal at initialisation (hmmlearn min_covar, default 1e-3). */
  readonly minCovar?: number;
  /**
   * Initial self-transition probability A_ii for k-means starts (e.g. 0.95 for persistent regimes);
   * default null = uniform transitions as hmmlearn.
   */
  readonly initSelfTransition?: number | null;
  /**
   * How k-means starts are built: 'kmeans' clusters single bars (hmmlearn); 'blocks' clusters blocks
   * of `initBlockBars` bars by mean and volatility (initBlocks.ts), better for regimes. Default 'kmeans'.
   */
  readonly initMethod?: 'kmeans' | 'blocks';
  readonly initBlockBars?: number;
  readonly priors?: Partial<MstepPriors>;
  /** Explicit initial parameters: EM starts from them (no k-means, one run). */
  readonly init?: HmmParams;
  readonly onIteration?: (it: EmIteration) => void;
}

/** Result of `fit`: history of the kept run and its convergence. */
export interface FitReport {
  readonly history: number[];
  readonly converged: boolean;
  readonly iterations: number;
  /** Index of the kept restart. */
  readonly restart: number;
  /** Log-likelihood of the training data under the final parameters. */
  readonly logProb: number;
}

/** Most likely state path. */
export interface Decoded {
  readonly logProb: number;
  readonly path: Int32Array;
}

/**
 * A Gaussian HMM. Call `fit` or build with `GaussianHmm.fromParams`.
 * @example
 * const hmm = new GaussianHmm({ nStates: 5, nFeatures: 3, covariance: 'diag', seed: 42, restarts: 3 });
 * const report = hmm.fit(X, lengthsPerDay); // X: T x 3 row-major Float64Array
 * const probs = hmm.filtered(X, lengthsPerDay); // T x 5, no look-ahead
 */
export class GaussianHmm {
  readonly nStates: number;
  readonly nFeatures: number;
  readonly covariance: CovarianceType;
  private readonly opts: GaussianHmmOptions;
  private readonly priors: MstepPriors;
  private p: HmmParams | null = null;

  constructor(opts: GaussianHmmOptions) {
    if (!Number.isInteger(opts.nStates) || opts.nStates < 1)
      throw new ModelError('HMM_OPTIONS_INVALID', `nStates is ${opts.nStates} (expected an integer >= 1)`);
    if (!Number.isInteger(opts.nFeatures) || opts.nFeatures < 1)
      throw new ModelError('HMM_OPTIONS_INVALID', `nFeatures is ${opts.nFeatures} (expected an integer >= 1)`);
    this.nStates = opts.nStates;
    this.nFeatures = opts.nFeatures;
    this.covariance = opts.covariance ?? 'diag';
    this.opts = opts;
    this.priors = { ...DEFAULT_PRIORS, ...opts.priors };
    if (opts.init) {
      this.checkShape(opts.init, 'init');
      validateParams(opts.init, 'init');
    }
  }

  /** A model with fixed parameters (validated, copied). */
  static fromParams(params: HmmParams): GaussianHmm {
    validateParams(params);
    const m = new GaussianHmm({ nStates: params.nStates, nFeatures: params.nFeatures, covariance: params.covariance });
    m.p = cloneParams(params);
    return m;
  }

  /** Current parameters (throws ModelError before fit). */
  get params(): HmmParams {
    if (!this.p) throw new ModelError('HMM_NOT_FITTED', 'the HMM has no parameters yet (call fit first or use GaussianHmm.fromParams)');
    return this.p;
  }

  private checkShape(p: HmmParams, where: string): void {
    if (p.nStates !== this.nStates || p.nFeatures !== this.nFeatures || p.covariance !== this.covariance) {
      throw new ModelError(
        'HMM_PARAMS_INVALID',
        `${where}: shape K=${p.nStates} D=${p.nFeatures} ${p.covariance} (expected K=${this.nStates} D=${this.nFeatures} ${this.covariance})`,
      );
    }
  }

  /**
   * Fits by Baum-Welch. X is T x D row-major; `lengths` cuts it into independent sequences (e.g. one
   * per trading day). With `init` EM runs once from it; otherwise `restarts` k-means++ starts
   * (seeds seed, seed+1, ...) and the best final log-likelihood is kept.
   */
  fit(X: Float64Array, lengths?: ArrayLike<number>): FitReport {
    const lens = checkObservations(X, this.nFeatures, lengths);
    const nIter = this.opts.nIter ?? 100;
    const tol = this.opts.tol === undefined ? 1e-4 : this.opts.tol;
    const restarts = this.opts.init ? 1 : Math.max(1, this.opts.restarts ?? 1);
    const seed = this.opts.seed ?? 42;
    let best: { report: FitReport; params: HmmParams } | null = null;
    for (let r = 0; r < restarts; r++) {
      const init = this.opts.init ?? this.initialParams(X, lens, createRng(seed + r));
      const res = runEm(X, lens, init, { nIter, tol, priors: this.priors, onIteration: this.opts.onIteration, restart: r });
      const logProb = scoreWith(res.params, X, lens);
      if (!best || logProb > best.report.logProb) {
        best = { params: res.params, report: { history: res.history, converged: res.converged, iterations: res.iterations, restart: r, logProb } };
      }
    }
    this.p = best!.params;
    return best!.report;
  }

  private initialParams(X: Float64Array, lens: Int32Array, rng: Rng): HmmParams {
    const minCovar = this.opts.minCovar ?? 1e-3;
    const self = this.opts.initSelfTransition ?? null;
    if (this.opts.initMethod === 'blocks') {
      const p = initFromBlocks(X, lens, this.nFeatures, this.nStates, this.covariance, minCovar, rng, this.opts.initBlockBars ?? 12, self ?? 0.95);
      if (p) return p;
    }
    return initFromData(X, this.nFeatures, this.nStates, this.covariance, minCovar, rng, self);
  }

  /** Total log-likelihood log p(X) = sum over sequences of the forward log-likelihood. */
  score(X: Float64Array, lengths?: ArrayLike<number>): number {
    return scoreWith(this.params, X, checkObservations(X, this.nFeatures, lengths));
  }

  /** Per-bar log-likelihood increments log p(x_t | x_<t) (within each sequence), length T. */
  logLikelihoodPerBar(X: Float64Array, lengths?: ArrayLike<number>): Float64Array {
    const lens = checkObservations(X, this.nFeatures, lengths);
    const out = new Float64Array(X.length / this.nFeatures);
    forwardAll(this.params, X, lens, null, out);
    return out;
  }

  /** Viterbi path and its log-probability (summed over sequences). */
  decode(X: Float64Array, lengths?: ArrayLike<number>): Decoded {
    const p = this.params;
    const lens = checkObservations(X, this.nFeatures, lengths);
    const k = p.nStates;
    const T = X.length / p.nFeatures;
    const logB = new Float64Array(T * k);
    logEmissions(prepareEmissions(p), X, 0, T, logB);
    const logStart = p.startProb.map(Math.log);
    const logA = p.transMat.map(Math.log);
    const path = new Int32Array(T);
    const lattice = new Float64Array(maxOf(lens) * k);
    let logProb = 0;
    let t0 = 0;
    for (const n of lens) {
      logProb += viterbiSequence(p, logB, t0, t0 + n, path, lattice, logStart, logA);
      t0 += n;
    }
    return { logProb, path };
  }

  /** Smoothed P(state_t | whole sequence), T x K row-major (looks ahead: not for live decisions). */
  posteriors(X: Float64Array, lengths?: ArrayLike<number>): Float64Array {
    const p = this.params;
    const lens = checkObservations(X, this.nFeatures, lengths);
    const k = p.nStates;
    const T = X.length / p.nFeatures;
    const logB = new Float64Array(T * k);
    logEmissions(prepareEmissions(p), X, 0, T, logB);
    const alpha = new Float64Array(T * k);
    const gamma = new Float64Array(T * k);
    const w = createFbWork(k, maxOf(lens));
    let t0 = 0;
    for (const n of lens) {
      forwardBackward(p, logB, t0, t0 + n, alpha, gamma, null, null, w, null);
      t0 += n;
    }
    return gamma;
  }

  /** Filtered P(state_t | x_1..x_t) (forward only, restarting per sequence), T x K row-major. */
  filtered(X: Float64Array, lengths?: ArrayLike<number>): Float64Array {
    const lens = checkObservations(X, this.nFeatures, lengths);
    const out = new Float64Array((X.length / this.nFeatures) * this.nStates);
    forwardAll(this.params, X, lens, out, null);
    return out;
  }

  /** A streaming filter over these parameters (see StreamingFilter). */
  createFilter(): StreamingFilter {
    return new StreamingFilter(this.params);
  }

  /** Draws `n` bars from the model with a seeded generator: observations n x D and states. */
  sample(n: number, seed: number): { X: Float64Array; states: Int32Array } {
    return sampleHmm(this.params, n, seed);
  }

  /** AIC = -2 log L + 2p (p free parameters, `countFreeParameters`). */
  aic(X: Float64Array, lengths?: ArrayLike<number>): number {
    return -2 * this.score(X, lengths) + 2 * countFreeParameters(this.nStates, this.nFeatures, this.covariance);
  }

  /** BIC = -2 log L + p ln T. */
  bic(X: Float64Array, lengths?: ArrayLike<number>): number {
    const T = X.length / this.nFeatures;
    return -2 * this.score(X, lengths) + countFreeParameters(this.nStates, this.nFeatures, this.covariance) * Math.log(T);
  }
}

function maxOf(a: Int32Array): number {
  let m = 1;
  for (const v of a) m = Math.max(m, v);
  return m;
}

/** Forward pass over all sequences: filtered rows into `alpha`, per-bar increments into `logC`. */
function forwardAll(p: HmmParams, X: Float64Array, lens: Int32Array, alpha: Float64Array | null, logC: Float64Array | null): number {
  const k = p.nStates;
  const T = X.length / p.nFeatures;
  const logB = new Float64Array(T * k);
  logEmissions(prepareEmissions(p), X, 0, T, logB);
  const a = alpha ?? new Float64Array(T * k);
  const w = createFbWork(k, maxOf(lens));
  let total = 0;
  let t0 = 0;
  for (const n of lens) {
    let ll = forwardScaled(p, logB, t0, t0 + n, a, logC, w);
    if (Number.isNaN(ll)) ll = forwardLog(p, logB, t0, t0 + n, a, logC, w);
    total += ll;
    t0 += n;
  }
  return total;
}

function scoreWith(p: HmmParams, X: Float64Array, lens: Int32Array): number {
  return forwardAll(p, X, lens, null, null);
}

/** Draws a categorical index from probabilities at `a[off..off+k)`. */
function draw(a: Float64Array, off: number, k: number, u: number): number {
  let c = 0;
  for (let j = 0; j < k - 1; j++) {
    c += a[off + j];
    if (u < c) return j;
  }
  return k - 1;
}

/** Samples a state path and Gaussian observations (x = mu + L z, Sigma = L L^T). */
export function sampleHmm(p: HmmParams, n: number, seed: number): { X: Float64Array; states: Int32Array } {
  const rng = createRng(seed);
  const k = p.nStates;
  const d = p.nFeatures;
  const X = new Float64Array(n * d);
  const states = new Int32Array(n);
  const chol = new Float64Array(k * d * d);
  for (let s = 0; s < k; s++) {
    for (let a = 0; a < d; a++) {
      if (p.covariance === 'diag') chol[s * d * d + a * d + a] = Math.sqrt(p.covars[s * d + a]);
    }
  }
  if (p.covariance === 'full') {
    const l = new Float64Array(d * d);
    for (let s = 0; s < k; s++) {
      if (!choleskyInto(p.covars, s * d * d, d, 0, l))
        throw new ModelError('HMM_SINGULAR_COVARIANCE', `covariance of state ${s} is not positive definite`);
      chol.set(l, s * d * d);
    }
  }
  const z = new Float64Array(d);
  let s = draw(p.startProb, 0, k, rng.next());
  for (let t = 0; t < n; t++) {
    if (t > 0) s = draw(p.transMat, s * k, k, rng.next());
    states[t] = s;
    for (let a = 0; a < d; a++) z[a] = rng.normal();
    for (let a = 0; a < d; a++) {
      let v = p.means[s * d + a];
      for (let b = 0; b <= a; b++) v += chol[s * d * d + a * d + b] * z[b];
      X[t * d + a] = v;
    }
  }
  return { X, states };
}
