// Tests of GAE: a hand-computed rollout with a termination and a truncation, env layout, and equality with SB3's formulation.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../src/domain/random.ts';
import { computeGae } from '../../src/rl/gae.ts';

/** SB3's two-part formulation, written out literally: reward += γ·V(final) on truncation, then episode_starts cut the trace. */
function sb3Gae(
  T: number,
  N: number,
  r: Float64Array,
  v: Float64Array,
  term: Uint8Array,
  trunc: Uint8Array,
  tv: Float64Array,
  last: Float64Array,
  gamma: number,
  lambda: number,
) {
  const rewards = r.slice();
  for (let k = 0; k < T * N; k++) if (trunc[k] && !term[k]) rewards[k] += gamma * tv[k]!;
  const dones = Uint8Array.from({ length: T * N }, (_, k) => (term[k] || trunc[k] ? 1 : 0));
  const adv = new Float64Array(T * N);
  for (let e = 0; e < N; e++) {
    let lastGae = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + e;
      // SB3: next_non_terminal = 1 − episode_starts[t+1] (= dones[t]); at the last step 1 − dones (of the last step)
      const nextNonTerminal = 1 - dones[k]!;
      const nextValues = t === T - 1 ? last[e]! : v[k + N]!;
      const delta = rewards[k]! + gamma * nextValues * nextNonTerminal - v[k]!;
      lastGae = delta + gamma * lambda * nextNonTerminal * lastGae;
      adv[k] = lastGae;
    }
  }
  return adv;
}

describe('computeGae', () => {
  it('matches a hand-computed single-env rollout with a termination and a truncation', () => {
    // t:        0    1(terminated) 2    3(truncated, V(final)=4)  4
    const { advantages, returns } = computeGae({
      nSteps: 5,
      nEnvs: 1,
      rewards: Float64Array.of(1, 2, 0, 3, 1),
      values: Float64Array.of(0.5, 1.0, 2.0, 1.5, 0.2),
      terminated: Uint8Array.of(0, 1, 0, 0, 0),
      truncated: Uint8Array.of(0, 0, 0, 1, 0),
      truncationValues: Float64Array.of(0, 0, 0, 4, 0),
      lastValues: Float64Array.of(0.7),
      gamma: 0.9,
      lambda: 0.8,
    });
    // δ4 = 1 + 0.9·0.7 − 0.2 = 1.43            Â4 = 1.43
    // δ3 = 3 + 0.9·4 − 1.5 = 5.1 (bootstrap)    Â3 = 5.1 (trace cut)
    // δ2 = 0 + 0.9·1.5 − 2 = −0.65              Â2 = −0.65 + 0.72·5.1 = 3.022
    // δ1 = 2 + 0 − 1 = 1 (terminal)             Â1 = 1
    // δ0 = 1 + 0.9·1 − 0.5 = 1.4                Â0 = 1.4 + 0.72·1 = 2.12
    const expectedAdv = [2.12, 1, 3.022, 5.1, 1.43];
    expectedAdv.forEach((a, t) => expect(advantages[t]).toBeCloseTo(a, 12));
    [2.62, 2.0, 5.022, 6.6, 1.63].forEach((r, t) => expect(returns[t]).toBeCloseTo(r, 12));
  });

  it('keeps envs apart in the time-major layout (entry t·N + e)', () => {
    const { advantages } = computeGae({
      nSteps: 2,
      nEnvs: 2,
      rewards: Float64Array.of(1, 10, 1, 10),
      values: new Float64Array(4),
      terminated: Uint8Array.of(0, 0, 0, 1),
      truncated: new Uint8Array(4),
      truncationValues: new Float64Array(4),
      lastValues: Float64Array.of(2, 100),
      gamma: 0.5,
      lambda: 1,
    });
    // env 0: Â1 = 1 + 0.5·2 = 2, Â0 = 1 + 0.5·2 = 2;  env 1 terminates at t=1: Â1 = 10, Â0 = 10 + 0.5·10 = 15
    expect(Array.from(advantages)).toEqual([2, 15, 2, 10]);
  });

  it('equals the Monte Carlo return minus V with γ = λ = 1 and no episode end', () => {
    const { advantages } = computeGae({
      nSteps: 3,
      nEnvs: 1,
      rewards: Float64Array.of(1, 2, 3),
      values: Float64Array.of(5, 6, 7),
      terminated: new Uint8Array(3),
      truncated: new Uint8Array(3),
      truncationValues: new Float64Array(3),
      lastValues: Float64Array.of(4),
      gamma: 1,
      lambda: 1,
    });
    expect(Array.from(advantages)).toEqual([1 + 2 + 3 + 4 - 5, 2 + 3 + 4 - 6, 3 + 4 - 7]);
  });

  it('equals SB3 (reward += γ·V(final) on truncation, then done) on random rollouts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), (T, N, seed) => {
        const rng = createRng(seed);
        const size = T * N;
        const r = Float64Array.from({ length: size }, () => rng.normal());
        const v = Float64Array.from({ length: size }, () => rng.normal());
        const term = Uint8Array.from({ length: size }, () => (rng.next() < 0.2 ? 1 : 0));
        const trunc = Uint8Array.from({ length: size }, () => (rng.next() < 0.2 ? 1 : 0));
        const tv = Float64Array.from({ length: size }, () => rng.normal());
        const last = Float64Array.from({ length: N }, () => rng.normal());
        const gamma = 0.5 + 0.5 * rng.next();
        const lambda = rng.next();
        const ours = computeGae({
          nSteps: T,
          nEnvs: N,
          rewards: r,
          values: v,
          terminated: term,
          truncated: trunc,
          truncationValues: tv,
          lastValues: last,
          gamma,
          lambda,
        });
        const ref = sb3Gae(T, N, r, v, term, trunc, tv, last, gamma, lambda);
        for (let k = 0; k < size; k++) {
          expect(ours.advantages[k]).toBeCloseTo(ref[k]!, 12);
          expect(ours.returns[k]).toBeCloseTo(ref[k]! + v[k]!, 12);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('rejects arrays shorter than T × N', () => {
    const z = new Float64Array(1);
    const u = new Uint8Array(2);
    expect(() =>
      computeGae({
        nSteps: 2,
        nEnvs: 1,
        rewards: z,
        values: new Float64Array(2),
        terminated: u,
        truncated: u,
        truncationValues: new Float64Array(2),
        lastValues: z,
        gamma: 1,
        lambda: 1,
      }),
    ).toThrow(/rewards has 1 entries/);
  });
});
