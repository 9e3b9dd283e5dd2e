// Tests of the masked categorical: zero probability when masked, entropy, seeded sampling frequencies, logit gradients.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../src/domain/random.ts';
import {
  argmaxCategorical,
  categoricalEntropy,
  entropyGradient,
  logProbGradient,
  maskedLogSoftmax,
  sampleCategorical,
} from '../../src/rl/distributions.ts';

const logitsArb = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 2, maxLength: 8 });

function centralDiff(f: (z: Float64Array) => number, z: Float64Array, k: number, h = 1e-6): number {
  const up = z.slice();
  const down = z.slice();
  up[k] += h;
  down[k] -= h;
  return (f(up) - f(down)) / (2 * h);
}

describe('masked categorical', () => {
  it('gives masked actions probability exactly 0 and the allowed ones a softmax that sums to 1 (property)', () => {
    fc.assert(
      fc.property(logitsArb, fc.integer({ min: 0, max: 255 }), (z, bits) => {
        const n = z.length;
        const mask = Uint8Array.from({ length: n }, (_, k) => (bits >> k) & 1);
        mask[bits % n] = 1; // at least one allowed
        const lp = maskedLogSoftmax(Float64Array.from(z), mask);
        let sum = 0;
        for (let k = 0; k < n; k++) {
          const p = Math.exp(lp[k]!);
          if (mask[k] === 0) expect(p).toBe(0);
          sum += p;
        }
        expect(sum).toBeCloseTo(1, 12);
      }),
    );
  });

  it('equals the softmax over the allowed logits only', () => {
    const lp = maskedLogSoftmax(Float64Array.of(1, 50, 2, 3), Uint8Array.of(1, 0, 1, 1));
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(lp[1]).toBe(-Infinity);
    expect(Math.exp(lp[0]!)).toBeCloseTo(Math.exp(1) / z, 14);
    expect(Math.exp(lp[3]!)).toBeCloseTo(Math.exp(3) / z, 14);
  });

  it('has entropy log(k) for k equal allowed logits and ignores masked ones', () => {
    expect(categoricalEntropy(maskedLogSoftmax(new Float64Array(5), null))).toBeCloseTo(Math.log(5), 14);
    expect(categoricalEntropy(maskedLogSoftmax(Float64Array.of(0, 9, 0, -4), Uint8Array.of(1, 0, 1, 0)))).toBeCloseTo(Math.log(2), 14);
    expect(categoricalEntropy(maskedLogSoftmax(Float64Array.of(0, 9), Uint8Array.of(0, 1)))).toBe(0);
  });

  it('rejects a mask that allows nothing or has the wrong length', () => {
    expect(() => maskedLogSoftmax(Float64Array.of(1, 2), Uint8Array.of(0, 0))).toThrow(/allows no action/);
    expect(() => maskedLogSoftmax(Float64Array.of(1, 2), Uint8Array.of(1))).toThrow(/expected 2/);
  });

  it('samples with the distribution frequencies and never a masked action (seeded)', () => {
    const lp = maskedLogSoftmax(Float64Array.of(0, Math.log(2), 100, Math.log(3)), Uint8Array.of(1, 1, 0, 1));
    const rng = createRng(42);
    const counts = [0, 0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[sampleCategorical(lp, rng)]! += 1;
    expect(counts[2]).toBe(0);
    // p = 1/6, 2/6, 0, 3/6; 4.5 binomial standard deviations
    [1 / 6, 2 / 6, 0, 3 / 6].forEach((p, k) => expect(Math.abs(counts[k]! / n - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-12));
  });

  it('reproduces the same samples from the same seed', () => {
    const lp = maskedLogSoftmax(Float64Array.of(0.1, 0.2, 0.3), null);
    const draw = (seed: number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => sampleCategorical(lp, rng));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('takes the most probable allowed action as the deterministic action', () => {
    expect(argmaxCategorical(maskedLogSoftmax(Float64Array.of(1, 9, 3), Uint8Array.of(1, 0, 1)))).toBe(2);
  });

  it('has log-prob and entropy gradients equal to finite differences, zero on masked logits (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 3, maxLength: 6 }), fc.nat(), (zs, pick) => {
        const z = Float64Array.from(zs);
        const n = z.length;
        const mask = new Uint8Array(n).fill(1);
        mask[pick % n] = 0;
        const action = (pick + 1) % n;
        const lp = maskedLogSoftmax(z, mask);
        const gLogp = logProbGradient(lp, action);
        const gH = entropyGradient(lp, categoricalEntropy(lp));
        for (let k = 0; k < n; k++) {
          const numLogp = centralDiff((x) => maskedLogSoftmax(x, mask)[action]!, z, k);
          const numH = centralDiff((x) => categoricalEntropy(maskedLogSoftmax(x, mask)), z, k);
          expect(gLogp[k]).toBeCloseTo(numLogp, 7);
          expect(gH[k]).toBeCloseTo(numH, 7);
          if (mask[k] === 0) {
            expect(gLogp[k]).toBe(0);
            expect(gH[k]).toBe(0);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
