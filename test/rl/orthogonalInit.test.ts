// Tests of orthogonal initialisation: (semi-)orthogonality for any shape (property), seeding, SB3 gains and zero biases.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../src/domain/random.ts';
import { Mlp } from '../../src/rl/mlp.ts';
import { initMlpOrthogonal, orthogonalMatrix, sb3Gains, HIDDEN_GAIN, POLICY_OUTPUT_GAIN } from '../../src/rl/orthogonalInit.ts';

/** Largest |(W Wᵀ or Wᵀ W) − gain²·I| entry, on the smaller side. */
function orthogonalityError(w: Float64Array, rows: number, cols: number, gain: number): number {
  const n = Math.min(rows, cols);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      if (rows <= cols) for (let k = 0; k < cols; k++) dot += w[i * cols + k]! * w[j * cols + k]!;
      else for (let k = 0; k < rows; k++) dot += w[k * cols + i]! * w[k * cols + j]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('orthogonal initialisation', () => {
  it('gives orthonormal rows (wide) or columns (tall) scaled by the gain (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (rows, cols, seed) => {
        const gain = 1 + (seed % 3);
        const w = orthogonalMatrix(rows, cols, gain, createRng(seed));
        expect(orthogonalityError(w, rows, cols, gain)).toBeLessThan(1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('is reproducible from the seed and differs across seeds', () => {
    const a = orthogonalMatrix(8, 5, 1, createRng(3));
    expect(Array.from(orthogonalMatrix(8, 5, 1, createRng(3)))).toEqual(Array.from(a));
    expect(Array.from(orthogonalMatrix(8, 5, 1, createRng(4)))).not.toEqual(Array.from(a));
  });

  it('is not a fixed matrix: entries of a square draw spread around zero', () => {
    const w = orthogonalMatrix(64, 64, 1, createRng(9));
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const meanSq = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(meanSq).toBeCloseTo(1 / 64, 12); // each row has unit norm
  });

  it('initialises an SB3 policy net: √2 hidden gains, 0.01 output gain, zero biases', () => {
    const mlp = new Mlp([10, 64, 64, 5]);
    mlp.params.fill(7);
    initMlpOrthogonal(mlp, sb3Gains(3, POLICY_OUTPUT_GAIN), createRng(1));
    expect(sb3Gains(3, POLICY_OUTPUT_GAIN)).toEqual([HIDDEN_GAIN, HIDDEN_GAIN, 0.01]);
    expect(orthogonalityError(mlp.weight(0), 64, 10, Math.SQRT2)).toBeLessThan(1e-12);
    expect(orthogonalityError(mlp.weight(1), 64, 64, Math.SQRT2)).toBeLessThan(1e-12);
    expect(orthogonalityError(mlp.weight(2), 5, 64, 0.01)).toBeLessThan(1e-14);
    for (let l = 0; l < 3; l++) expect(mlp.bias(l).every((b) => b === 0)).toBe(true);
  });

  it('needs one gain per layer', () => {
    expect(() => initMlpOrthogonal(new Mlp([2, 3, 1]), [1], createRng(1))).toThrow(/needs 2 gains/);
  });
});
