// Contract suite every VecEnv implementation runs (in-process and worker threads), on the toy envs.

import { afterEach, describe, expect, it } from 'vitest';
import { FINAL_INFO_KEY, FINAL_OBSERVATION_KEY, finalObservationOf, type VecEnv } from '../../src/rl/envTypes.ts';
import type { ToyEnvOptions } from './support/toyEnvs.ts';

/** Builds a VecEnv of `numEnvs` toy envs with these options. */
export type MakeVecEnv = (options: ToyEnvOptions, numEnvs: number) => Promise<VecEnv>;

export function describeVecEnvContract(name: string, make: MakeVecEnv): void {
  describe(`VecEnv contract: ${name}`, () => {
    const open: VecEnv[] = [];
    const build = async (options: ToyEnvOptions, numEnvs: number): Promise<VecEnv> => {
      const env = await make(options, numEnvs);
      open.push(env);
      return env;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((e) => e.close()));
    });

    it('reports the envs’ spaces and returns N × D observations in env order', async () => {
      const env = await build({ kind: 'chain', length: 4, maxSteps: 10 }, 3);
      expect(env.numEnvs).toBe(3);
      expect(env.observationSpace.shape).toEqual([4]);
      expect(env.actionSpace.n).toBe(2);
      const r = await env.reset(1);
      expect(Array.from(r.obs)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
      expect(r.masks).toBeNull();
      const s = await env.step(Int32Array.of(1, 1, 1));
      expect(Array.from(s.obs)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
    });

    it('auto-resets a terminated env and keeps its final observation and step info in info', async () => {
      const env = await build({ kind: 'chain', length: 3, maxSteps: 10 }, 2);
      await env.reset(1);
      await env.step(Int32Array.of(1, 1));
      const s = await env.step(Int32Array.of(1, 0)); // env 0 reaches the end; env 1 steps back to state 0
      expect(Array.from(s.terminated)).toEqual([1, 0]);
      expect(Array.from(s.rewards)).toEqual([1, 0]);
      expect(Array.from(s.obs.subarray(0, 3))).toEqual([1, 0, 0]); // reset observation
      expect(Array.from(finalObservationOf(s.infos[0]!)!)).toEqual([0, 0, 1]);
      expect(s.infos[0]![FINAL_INFO_KEY]).toEqual({ t: 2 });
      expect(s.infos[1]![FINAL_OBSERVATION_KEY]).toBeUndefined();
    });

    it('flags a time-limit cut as truncated, not terminated, with the observation it ended on', async () => {
      const env = await build({ kind: 'chain', length: 5, maxSteps: 2 }, 1);
      await env.reset(1);
      await env.step(Int32Array.of(1));
      const s = await env.step(Int32Array.of(1));
      expect([s.terminated[0], s.truncated[0]]).toEqual([0, 1]);
      expect(Array.from(finalObservationOf(s.infos[0]!)!)).toEqual([0, 0, 1, 0, 0]);
    });

    it('returns the envs’ action masks as N × A rows', async () => {
      const env = await build({ kind: 'bandit', probs: [0.1, 0.9, 0.5], mask: [1, 0, 1] }, 2);
      const r = await env.reset(3);
      expect(Array.from(r.masks!)).toEqual([1, 0, 1, 1, 0, 1]);
      const s = await env.step(Int32Array.of(0, 2));
      expect(Array.from(s.masks!)).toEqual([1, 0, 1, 1, 0, 1]);
    });

    it('seeds env i with seed + i: same seed → same rewards, different envs → different streams', async () => {
      const env = await build({ kind: 'bandit', probs: [0.5, 0.5] }, 2);
      const play = async (seed: number): Promise<number[][]> => {
        await env.reset(seed);
        const out: number[][] = [];
        for (let t = 0; t < 40; t++) out.push(Array.from((await env.step(Int32Array.of(0, 0))).rewards));
        return out;
      };
      const a = await play(10);
      expect(await play(10)).toEqual(a);
      expect(a.map((r) => r[0])).not.toEqual(a.map((r) => r[1]));
      expect(await play(11)).not.toEqual(a);
    });

    it('rejects a wrong number of actions and an action out of range', async () => {
      const env = await build({ kind: 'chain', length: 3, maxSteps: 5 }, 2);
      await env.reset(1);
      await expect(env.step(Int32Array.of(1))).rejects.toThrow(/needs 2 actions/);
      await expect(env.step(Int32Array.of(1, 7))).rejects.toThrow(/action 7 outside 0\.\.1/);
    });
  });
}
