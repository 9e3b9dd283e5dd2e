// Overfitting statistics: PBO by CSCV on a hand-computed case, on noise and with a truly better strategy;
// the Deflated Sharpe Ratio against the paper's numerical example; the normal distribution it relies on.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../src/domain/random.ts';
import { normalCdf, normalQuantile } from '../../src/optimize/normal.ts';
import {
  deflatedSharpeRatio,
  degradation,
  expectedMaxSharpe,
  periodSharpe,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  sampleMoments,
} from '../../src/optimize/overfitting.ts';

function noise(seed: number, trials: number, periods: number, sigma = 0.01): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: trials }, () => Array.from({ length: periods }, () => rng.normal() * sigma));
}

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 7);
  });

  it('quantile inverts the CDF (to 1e-6 within ±5σ; beyond, Φ has absolute accuracy only)', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), (x) => {
        expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 6);
      }),
    );
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  // Hand-computed: 3 trials × 4 periods, S = 4 blocks of one period, statistic = mean.
  // A = [2,2,0,0], B = [0,0,1,1], C = [1,1,1,1]; the 6 in-sample pairs and the IS best (lowest index on ties):
  //   {0,1}: A (4 vs 0, 2) → OOS {2,3}: A=0 B=2 C=2 → rank 1, ω = 1/4, λ = ln(1/3)
  //   {0,2},{0,3},{1,2},{1,3}: A=2 B=1 C=2 → A → OOS A=2 B=1 C=2 → rank 2.5 (tie with C), ω = 5/8, λ = ln(5/3)
  //   {2,3}: B=2 C=2 → B → OOS {0,1}: A=4 B=0 C=2 → rank 1, λ = ln(1/3)
  // PBO = #{λ ≤ 0}/6 = 2/6.
  const A = [2, 2, 0, 0];
  const B = [0, 0, 1, 1];
  const C = [1, 1, 1, 1];

  it('reproduces a hand-computed case', () => {
    const r = probabilityOfBacktestOverfitting([A, B, C], { partitions: 4, statistic: 'mean' });
    expect(r.combinations).toBe(6);
    expect(r.pbo).toBeCloseTo(1 / 3, 12);
    expect(r.oosLossProbability).toBe(0);
    const l3 = Math.log(1 / 3);
    const l53 = Math.log(5 / 3);
    r.logits.forEach((l, i) => expect(l).toBeCloseTo([l3, l53, l53, l53, l53, l3][i]!, 12));
  });

  it('drops the oldest T mod S periods so the blocks are equal', () => {
    const r = probabilityOfBacktestOverfitting(
      [
        [99, ...A],
        [-99, ...B],
        [0, ...C],
      ],
      { partitions: 4, statistic: 'mean' },
    );
    expect(r.rowsUsed).toBe(4);
    expect(r.pbo).toBeCloseTo(1 / 3, 12);
  });

  it('enumerates all C(S, S/2) combinations', () => {
    expect(probabilityOfBacktestOverfitting(noise(1, 3, 32), { partitions: 16 }).combinations).toBe(12870);
  });

  it('pure noise with zero mean: the in-sample best is the out-of-sample worst, PBO > 0.5', () => {
    // No skill at all: each trial demeaned over the whole sample, so IS and OOS means are exact negatives.
    for (const seed of [1, 2, 3]) {
      const trials = noise(seed, 40, 320).map((r) => {
        const m = r.reduce((a, b) => a + b, 0) / r.length;
        return r.map((x) => x - m);
      });
      expect(probabilityOfBacktestOverfitting(trials, { partitions: 16 }).pbo).toBeGreaterThan(0.9);
    }
  });

  it('raw iid noise: PBO is 0.5 in expectation (IS and OOS means are independent), noisy per sample', () => {
    const pbos = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => probabilityOfBacktestOverfitting(noise(seed, 51, 320), { partitions: 16 }).pbo);
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(mean).toBeGreaterThan(0.38);
    expect(mean).toBeLessThan(0.68);
  });

  it('a truly better strategy among noise gives a low PBO', () => {
    for (const seed of [1, 2, 3, 4]) {
      const trials = noise(seed, 50, 320);
      trials[17] = trials[17]!.map((x) => x + 0.005);
      const r = probabilityOfBacktestOverfitting(trials, { partitions: 16 });
      expect(r.pbo).toBeLessThan(0.05);
      expect(r.oosLossProbability).toBeLessThan(0.01);
    }
  });

  it('rejects odd partitions, unequal lengths and too few trials', () => {
    expect(() => probabilityOfBacktestOverfitting([A, B], { partitions: 3 })).toThrow(/even integer/);
    expect(() => probabilityOfBacktestOverfitting([A, [1, 2]], { partitions: 2 })).toThrow(/same number/);
    expect(() => probabilityOfBacktestOverfitting([A], { partitions: 2 })).toThrow(/at least 2 trials/);
  });
});

describe('deflated Sharpe ratio', () => {
  it("reproduces the paper's numerical example", () => {
    // Bailey & López de Prado, "The Deflated Sharpe Ratio" (JPM 2014), numerical example: N = 100 trials,
    // V[SR_n] = 1/2 annualized, T = 1250 daily returns (250 a year), annualized SR 2.5, skewness -3,
    // kurtosis 10; the paper reports SR0 ≈ 0.1132 (per period) and DSR ≈ 0.9004.
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    expect(sr0).toBeCloseTo(0.1132, 4);
    const dsr = probabilisticSharpeRatio({ sharpe: 2.5 / Math.sqrt(250), benchmark: sr0, observations: 1250, skewness: -3, kurtosis: 10 });
    expect(dsr).toBeCloseTo(0.9004, 4);
  });

  it('PSR under normal returns is Φ(SR √(T−1) / √(1 + SR²/2)) (hand-computed: z = 1)', () => {
    // SR = 1/√99.5 makes SR·√100 / √(1 + SR²/2) = 1 exactly.
    const sr = 1 / Math.sqrt(99.5);
    expect(probabilisticSharpeRatio({ sharpe: sr, benchmark: 0, observations: 101, skewness: 0, kurtosis: 3 })).toBeCloseTo(normalCdf(1), 12);
  });

  it('one trial is not deflated: SR0 = 0', () => {
    expect(expectedMaxSharpe(1, 0.3)).toBe(0);
  });

  it('sample moments: skewness 2/√3 and kurtosis 7/3 of [0, 0, 0, 1] (hand-computed)', () => {
    const m = sampleMoments([0, 0, 0, 1]);
    expect(m.mean).toBe(0.25);
    expect(m.skewness).toBeCloseTo(2 / Math.sqrt(3), 12);
    expect(m.kurtosis).toBeCloseTo(7 / 3, 12);
  });

  it('deflates the best of many noise trials and keeps a real edge', () => {
    let noiseDsr = 0;
    let edgeDsr = 0;
    const seeds = [1, 2, 3, 4, 5];
    for (const seed of seeds) {
      const trials = noise(seed, 100, 320);
      const sharpes = trials.map(periodSharpe);
      const best = sharpes.indexOf(Math.max(...(sharpes as number[])));
      noiseDsr += deflatedSharpeRatio(trials[best]!, sharpes)!.dsr / seeds.length;
      trials[17] = trials[17]!.map((x) => x + 0.005);
      edgeDsr += deflatedSharpeRatio(trials[17]!, trials.map(periodSharpe))!.dsr / seeds.length;
    }
    expect(noiseDsr).toBeLessThan(0.7);
    expect(edgeDsr).toBeGreaterThan(0.99);
  });
});

describe('degradation', () => {
  it('gives the difference and the walk-forward efficiency ratio', () => {
    expect(degradation(200, 50)).toEqual({ inSample: 200, outOfSample: 50, difference: -150, ratio: 0.25 });
    expect(degradation(-10, 5)).toEqual({ inSample: -10, outOfSample: 5, difference: 15, ratio: null });
    expect(degradation(null, 5)).toEqual({ inSample: null, outOfSample: 5, difference: null, ratio: null });
  });
});
