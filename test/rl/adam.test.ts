// Tests of Adam (first PyTorch steps by hand, a quadratic) and of global gradient-norm clipping.

import { describe, expect, it } from 'vitest';
import { Adam, clipGradNorm } from '../../src/rl/adam.ts';

describe('Adam', () => {
  it('takes the two first PyTorch steps exactly (bias correction, ε on the corrected √v̂)', () => {
    const eps = 0.1; // large, so ε placement shows
    const adam = new Adam(1, { learningRate: 0.1, eps });
    const p = Float64Array.of(1);
    adam.step(p, Float64Array.of(2));
    // m = 0.2, v = 0.004, m̂ = 2, v̂ = 4 → θ = 1 − 0.1·2/(2 + ε)
    expect(p[0]).toBeCloseTo(1 - (0.1 * 2) / (2 + eps), 15);
    const after1 = p[0]!;
    adam.step(p, Float64Array.of(-1));
    const m = 0.9 * 0.2 + 0.1 * -1;
    const v = 0.999 * 0.004 + 0.001 * 1;
    const mHat = m / (1 - 0.9 ** 2);
    const vHat = v / (1 - 0.999 ** 2);
    expect(p[0]).toBeCloseTo(after1 - (0.1 * mHat) / (Math.sqrt(vHat) + eps), 15);
    expect(adam.state().step).toBe(2);
  });

  it('minimises an ill-conditioned quadratic Σ aᵢ(xᵢ − cᵢ)²', () => {
    const a = [1, 10, 100, 0.1];
    const c = [3, -2, 0.5, 1];
    const x = new Float64Array(4);
    const g = new Float64Array(4);
    const adam = new Adam(4, { learningRate: 0.05 });
    for (let t = 0; t < 3000; t++) {
      for (let i = 0; i < 4; i++) g[i] = 2 * a[i]! * (x[i]! - c[i]!);
      adam.step(x, g);
    }
    for (let i = 0; i < 4; i++) expect(Math.abs(x[i]! - c[i]!)).toBeLessThan(1e-3);
  });

  it('leaves parameters unchanged on zero gradients and validates its options', () => {
    const adam = new Adam(2);
    const p = Float64Array.of(1, 2);
    adam.step(p, new Float64Array(2));
    expect(Array.from(p)).toEqual([1, 2]);
    expect(() => adam.step(new Float64Array(3), new Float64Array(3))).toThrow(/built for 2 parameters/);
    expect(() => new Adam(1, { eps: 0 })).toThrow(/eps must be > 0/);
    expect(() => new Adam(1, { beta1: 1 })).toThrow(/betas/);
  });
});

describe('clipGradNorm', () => {
  it('scales the whole vector to maxNorm / (‖g‖ + 1e-6) when above maxNorm and returns the norm before', () => {
    const g = Float64Array.of(3, 4);
    expect(clipGradNorm(g, 0.5)).toBe(5);
    const coef = 0.5 / (5 + 1e-6);
    expect(Array.from(g)).toEqual([3 * coef, 4 * coef]);
  });

  it('leaves gradients below maxNorm untouched', () => {
    const g = Float64Array.of(0.1, -0.2);
    expect(clipGradNorm(g, 0.5)).toBeCloseTo(Math.sqrt(0.05), 15);
    expect(Array.from(g)).toEqual([0.1, -0.2]);
  });
});
