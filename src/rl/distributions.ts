// Categorical distribution over logits with action masking: log-probabilities, entropy, sampling and their logit gradients.

import type { Rng } from '../domain/index.ts';

/**
 * Masked log-softmax of one row of n logits z: log π_k = z_k − log Σ_{j: mask_j=1} exp z_j for allowed k, −∞ for masked k,
 * so masked actions have probability exactly exp(−∞) = 0 (sb3-contrib MaskableCategorical, with −∞ instead of −1e8).
 * `mask` (length n, 1 = allowed, 0 = masked) may be null (all allowed). Shapes: logits (n), out (n).
 */
export function maskedLogSoftmax(logits: Float64Array, mask: Uint8Array | null, out: Float64Array = new Float64Array(logits.length)): Float64Array {
  const n = logits.length;
  if (mask !== null && mask.length !== n) throw new RangeError(`action mask has ${mask.length} entries (expected ${n})`);
  let max = -Infinity;
  for (let k = 0; k < n; k++) if ((mask === null || mask[k] !== 0) && logits[k]! > max) max = logits[k]!;
  if (max === -Infinity) throw new RangeError('action mask allows no action (at least one entry must be 1)');
  let sum = 0;
  for (let k = 0; k < n; k++) if (mask === null || mask[k] !== 0) sum += Math.exp(logits[k]! - max);
  const logZ = max + Math.log(sum);
  for (let k = 0; k < n; k++) out[k] = mask === null || mask[k] !== 0 ? logits[k]! - logZ : -Infinity;
  return out;
}

/** Entropy H = −Σ_k π_k log π_k over the allowed support (masked terms are 0·(−∞) := 0). Shape: logProbs (n). */
export function categoricalEntropy(logProbs: Float64Array): number {
  let h = 0;
  for (let k = 0; k < logProbs.length; k++) {
    const lp = logProbs[k]!;
    if (lp !== -Infinity) h -= Math.exp(lp) * lp;
  }
  return h;
}

/** Draws k with probability π_k by inversion of one uniform from `rng`; never returns an action of probability 0. */
export function sampleCategorical(logProbs: Float64Array, rng: Rng): number {
  const u = rng.next();
  let cum = 0;
  let lastAllowed = -1;
  for (let k = 0; k < logProbs.length; k++) {
    const lp = logProbs[k]!;
    if (lp === -Infinity) continue;
    cum += Math.exp(lp);
    lastAllowed = k;
    if (u < cum) return k;
  }
  if (lastAllowed < 0) throw new RangeError('categorical has no action of positive probability');
  return lastAllowed; // Σ π_k rounded below u: the remaining mass belongs to the last allowed action.
}

/** The most probable allowed action (lowest index on ties): the deterministic policy action. */
export function argmaxCategorical(logProbs: Float64Array): number {
  let best = -1;
  let bestLp = -Infinity;
  for (let k = 0; k < logProbs.length; k++) {
    if (logProbs[k]! > bestLp) {
      bestLp = logProbs[k]!;
      best = k;
    }
  }
  if (best < 0) throw new RangeError('categorical has no action of positive probability');
  return best;
}

/** ∂ log π_a / ∂z_k = 1[k = a] − π_k for allowed k, 0 for masked k (their logits do not enter the softmax). Shape: out (n). */
export function logProbGradient(logProbs: Float64Array, action: number, out: Float64Array = new Float64Array(logProbs.length)): Float64Array {
  for (let k = 0; k < logProbs.length; k++) out[k] = logProbs[k] === -Infinity ? 0 : (k === action ? 1 : 0) - Math.exp(logProbs[k]!);
  return out;
}

/** ∂H / ∂z_k = −π_k (log π_k + H) for allowed k, 0 for masked k. `entropy` is categoricalEntropy(logProbs). Shape: out (n). */
export function entropyGradient(logProbs: Float64Array, entropy: number, out: Float64Array = new Float64Array(logProbs.length)): Float64Array {
  for (let k = 0; k < logProbs.length; k++) {
    const lp = logProbs[k]!;
    out[k] = lp === -Infinity ? 0 : -Math.exp(lp) * (lp + entropy);
  }
  return out;
}
