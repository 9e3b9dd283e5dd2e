// Fixed-size on-policy rollout storage (T steps × N envs, time-major), GAE on it, and seeded shuffled minibatches.

import type { Rng } from '../domain/index.ts';
import { computeGae } from './gae.ts';

/** One vector step as the collector records it; arrays have N rows (obs N × D, masks N × A or null = all allowed). */
export interface RolloutStep {
  readonly obs: Float64Array;
  readonly masks: Uint8Array | null;
  readonly actions: Int32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** V(final observation) where truncated, else ignored. */
  readonly truncationValues: Float64Array;
  readonly values: Float64Array;
  readonly logProbs: Float64Array;
}

/** A gathered minibatch (first `size` rows valid): obs (B × D), masks (B × A), the rest (B). */
export interface Minibatch {
  size: number;
  readonly obs: Float64Array;
  readonly masks: Uint8Array;
  readonly actions: Int32Array;
  readonly oldLogProbs: Float64Array;
  readonly oldValues: Float64Array;
  readonly advantages: Float64Array;
  readonly returns: Float64Array;
}

/** Storage for T × N transitions; entry t·N + e is step t of env e. Masks default to all-allowed rows. */
export class RolloutBuffer {
  readonly obs: Float64Array;
  readonly masks: Uint8Array;
  readonly actions: Int32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly truncationValues: Float64Array;
  readonly values: Float64Array;
  readonly logProbs: Float64Array;
  readonly advantages: Float64Array;
  readonly returns: Float64Array;
  private filled = 0;

  constructor(
    readonly nSteps: number,
    readonly nEnvs: number,
    readonly obsSize: number,
    readonly nActions: number,
  ) {
    const size = nSteps * nEnvs;
    this.obs = new Float64Array(size * obsSize);
    this.masks = new Uint8Array(size * nActions);
    this.actions = new Int32Array(size);
    this.rewards = new Float64Array(size);
    this.terminated = new Uint8Array(size);
    this.truncated = new Uint8Array(size);
    this.truncationValues = new Float64Array(size);
    this.values = new Float64Array(size);
    this.logProbs = new Float64Array(size);
    this.advantages = new Float64Array(size);
    this.returns = new Float64Array(size);
  }

  /** Transitions stored: T·N when full. */
  get size(): number {
    return this.filled * this.nEnvs;
  }

  get full(): boolean {
    return this.filled === this.nSteps;
  }

  reset(): void {
    this.filled = 0;
  }

  add(s: RolloutStep): void {
    if (this.full) throw new RangeError(`rollout buffer is full (${this.nSteps} steps)`);
    const N = this.nEnvs;
    const t = this.filled;
    this.obs.set(s.obs.subarray(0, N * this.obsSize), t * N * this.obsSize);
    if (s.masks) this.masks.set(s.masks.subarray(0, N * this.nActions), t * N * this.nActions);
    else this.masks.fill(1, t * N * this.nActions, (t + 1) * N * this.nActions);
    this.actions.set(s.actions.subarray(0, N), t * N);
    this.rewards.set(s.rewards.subarray(0, N), t * N);
    this.terminated.set(s.terminated.subarray(0, N), t * N);
    this.truncated.set(s.truncated.subarray(0, N), t * N);
    this.truncationValues.set(s.truncationValues.subarray(0, N), t * N);
    this.values.set(s.values.subarray(0, N), t * N);
    this.logProbs.set(s.logProbs.subarray(0, N), t * N);
    this.filled += 1;
  }

  /** Fills advantages and returns by GAE(γ, λ) (see computeGae); `lastValues` (N) are V of the observations after the last step. */
  computeReturnsAndAdvantages(lastValues: Float64Array, gamma: number, lambda: number): void {
    if (!this.full) throw new RangeError(`rollout buffer holds ${this.filled} of ${this.nSteps} steps; GAE needs a full buffer`);
    computeGae(
      {
        nSteps: this.nSteps,
        nEnvs: this.nEnvs,
        rewards: this.rewards,
        values: this.values,
        terminated: this.terminated,
        truncated: this.truncated,
        truncationValues: this.truncationValues,
        lastValues,
        gamma,
        lambda,
      },
      this.advantages,
      this.returns,
    );
  }

  /** A uniformly random permutation of 0..size−1 (Fisher–Yates with `rng`), the epoch's minibatch order. */
  permutation(rng: Rng): Int32Array {
    const p = new Int32Array(this.size);
    for (let i = 0; i < p.length; i++) p[i] = i;
    for (let i = p.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** An empty minibatch of capacity `batchSize` for `gather`. */
  minibatch(batchSize: number): Minibatch {
    return {
      size: 0,
      obs: new Float64Array(batchSize * this.obsSize),
      masks: new Uint8Array(batchSize * this.nActions),
      actions: new Int32Array(batchSize),
      oldLogProbs: new Float64Array(batchSize),
      oldValues: new Float64Array(batchSize),
      advantages: new Float64Array(batchSize),
      returns: new Float64Array(batchSize),
    };
  }

  /** Copies transitions indices[from..to) into `mb` (at most its capacity). */
  gather(indices: Int32Array, from: number, to: number, mb: Minibatch): Minibatch {
    const D = this.obsSize;
    const A = this.nActions;
    const n = to - from;
    if (n > mb.actions.length) throw new RangeError(`minibatch of ${n} exceeds its capacity ${mb.actions.length}`);
    for (let b = 0; b < n; b++) {
      const k = indices[from + b]!;
      mb.obs.set(this.obs.subarray(k * D, (k + 1) * D), b * D);
      mb.masks.set(this.masks.subarray(k * A, (k + 1) * A), b * A);
      mb.actions[b] = this.actions[k]!;
      mb.oldLogProbs[b] = this.logProbs[k]!;
      mb.oldValues[b] = this.values[k]!;
      mb.advantages[b] = this.advantages[k]!;
      mb.returns[b] = this.returns[k]!;
    }
    mb.size = n;
    return mb;
  }
}
