// The sampler contract (ask for a point, tell its score) and the factory that picks grid, random or TPE.

import type { ParameterSpace } from '../space.ts';
import type { Params } from '../types.ts';
import { createGridSampler } from './gridSampler.ts';
import { createRandomSampler } from './randomSampler.ts';
import { createTpeSampler, type TpeOptions } from './tpeSampler.ts';

/** Proposes parameter sets and learns from their scores (higher is better). */
export interface Sampler {
  /** The next point to evaluate, or null when the sampler has nothing left (a finished grid). */
  ask(): Params | null;
  /** Records a finished trial: its objective value, or null for a failed or infeasible trial. */
  tell(params: Params, value: number | null): void;
}

export type SamplerSettings = { readonly kind: 'grid' } | { readonly kind: 'random' } | ({ readonly kind: 'tpe' } & TpeOptions);

/** Creates the configured sampler; `trials` is the budget (the grid refuses a space larger than it). */
export function createSampler(space: ParameterSpace, settings: SamplerSettings, seed: number, trials: number): Sampler {
  switch (settings.kind) {
    case 'grid':
      return createGridSampler(space, trials);
    case 'random':
      return createRandomSampler(space, seed);
    case 'tpe':
      return createTpeSampler(space, seed, settings);
  }
}
