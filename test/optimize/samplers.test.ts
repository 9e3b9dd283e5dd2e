// Samplers: the grid enumerates (and refuses grids above the budget), random and TPE are seeded, and TPE
// finds a known optimum and beats random search on a smooth function.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError } from '../../src/domain/errors.ts';
import { createRng } from '../../src/domain/random.ts';
import { createSampler, type SamplerSettings } from '../../src/optimize/samplers/sampler.ts';
import { DEFAULT_TPE_OPTIONS } from '../../src/optimize/samplers/tpeSampler.ts';
import { fitCategorical, fitParzenMixture, mixtureLogDensity, mixtureLogMass, sampleMixture } from '../../src/optimize/samplers/parzenEstimator.ts';
import type { ParameterSpace } from '../../src/optimize/space.ts';
import type { Params } from '../../src/optimize/types.ts';

const TPE: SamplerSettings = { kind: 'tpe', ...DEFAULT_TPE_OPTIONS };

const mixed: ParameterSpace = {
  dimensions: [
    { kind: 'float', key: 'lr', min: 1e-4, max: 1, log: true, step: null },
    { kind: 'int', key: 'n', min: 1, max: 20, log: false, step: 1 },
    { kind: 'int', key: 'k', min: 1, max: 1000, log: true, step: 1 },
    { kind: 'float', key: 'q', min: 0, max: 1, log: false, step: 0.25 },
    { kind: 'choice', key: 'c', choices: ['a', 'b', 'c', 'd'] },
  ],
};

/** Runs `trials` ask/tell rounds on f; returns every asked point and the best value. */
function search(space: ParameterSpace, settings: SamplerSettings, seed: number, trials: number, f: (p: Params) => number) {
  const sampler = createSampler(space, settings, seed, trials);
  const asked: Params[] = [];
  let best = Number.NEGATIVE_INFINITY;
  let bestParams: Params | null = null;
  for (let i = 0; i < trials; i++) {
    const p = sampler.ask();
    if (!p) break;
    asked.push(p);
    const v = f(p);
    if (v > best) [best, bestParams] = [v, p];
    sampler.tell(p, v);
  }
  return { asked, best, bestParams };
}

describe('grid sampler', () => {
  const space: ParameterSpace = {
    dimensions: [
      { kind: 'int', key: 'a', min: 1, max: 3, log: false, step: 1 },
      { kind: 'choice', key: 'b', choices: ['x', 'y'] },
    ],
  };

  it('enumerates every combination once, the first dimension slowest, then reports exhaustion', () => {
    const { asked } = search(space, { kind: 'grid' }, 0, 10, () => 0);
    expect(asked).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 3, b: 'x' },
      { a: 3, b: 'y' },
    ]);
  });

  it('refuses a grid larger than the trial budget, giving the size', () => {
    expect(() => createSampler(space, { kind: 'grid' }, 0, 5)).toThrow(ConfigError);
    expect(() => createSampler(space, { kind: 'grid' }, 0, 5)).toThrow(/the grid has 6 points but only 5 trials/);
  });

  it('refuses continuous and log dimensions', () => {
    const cont: ParameterSpace = { dimensions: [{ kind: 'float', key: 'x', min: 0, max: 1, log: false, step: null }] };
    const err = (() => {
      try {
        createSampler(cont, { kind: 'grid' }, 0, 100);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.problems[0]).toMatch(/optimize\.space\.x: a range without step has no grid/);
  });
});

describe('random sampler', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const a = search(mixed, { kind: 'random' }, 7, 20, () => 0).asked;
    expect(search(mixed, { kind: 'random' }, 7, 20, () => 0).asked).toEqual(a);
    expect(search(mixed, { kind: 'random' }, 8, 20, () => 0).asked).not.toEqual(a);
  });

  it('stays in bounds: integers are integers, stepped values on the grid, log values log-uniform', () => {
    const { asked } = search(mixed, { kind: 'random' }, 3, 1000, () => 0);
    for (const p of asked) {
      expect(p.lr).toBeGreaterThanOrEqual(1e-4);
      expect(p.lr).toBeLessThanOrEqual(1);
      expect(Number.isInteger(p.n) && (p.n as number) >= 1 && (p.n as number) <= 20).toBe(true);
      expect(Number.isInteger(p.k) && (p.k as number) >= 1 && (p.k as number) <= 1000).toBe(true);
      expect([0, 0.25, 0.5, 0.75, 1]).toContain(p.q);
      expect(['a', 'b', 'c', 'd']).toContain(p.c);
    }
    // log-uniform on [1e-4, 1]: the median is near 1e-2 (a uniform draw would put it near 0.5).
    const lrs = asked.map((p) => p.lr as number).sort((x, y) => x - y);
    expect(Math.log10(lrs[500]!)).toBeCloseTo(-2, 0);
    // every stepped value and every category appears with about the same frequency
    for (const q of [0, 0.25, 0.5, 0.75, 1]) expect(asked.filter((p) => p.q === q).length).toBeGreaterThan(160);
    for (const c of ['a', 'b', 'c', 'd']) expect(asked.filter((p) => p.c === c).length).toBeGreaterThan(210);
  });
});

describe('Parzen estimators', () => {
  it('a truncated mixture integrates to 1 over its bounds and its samples stay inside', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 5, noNaN: true }), { maxLength: 12 }), fc.integer({ min: 0, max: 1000 }), (obs, seed) => {
        const m = fitParzenMixture(obs, -3, 5, 1);
        let integral = 0;
        const steps = 4000;
        for (let i = 0; i < steps; i++) integral += Math.exp(mixtureLogDensity(m, -3 + ((i + 0.5) * 8) / steps)) * (8 / steps);
        expect(integral).toBeCloseTo(1, 2);
        expect(Math.exp(mixtureLogMass(m, -3, 5))).toBeCloseTo(1, 6);
        const rng = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const u = sampleMixture(m, rng);
          expect(u >= -3 && u <= 5).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('bandwidths adapt to neighbour distances within [range/min(100, n+1), range]', () => {
    const m = fitParzenMixture([0.1, 0.2, 0.9], 0, 1, 1);
    // sorted centres: 0.1, 0.2, 0.5 (prior), 0.9
    expect([...m.mus]).toEqual([0.1, 0.2, 0.5, 0.9]);
    expect(m.sigmas[0]).toBeCloseTo(0.25, 12); // max(0, 0.1) clipped up to 1/4
    expect(m.sigmas[1]).toBeCloseTo(0.3, 12); // max(0.1, 0.3)
    expect(m.sigmas[2]).toBe(1); // the prior keeps the whole range
    expect(m.sigmas[3]).toBeCloseTo(0.4, 12);
  });

  it('categorical estimates are smoothed counts summing to 1', () => {
    const p = fitCategorical([0, 0, 2], 3, 1);
    expect([...p]).toEqual([3 / 6, 1 / 6, 2 / 6]);
  });
});

describe('TPE sampler', () => {
  const smooth: ParameterSpace = {
    dimensions: ['x', 'y', 'z'].map((key) => ({ kind: 'float' as const, key, min: -2, max: 2, log: false, step: null })),
  };
  const bowl = (p: Params) => -(((p.x as number) - 0.7) ** 2 + ((p.y as number) + 0.3) ** 2 + ((p.z as number) - 1.1) ** 2);

  it('is deterministic for a seed', () => {
    const a = search(mixed, TPE, 11, 30, (p) => -Math.abs((p.n as number) - 5));
    const b = search(mixed, TPE, 11, 30, (p) => -Math.abs((p.n as number) - 5));
    expect(b.asked).toEqual(a.asked);
  });

  it('draws its n_startup trials exactly like the random sampler of the same seed', () => {
    const tpe = search(mixed, TPE, 5, DEFAULT_TPE_OPTIONS.nStartup, () => 1).asked;
    expect(tpe).toEqual(search(mixed, { kind: 'random' }, 5, DEFAULT_TPE_OPTIONS.nStartup, () => 1).asked);
  });

  it('beats random search on average on a smooth bowl (8 seeds, 50 trials)', () => {
    const regret = (settings: SamplerSettings) => {
      const r = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => -search(smooth, settings, seed, 50, bowl).best);
      return r.reduce((a, b) => a + b, 0) / r.length;
    };
    const tpe = regret(TPE);
    const random = regret({ kind: 'random' });
    expect(tpe).toBeLessThan(random / 2);
  });

  it('finds a known optimum over log, integer and categorical dimensions', () => {
    const f = (p: Params) => -((Math.log10(p.lr as number) + 2) ** 2) - 0.05 * ((p.n as number) - 7) ** 2 - (p.c === 'b' ? 0 : 1);
    const space: ParameterSpace = { dimensions: [mixed.dimensions[0]!, mixed.dimensions[1]!, mixed.dimensions[4]!] };
    for (const seed of [1, 2, 3]) {
      const { bestParams } = search(space, TPE, seed, 60, f);
      expect(bestParams!.c).toBe('b');
      expect(bestParams!.n).toBe(7);
      expect(Math.abs(Math.log10(bestParams!.lr as number) + 2)).toBeLessThan(0.1);
    }
  });

  it('ignores failed trials in the model but counts them toward the startup', () => {
    const sampler = createSampler(smooth, { ...TPE, nStartup: 3 }, 1, 100);
    for (let i = 0; i < 3; i++) sampler.tell(sampler.ask()!, null);
    // no scored trial yet: still random, never throws
    const p = sampler.ask()!;
    expect(typeof p.x).toBe('number');
  });
});
