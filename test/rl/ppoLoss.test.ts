// Tests of the PPO loss: gradients w.r.t. logits and values against finite differences, clipping cases, advantage normalisation.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/domain/random.ts';
import { maskedLogSoftmax } from '../../src/rl/distributions.ts';
import { explainedVariance, normalizeAdvantages, ppoLoss, type PpoLossCoefficients, type PpoLossInput } from '../../src/rl/ppoLoss.ts';

const B = 12;
const A = 4;

/** A minibatch whose old policy is a perturbation of the current one, so ratios fall inside and outside [0.8, 1.2]. */
function randomBatch(seed: number): PpoLossInput {
  const rng = createRng(seed);
  const logits = Float64Array.from({ length: B * A }, () => rng.normal());
  const masks = new Uint8Array(B * A).fill(1);
  const actions = new Int32Array(B);
  const oldLogProbs = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    masks[b * A + ((b + 1) % A)] = b % 3 === 0 ? 0 : 1;
    let a = rng.int(A);
    while (masks[b * A + a] === 0) a = rng.int(A);
    actions[b] = a;
    const lp = maskedLogSoftmax(logits.subarray(b * A, (b + 1) * A), masks.subarray(b * A, (b + 1) * A));
    oldLogProbs[b] = lp[a]! + 0.4 * rng.normal();
  }
  const values = Float64Array.from({ length: B }, () => rng.normal());
  const oldValues = Float64Array.from(values, (v) => v + 0.3 * rng.normal());
  const advantages = Float64Array.from({ length: B }, () => rng.normal());
  const returns = Float64Array.from({ length: B }, () => rng.normal());
  return { batch: B, nActions: A, logits, values, masks, actions, oldLogProbs, oldValues, advantages, returns };
}

function lossOf(x: PpoLossInput, c: PpoLossCoefficients): number {
  return ppoLoss(x, c, new Float64Array(B * A), new Float64Array(B)).loss;
}

describe('ppoLoss', () => {
  for (const clipRangeVf of [null, 0.2]) {
    it(`has logit and value gradients equal to central finite differences (clipRangeVf ${clipRangeVf})`, () => {
      const c: PpoLossCoefficients = { clipRange: 0.2, clipRangeVf, entCoef: 0.05, vfCoef: 0.5 };
      const x = randomBatch(clipRangeVf === null ? 1 : 2);
      const dLogits = new Float64Array(B * A);
      const dValues = new Float64Array(B);
      const terms = ppoLoss(x, c, dLogits, dValues);
      expect(terms.clipFraction).toBeGreaterThan(0); // some ratios are clipped, so both branches are checked
      expect(terms.clipFraction).toBeLessThan(1);
      const h = 1e-6;
      for (let k = 0; k < B * A; k++) {
        const up = x.logits.slice();
        const down = x.logits.slice();
        up[k] += h;
        down[k] -= h;
        const numeric = (lossOf({ ...x, logits: up }, c) - lossOf({ ...x, logits: down }, c)) / (2 * h);
        expect(dLogits[k]).toBeCloseTo(numeric, 7);
        if (x.masks![k] === 0) expect(dLogits[k]).toBe(0);
      }
      for (let b = 0; b < B; b++) {
        const up = x.values.slice();
        const down = x.values.slice();
        up[b] += h;
        down[b] -= h;
        const numeric = (lossOf({ ...x, values: up }, c) - lossOf({ ...x, values: down }, c)) / (2 * h);
        expect(dValues[b]).toBeCloseTo(numeric, 7);
      }
    });
  }

  it('reduces to −mean(Â), zero KL and zero clip fraction when the policy has not moved', () => {
    const x = randomBatch(3);
    const oldLogProbs = new Float64Array(B);
    for (let b = 0; b < B; b++)
      oldLogProbs[b] = maskedLogSoftmax(x.logits.subarray(b * A, (b + 1) * A), x.masks!.subarray(b * A, (b + 1) * A))[x.actions[b]!]!;
    const c = { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0.5 };
    const t = ppoLoss({ ...x, oldLogProbs }, c, new Float64Array(B * A), new Float64Array(B));
    const meanAdv = x.advantages.reduce((s, v) => s + v, 0) / B;
    const mse = x.values.reduce((s, v, b) => s + (x.returns[b]! - v) ** 2, 0) / B;
    expect(t.policyLoss).toBeCloseTo(-meanAdv, 14);
    expect(t.valueLoss).toBeCloseTo(mse, 14);
    expect(t.loss).toBeCloseTo(-meanAdv + 0.5 * mse, 14);
    expect(t.approxKl).toBeCloseTo(0, 14);
    expect(t.clipFraction).toBe(0);
  });

  it('stops the policy gradient of a sample whose ratio is clipped in the direction of its advantage', () => {
    // one sample, Â > 0, ratio e^0.5 ≈ 1.65 > 1.2: the clipped term is the minimum, so no gradient through log π
    const x: PpoLossInput = {
      batch: 1,
      nActions: 2,
      logits: Float64Array.of(0, 0),
      values: Float64Array.of(0),
      masks: null,
      actions: Int32Array.of(0),
      oldLogProbs: Float64Array.of(Math.log(0.5) - 0.5),
      oldValues: Float64Array.of(0),
      advantages: Float64Array.of(1),
      returns: Float64Array.of(0),
    };
    const dLogits = new Float64Array(2);
    const t = ppoLoss(x, { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0.5 }, dLogits, new Float64Array(1));
    expect(t.policyLoss).toBeCloseTo(-1.2, 14);
    expect(t.clipFraction).toBe(1);
    expect(Array.from(dLogits)).toEqual([0, 0]);
    // with Â < 0 the unclipped term r·Â is the minimum and keeps its gradient
    ppoLoss({ ...x, advantages: Float64Array.of(-1) }, { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0.5 }, dLogits, new Float64Array(1));
    expect(dLogits[0]).toBeCloseTo(Math.exp(0.5) * 0.5, 14); // −Â·r·(1 − π_0)
  });
});

describe('normalizeAdvantages', () => {
  it('gives mean 0 and sample standard deviation 1 (torch std), and leaves a single sample alone', () => {
    const a = Float64Array.of(1, 2, 3, 10);
    normalizeAdvantages(a, 4);
    const mean = a.reduce((s, v) => s + v, 0) / 4;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
    expect(mean).toBeCloseTo(0, 14);
    expect(sd).toBeCloseTo(1, 7);
    const one = Float64Array.of(5);
    normalizeAdvantages(one, 1);
    expect(one[0]).toBe(5);
  });
});

describe('explainedVariance', () => {
  it('is 1 for a perfect fit, 0 for predicting the mean, NaN for constant targets', () => {
    const y = Float64Array.of(1, 2, 3, 6);
    expect(explainedVariance(y, y)).toBe(1);
    expect(explainedVariance(new Float64Array(4).fill(3), y)).toBe(0);
    expect(explainedVariance(y, Float64Array.of(2, 2, 2, 2))).toBeNaN();
  });
});
