// Running mean/variance observation normaliser (SB3 VecNormalize observation part) whose statistics can be frozen.

/** Serialisable normaliser state: per-feature mean and population variance, pseudo-count, and the normalisation constants. */
export interface NormalizerStats {
  readonly mean: readonly number[];
  readonly var: readonly number[];
  readonly count: number;
  /** Normalised values are clipped to [−clip, clip]. */
  readonly clip: number;
  /** Added to the variance under the square root. */
  readonly epsilon: number;
  readonly frozen: boolean;
}

/** SB3 VecNormalize defaults: clip_obs 10, epsilon 1e-8, RunningMeanStd initial count 1e-4 (mean 0, var 1). */
export const NORMALIZER_DEFAULTS = { clip: 10, epsilon: 1e-8, initialCount: 1e-4 } as const;

/**
 * Per-feature running moments of batches x (B × D), merged by Chan, Golub, LeVeque (1979) as SB3 RunningMeanStd does:
 *   δ = x̄_B − μ, n' = n + B, μ' = μ + δ·B/n', σ²' = (σ²·n + s²_B·B + δ²·n·B/n') / n'  (s²_B population variance).
 * normalize(x) = clip((x − μ) / √(σ² + ε), −c, c). After `freeze()`, `update` is a no-op (stats fitted on the training window only).
 */
export class ObservationNormalizer {
  readonly size: number;
  readonly clip: number;
  readonly epsilon: number;
  private readonly mean: Float64Array;
  private readonly var: Float64Array;
  private count: number;
  private isFrozen = false;

  constructor(size: number, options: { clip?: number; epsilon?: number; initialCount?: number } = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`normalizer size must be an integer >= 1 (got ${size})`);
    this.size = size;
    this.clip = options.clip ?? NORMALIZER_DEFAULTS.clip;
    this.epsilon = options.epsilon ?? NORMALIZER_DEFAULTS.epsilon;
    this.count = options.initialCount ?? NORMALIZER_DEFAULTS.initialCount;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
  }

  /** Rebuilds a normaliser from saved stats (frozen or not, as saved). */
  static fromStats(stats: NormalizerStats): ObservationNormalizer {
    const n = new ObservationNormalizer(stats.mean.length, { clip: stats.clip, epsilon: stats.epsilon, initialCount: stats.count });
    n.mean.set(stats.mean);
    n.var.set(stats.var);
    n.isFrozen = stats.frozen;
    return n;
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Stops further updates; normalisation keeps using the current statistics. */
  freeze(): void {
    this.isFrozen = true;
  }

  /** Merges the batch x (B × D, row-major) into the running moments, unless frozen. */
  update(x: Float64Array, batch: number): void {
    if (this.isFrozen) return;
    const d = this.size;
    if (x.length < batch * d) throw new RangeError(`normalizer update: ${x.length} values (expected ${batch} × ${d})`);
    const n = this.count;
    const total = n + batch;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let b = 0; b < batch; b++) s += x[b * d + j]!;
      const batchMean = s / batch;
      let ss = 0;
      for (let b = 0; b < batch; b++) ss += (x[b * d + j]! - batchMean) ** 2;
      const batchVar = ss / batch;
      const delta = batchMean - this.mean[j]!;
      this.mean[j] = this.mean[j]! + (delta * batch) / total;
      this.var[j] = (this.var[j]! * n + batchVar * batch + (delta * delta * n * batch) / total) / total;
    }
    this.count = total;
  }

  /** Writes normalize(x) for a batch (B × D) into `out` (default a new array). */
  normalize(x: Float64Array, batch: number, out: Float64Array = new Float64Array(batch * this.size)): Float64Array {
    const d = this.size;
    for (let j = 0; j < d; j++) {
      const mu = this.mean[j]!;
      const sd = Math.sqrt(this.var[j]! + this.epsilon);
      for (let b = 0; b < batch; b++) {
        const z = (x[b * d + j]! - mu) / sd;
        out[b * d + j] = z > this.clip ? this.clip : z < -this.clip ? -this.clip : z;
      }
    }
    return out;
  }

  stats(): NormalizerStats {
    return {
      mean: Array.from(this.mean),
      var: Array.from(this.var),
      count: this.count,
      clip: this.clip,
      epsilon: this.epsilon,
      frozen: this.isFrozen,
    };
  }
}
