// PPO minibatch loss (clipped surrogate, value loss, entropy bonus) and its gradients w.r.t. the logits and values.

import { categoricalEntropy, entropyGradient, logProbGradient, maskedLogSoftmax } from './distributions.ts';

/** Loss coefficients (SB3 PPO names: clip_range, clip_range_vf, ent_coef, vf_coef). */
export interface PpoLossCoefficients {
  readonly clipRange: number;
  /** null = unclipped value loss (SB3 default clip_range_vf=None). */
  readonly clipRangeVf: number | null;
  readonly entCoef: number;
  readonly vfCoef: number;
}

/** One minibatch: logits (B × A) and values (B) from the current networks, the rest recorded at rollout time. */
export interface PpoLossInput {
  readonly batch: number;
  readonly nActions: number;
  readonly logits: Float64Array;
  readonly values: Float64Array;
  /** (B × A), 1 = allowed; null = all allowed. */
  readonly masks: Uint8Array | null;
  readonly actions: Int32Array;
  readonly oldLogProbs: Float64Array;
  readonly oldValues: Float64Array;
  /** Â_b, already normalised if the caller normalises. */
  readonly advantages: Float64Array;
  readonly returns: Float64Array;
}

/** Loss terms and diagnostics of one minibatch. */
export interface PpoLossTerms {
  /** policyLoss − entCoef·entropy + vfCoef·valueLoss. */
  readonly loss: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  /** Mean entropy of the current policy over the minibatch. */
  readonly entropy: number;
  /** mean((r − 1) − log r), the low-variance KL(old‖new) estimator SB3 logs (Schulman, "Approximating KL divergence", 2020). */
  readonly approxKl: number;
  /** Fraction of samples with |r − 1| > clipRange. */
  readonly clipFraction: number;
}

/**
 * PPO-Clip loss (Schulman et al. 2017, eq. 7 and 9), as SB3 PPO.train computes it, with r_b = exp(log π(a_b|s_b) − log π_old):
 *   L_π = −(1/B) Σ_b min(r_b Â_b, clip(r_b, 1−ε, 1+ε) Â_b)
 *   L_V = (1/B) Σ_b (R_b − V̂_b)²,  V̂_b = V_b, or V_old,b + clip(V_b − V_old,b, −ε_V, ε_V) when clipRangeVf is set
 *   L = L_π − c_ent·(1/B) Σ_b H_b + c_V·L_V.
 * Gradients (written into dLogits, B × A, and dValues, B): ∂L/∂log π_b = −Â_b r_b / B where the unclipped term is the
 * minimum (else 0), pushed through ∂log π_a/∂z = onehot(a) − π; the entropy term adds −c_ent/B · ∂H/∂z; ∂L/∂V_b =
 * 2 c_V (V̂_b − R_b)/B where V̂ is not clipped (else 0).
 */
export function ppoLoss(x: PpoLossInput, c: PpoLossCoefficients, dLogits: Float64Array, dValues: Float64Array): PpoLossTerms {
  const { batch: B, nActions: A } = x;
  const logp = new Float64Array(A);
  const gLogp = new Float64Array(A);
  const gEnt = new Float64Array(A);
  let policySum = 0;
  let valueSum = 0;
  let entropySum = 0;
  let klSum = 0;
  let clipped = 0;
  for (let b = 0; b < B; b++) {
    maskedLogSoftmax(x.logits.subarray(b * A, (b + 1) * A), x.masks ? x.masks.subarray(b * A, (b + 1) * A) : null, logp);
    const a = x.actions[b]!;
    const logRatio = logp[a]! - x.oldLogProbs[b]!;
    const ratio = Math.exp(logRatio);
    const adv = x.advantages[b]!;
    const unclippedTerm = ratio * adv;
    const clippedTerm = Math.min(Math.max(ratio, 1 - c.clipRange), 1 + c.clipRange) * adv;
    policySum += Math.min(unclippedTerm, clippedTerm);
    klSum += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > c.clipRange) clipped += 1;
    const h = categoricalEntropy(logp);
    entropySum += h;
    const dLogp = unclippedTerm <= clippedTerm ? (-adv * ratio) / B : 0;
    logProbGradient(logp, a, gLogp);
    entropyGradient(logp, h, gEnt);
    for (let k = 0; k < A; k++) dLogits[b * A + k] = logp[k] === -Infinity ? 0 : dLogp * gLogp[k]! - (c.entCoef / B) * gEnt[k]!;

    const v = x.values[b]!;
    let vPred = v;
    let vGrad = 1;
    if (c.clipRangeVf !== null) {
      const dv = v - x.oldValues[b]!;
      if (dv > c.clipRangeVf || dv < -c.clipRangeVf) {
        vPred = x.oldValues[b]! + Math.sign(dv) * c.clipRangeVf;
        vGrad = 0;
      }
    }
    const err = vPred - x.returns[b]!;
    valueSum += err * err;
    dValues[b] = (2 * c.vfCoef * err * vGrad) / B;
  }
  const policyLoss = -policySum / B;
  const valueLoss = valueSum / B;
  const entropy = entropySum / B;
  return {
    loss: policyLoss - c.entCoef * entropy + c.vfCoef * valueLoss,
    policyLoss,
    valueLoss,
    entropy,
    approxKl: klSum / B,
    clipFraction: clipped / B,
  };
}

/**
 * Per-minibatch advantage normalisation (SB3 `normalize_advantage`): Â ← (Â − mean) / (std + 1e-8), std with Bessel's
 * correction as torch.Tensor.std; in place on the first n entries. SB3 skips it for a minibatch of one (n = 1).
 */
export function normalizeAdvantages(adv: Float64Array, n: number): void {
  if (n < 2) return;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += adv[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (adv[i]! - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  for (let i = 0; i < n; i++) adv[i] = (adv[i]! - mean) / (std + 1e-8);
}

/** Explained variance 1 − Var[y − ŷ] / Var[y] (population variances, SB3 `explained_variance`); NaN when Var[y] = 0. */
export function explainedVariance(predicted: Float64Array, actual: Float64Array): number {
  const n = actual.length;
  let my = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    my += actual[i]!;
    md += actual[i]! - predicted[i]!;
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vy += (actual[i]! - my) ** 2;
    vd += (actual[i]! - predicted[i]! - md) ** 2;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
}
