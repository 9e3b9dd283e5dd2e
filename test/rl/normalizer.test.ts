// Tests of the observation normaliser: merged batch moments, normalise and clip, freezing.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/domain/random.ts';
import { ObservationNormalizer } from '../../src/rl/normalizer.ts';

function batchOf(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

describe('ObservationNormalizer', () => {
  it('merges batches into the mean and population variance of all rows (with the SB3 1e-4 prior count)', () => {
    const rng = createRng(5);
    const rows = Array.from({ length: 90 }, () => [3 + 2 * rng.normal(), -1 + 0.5 * rng.normal()]);
    const n = new ObservationNormalizer(2, { initialCount: 0 });
    n.update(batchOf(rows.slice(0, 7)), 7);
    n.update(batchOf(rows.slice(7, 50)), 43);
    n.update(batchOf(rows.slice(50)), 40);
    for (let j = 0; j < 2; j++) {
      const col = rows.map((r) => r[j]!);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
      expect(n.stats().mean[j]).toBeCloseTo(mean, 12);
      expect(n.stats().var[j]).toBeCloseTo(variance, 12);
    }
    expect(n.stats().count).toBe(90);
    expect(new ObservationNormalizer(1).stats()).toEqual({ mean: [0], var: [1], count: 1e-4, clip: 10, epsilon: 1e-8, frozen: false });
  });

  it('normalises to (x − μ)/√(σ² + ε) and clips at ±clip', () => {
    const n = ObservationNormalizer.fromStats({ mean: [1, 0], var: [4, 1e-6], count: 10, clip: 10, epsilon: 1e-8, frozen: false });
    const out = n.normalize(Float64Array.of(5, 1, -3, -1), 2);
    expect(out[0]).toBeCloseTo(4 / Math.sqrt(4 + 1e-8), 14);
    expect(out[1]).toBe(10);
    expect(out[2]).toBeCloseTo(-4 / Math.sqrt(4 + 1e-8), 14);
    expect(out[3]).toBe(-10);
  });

  it('stops updating once frozen and keeps the frozen flag through its stats', () => {
    const n = new ObservationNormalizer(1);
    n.update(Float64Array.of(1, 2, 3), 3);
    const before = n.stats();
    n.freeze();
    n.update(Float64Array.of(100, 200), 2);
    expect(n.stats()).toEqual({ ...before, frozen: true });
    expect(ObservationNormalizer.fromStats(n.stats()).frozen).toBe(true);
  });
});
