// Streaming forward filter for live use: one observation at a time updates P(state_t | x_1..x_t)
// in O(K^2 + K·D^2) with no allocation, equal to GaussianHmm.filtered on the same sequence.

import { logEmissionRow, prepareEmissions, type EmissionModel } from './emissions.ts';
import { logSumExp } from './forwardBackward.ts';
import type { HmmParams } from './hmmParams.ts';

const UNDERFLOW = 1e-280;

/**
 * Forward filter state. `step(x)` applies alpha_t ∝ (alpha_{t-1} A) ∘ b_t (alpha_1 ∝ pi ∘ b_1) with
 * the same arithmetic (same summation order) as the batch scaled forward pass; `reset()` starts a new sequence (a new
 * session), exactly where training sequences were cut.
 */
export class StreamingFilter {
  readonly nStates: number;
  private readonly p: HmmParams;
  private readonly em: EmissionModel;
  private readonly logB: Float64Array;
  private readonly b: Float64Array;
  private readonly prev: Float64Array;
  private readonly cur: Float64Array;
  private readonly logTmp: Float64Array;
  private started = false;
  private lastLl = Number.NaN;

  constructor(params: HmmParams) {
    this.p = params;
    this.nStates = params.nStates;
    this.em = prepareEmissions(params);
    const k = params.nStates;
    this.logB = new Float64Array(k);
    this.b = new Float64Array(k);
    this.prev = new Float64Array(k);
    this.cur = new Float64Array(k);
    this.logTmp = new Float64Array(k);
  }

  /** Starts a new sequence: the next step uses the start probabilities. */
  reset(): void {
    this.started = false;
    this.lastLl = Number.NaN;
  }

  /** Filtered probabilities after the last step (a live view; copy to keep). */
  get probs(): Float64Array {
    return this.cur;
  }

  /** log p(x_t | x_1..x_{t-1}) of the last step (NaN before the first). */
  get logLikelihood(): number {
    return this.lastLl;
  }

  /** Whether at least one observation has been filtered since the last reset. */
  get isStarted(): boolean {
    return this.started;
  }

  /**
   * Filters one observation `x[off..off+D)`; returns the filtered probabilities (the internal
   * buffer, overwritten by the next step).
   */
  step(x: ArrayLike<number>, off = 0): Float64Array {
    const k = this.nStates;
    const { logB, b, prev, cur } = this;
    const A = this.p.transMat;
    logEmissionRow(this.em, x, off, logB, 0);
    let m = -Infinity;
    for (let j = 0; j < k; j++) if (logB[j] > m) m = logB[j];
    for (let j = 0; j < k; j++) b[j] = Math.exp(logB[j] - m);
    if (this.started) prev.set(cur);
    let c = 0;
    if (!this.started) {
      for (let j = 0; j < k; j++) {
        const a = this.p.startProb[j] * b[j];
        cur[j] = a;
        c += a;
      }
    } else {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += prev[i] * A[i * k + j];
        const a = s * b[j];
        cur[j] = a;
        c += a;
      }
    }
    if (c > UNDERFLOW && Number.isFinite(c)) {
      const inv = 1 / c;
      for (let j = 0; j < k; j++) cur[j] *= inv;
      this.lastLl = Math.log(c) + m;
    } else {
      this.logStep();
    }
    this.started = true;
    return cur;
  }

  /** Log-space step when scaling underflows: log alpha_j = logsumexp_i(log prev_i + log A_ij) + log b_j. */
  private logStep(): void {
    const k = this.nStates;
    const { logB, prev, cur, logTmp } = this;
    const A = this.p.transMat;
    for (let j = 0; j < k; j++) {
      if (!this.started) cur[j] = Math.log(this.p.startProb[j]) + logB[j];
      else {
        for (let i = 0; i < k; i++) logTmp[i] = Math.log(prev[i]) + Math.log(A[i * k + j]);
        cur[j] = logSumExp(logTmp, 0, k) + logB[j];
      }
    }
    const z = logSumExp(cur, 0, k);
    for (let j = 0; j < k; j++) cur[j] = Math.exp(cur[j] - z);
    this.lastLl = z;
  }
}
