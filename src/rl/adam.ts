// Adam optimizer (PyTorch torch.optim.Adam update, bias-corrected) over one flat parameter vector.

/** Adam hyperparameters; defaults are PyTorch's (lr 1e-3, betas 0.9/0.999, eps 1e-8). PPO passes SB3's eps 1e-5. */
export interface AdamOptions {
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** Adam's state, for checkpoints: step count t and the moment vectors m, v (same length as the parameters). */
export interface AdamState {
  readonly step: number;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) in PyTorch's arrangement (torch/optim/adam.py, single-tensor path):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
 * ε is added to the bias-corrected √v̂ (Algorithm 1 and PyTorch), not to the uncorrected √v (the paper's ε̂ rewrite, as
 * TensorFlow does); the two differ noticeably in the first steps when ε is not tiny.
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(size: number, options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    if (!(this.learningRate >= 0)) throw new RangeError(`Adam learningRate must be >= 0 (got ${this.learningRate})`);
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new RangeError(`Adam betas must be in [0, 1) (got ${this.beta1}, ${this.beta2})`);
    }
    if (!(this.eps > 0)) throw new RangeError(`Adam eps must be > 0 (got ${this.eps})`);
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Updates `params` in place from `grads` (both of the constructor's size). */
  step(params: Float64Array, grads: Float64Array): void {
    if (params.length !== this.m.length || grads.length !== this.m.length) {
      throw new RangeError(`Adam was built for ${this.m.length} parameters (got ${params.length} params, ${grads.length} grads)`);
    }
    this.t += 1;
    const { beta1: b1, beta2: b2, eps, m, v } = this;
    const stepSize = this.learningRate / (1 - b1 ** this.t);
    const sqrtBias2 = Math.sqrt(1 - b2 ** this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]!;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + eps);
    }
  }

  /** A copy of the optimizer state. */
  state(): AdamState {
    return { step: this.t, m: this.m.slice(), v: this.v.slice() };
  }
}

/**
 * Global gradient-norm clipping (torch.nn.utils.clip_grad_norm_): ‖g‖₂ over the whole vector; when it exceeds
 * maxNorm, g ← g · maxNorm / (‖g‖₂ + 1e-6). Returns the norm before clipping.
 */
export function clipGradNorm(grads: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let i = 0; i < grads.length; i++) sq += grads[i]! * grads[i]!;
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (let i = 0; i < grads.length; i++) grads[i] *= coef;
  return norm;
}
