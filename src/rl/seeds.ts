// Derives independent seeds for the random streams of one training run (weights, sampling, shuffling, envs) from its one seed.

import { createRng } from '../domain/index.ts';

/** The u32 seeds of one run's random streams, drawn in a fixed order from `createRng(seed)`. */
export interface RunSeeds {
  readonly actorInit: number;
  readonly criticInit: number;
  readonly actionSampling: number;
  readonly minibatchShuffle: number;
  /** Env i is reset with `envBase + i` on the first reset (SB3 `VecEnv.seed` convention). */
  readonly envBase: number;
}

/** Splits `seed` into the run's stream seeds (same seed → same streams; streams do not overlap). */
export function splitSeed(seed: number): RunSeeds {
  const master = createRng(seed);
  const u32 = (): number => Math.floor(master.next() * 4294967296);
  // envBase stays below 2^31 so `envBase + i` is a safe, positive integer seed for any Gymnasium-style env.
  return { actorInit: u32(), criticInit: u32(), actionSampling: u32(), minibatchShuffle: u32(), envBase: u32() >>> 1 };
}
