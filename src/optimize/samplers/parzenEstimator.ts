// Parzen estimators of TPE: a truncated-Gaussian mixture with adaptive bandwidths on a numeric axis, and a
// smoothed histogram over categories.

import type { Rng } from '../../domain/index.ts';
import { normalCdf, normalPdf, normalQuantile } from '../normal.ts';

/** Mixture of Gaussians truncated to [lo, hi]: weights w_k, centres μ_k, bandwidths σ_k, truncation masses Z_k. */
export interface ParzenMixture {
  readonly lo: number;
  readonly hi: number;
  readonly weights: Float64Array;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly masses: Float64Array;
}

/**
 * Fits the adaptive Parzen estimator of Bergstra et al. 2011 (hyperopt `adaptive_parzen_normal`): one Gaussian
 * per observation plus a prior N((lo+hi)/2, (hi-lo)) of weight `priorWeight`. With the centres sorted, each
 * σ_k = max(μ_k - μ_{k-1}, μ_{k+1} - μ_k), clipped to [(hi-lo)/min(100, n+1), hi-lo], so bandwidths shrink
 * where observations crowd. Observation weights are uniform (hyperopt's linear forgetting is left out).
 * Source: J. Bergstra, R. Bardenet, Y. Bengio, B. Kégl, "Algorithms for Hyper-Parameter Optimization", NIPS 2011, §4.
 */
export function fitParzenMixture(observations: readonly number[], lo: number, hi: number, priorWeight: number): ParzenMixture {
  const priorMu = (lo + hi) / 2;
  const priorSigma = hi - lo;
  const points = [...observations.map((mu) => ({ mu, w: 1, prior: false })), { mu: priorMu, w: priorWeight, prior: true }];
  points.sort((a, b) => a.mu - b.mu || Number(a.prior) - Number(b.prior));
  const n = points.length;
  const minSigma = priorSigma / Math.min(100, n);
  const weights = new Float64Array(n);
  const mus = new Float64Array(n);
  const sigmas = new Float64Array(n);
  const masses = new Float64Array(n);
  let wSum = 0;
  for (let k = 0; k < n; k++) wSum += points[k]!.w;
  for (let k = 0; k < n; k++) {
    const p = points[k]!;
    const left = k > 0 ? p.mu - points[k - 1]!.mu : 0;
    const right = k < n - 1 ? points[k + 1]!.mu - p.mu : 0;
    const sigma = p.prior ? priorSigma : Math.min(priorSigma, Math.max(minSigma, left, right));
    weights[k] = p.w / wSum;
    mus[k] = p.mu;
    sigmas[k] = sigma;
    masses[k] = Math.max(1e-300, normalCdf((hi - p.mu) / sigma) - normalCdf((lo - p.mu) / sigma));
  }
  return { lo, hi, weights, mus, sigmas, masses };
}

/** log density at u: log Σ_k w_k φ((u-μ_k)/σ_k) / (σ_k Z_k). */
export function mixtureLogDensity(m: ParzenMixture, u: number): number {
  let p = 0;
  for (let k = 0; k < m.mus.length; k++) p += (m.weights[k]! * normalPdf((u - m.mus[k]!) / m.sigmas[k]!)) / (m.sigmas[k]! * m.masses[k]!);
  return Math.log(Math.max(p, 1e-300));
}

/** log probability of the interval [a, b]: log Σ_k w_k (Φ((b-μ_k)/σ_k) - Φ((a-μ_k)/σ_k)) / Z_k (discrete values). */
export function mixtureLogMass(m: ParzenMixture, a: number, b: number): number {
  const lo = Math.max(a, m.lo);
  const hi = Math.min(b, m.hi);
  let p = 0;
  for (let k = 0; k < m.mus.length; k++) {
    const s = m.sigmas[k]!;
    p += (m.weights[k]! * (normalCdf((hi - m.mus[k]!) / s) - normalCdf((lo - m.mus[k]!) / s))) / m.masses[k]!;
  }
  return Math.log(Math.max(p, 1e-300));
}

/** Draws u: a component by weight, then inverse-CDF sampling of its Gaussian truncated to [lo, hi]. */
export function sampleMixture(m: ParzenMixture, rng: Rng): number {
  let r = rng.next();
  let k = 0;
  while (k < m.weights.length - 1 && r >= m.weights[k]!) r -= m.weights[k++]!;
  const mu = m.mus[k]!;
  const s = m.sigmas[k]!;
  const a = normalCdf((m.lo - mu) / s);
  const b = normalCdf((m.hi - mu) / s);
  const u = mu + s * normalQuantile(a + rng.next() * (b - a));
  return Math.min(m.hi, Math.max(m.lo, Number.isFinite(u) ? u : mu));
}

/** Categorical estimator p(c) = (priorWeight + count_c) / (K·priorWeight + n): observed counts with a flat prior. */
export function fitCategorical(observedIndices: readonly number[], k: number, priorWeight: number): Float64Array {
  const p = new Float64Array(k).fill(priorWeight);
  for (const i of observedIndices) p[i]! += 1;
  const total = k * priorWeight + observedIndices.length;
  for (let i = 0; i < k; i++) p[i] = p[i]! / total;
  return p;
}

/** Draws a category index from probabilities p. */
export function sampleCategorical(p: Float64Array, rng: Rng): number {
  let r = rng.next();
  for (let i = 0; i < p.length - 1; i++) {
    if (r < p[i]!) return i;
    r -= p[i]!;
  }
  return p.length - 1;
}
