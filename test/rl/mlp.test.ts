// Tests of the MLP: layout, hand-computed forward, backprop against central finite differences, batch independence.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../src/domain/random.ts';
import { Mlp, mlpParameterCount } from '../../src/rl/mlp.ts';

/** Σ c ⊙ f(x) for a fixed output weighting c: a scalar loss whose gradient backward(c) should give. */
function weightedOutput(mlp: Mlp, x: Float64Array, batch: number, c: Float64Array): number {
  const y = mlp.forward(x, batch);
  let s = 0;
  for (let k = 0; k < y.length; k++) s += c[k]! * y[k]!;
  return s;
}

function randomNet(sizes: number[], seed: number): Mlp {
  const rng = createRng(seed);
  const mlp = new Mlp(sizes);
  for (let k = 0; k < mlp.params.length; k++) mlp.params[k] = rng.normal() * 0.7;
  return mlp;
}

describe('Mlp', () => {
  it('counts weights and biases per layer and lays them out weight-then-bias', () => {
    const mlp = new Mlp([3, 4, 2]);
    expect(mlpParameterCount([3, 4, 2])).toBe(3 * 4 + 4 + 4 * 2 + 2);
    expect(mlp.params.length).toBe(26);
    expect(mlp.layers.map((l) => [l.weightOffset, l.biasOffset])).toEqual([
      [0, 12],
      [16, 24],
    ]);
  });

  it('computes tanh hidden layers and a linear output by hand for a 2-1-1 net', () => {
    const mlp = new Mlp([2, 1, 1]);
    mlp.params.set([0.5, -1, 0.25, 2, -0.5]); // W0 = [0.5, -1], b0 = 0.25, W1 = [2], b1 = -0.5
    const y = mlp.forward(Float64Array.of(1, 2, -1, 0), 2);
    expect(y[0]).toBeCloseTo(2 * Math.tanh(0.5 - 2 + 0.25) - 0.5, 14);
    expect(y[1]).toBeCloseTo(2 * Math.tanh(-0.5 + 0.25) - 0.5, 14);
  });

  it('backward matches central finite differences for every parameter', () => {
    const sizes = [4, 6, 5, 3];
    const batch = 3;
    const mlp = randomNet(sizes, 11);
    const rng = createRng(12);
    const x = Float64Array.from({ length: batch * 4 }, () => rng.normal());
    const c = Float64Array.from({ length: batch * 3 }, () => rng.normal());
    mlp.zeroGrad();
    mlp.forward(x, batch);
    mlp.backward(c);
    const analytic = mlp.grads.slice();
    const h = 1e-6;
    let worst = 0;
    for (let k = 0; k < mlp.params.length; k++) {
      const p = mlp.params[k]!;
      mlp.params[k] = p + h;
      const up = weightedOutput(mlp, x, batch, c);
      mlp.params[k] = p - h;
      const down = weightedOutput(mlp, x, batch, c);
      mlp.params[k] = p;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[k]!) / Math.max(1, Math.abs(numeric)));
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it('accumulates gradients across backward calls until zeroGrad', () => {
    const mlp = randomNet([2, 3, 1], 5);
    const x = Float64Array.of(0.3, -0.2);
    mlp.forward(x, 1);
    mlp.backward(Float64Array.of(1));
    const once = mlp.grads.slice();
    mlp.forward(x, 1);
    mlp.backward(Float64Array.of(1));
    expect(Array.from(mlp.grads)).toEqual(Array.from(once, (g) => 2 * g));
    mlp.zeroGrad();
    expect(mlp.grads.every((g) => g === 0)).toBe(true);
  });

  it('gives each batch row the output of that row alone (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), (batch, seed) => {
        const mlp = randomNet([3, 4, 2], seed);
        const rng = createRng(seed + 1);
        const x = Float64Array.from({ length: batch * 3 }, () => rng.normal());
        const all = mlp.forward(x, batch).slice();
        for (let b = 0; b < batch; b++) {
          const row = mlp.forward(x.subarray(b * 3, b * 3 + 3), 1);
          expect(Array.from(row)).toEqual(Array.from(all.subarray(b * 2, b * 2 + 2)));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('rejects storage of the wrong size and inputs that are too short', () => {
    expect(() => new Mlp([2, 2], { params: new Float64Array(5), grads: new Float64Array(6) })).toThrow(/expected 6 each/);
    expect(() => new Mlp([2])).toThrow(/at least an input and an output/);
    expect(() => new Mlp([2, 2]).forward(new Float64Array(3), 2)).toThrow(/expected 2 × 2/);
  });
});
