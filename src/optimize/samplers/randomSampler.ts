// Seeded random search: every dimension drawn independently and uniformly on its sampling axis.

import { createRng, type Rng } from '../../domain/index.ts';
import type { Dimension, ParameterSpace } from '../space.ts';
import type { ParamValue, Params } from '../types.ts';
import { numericScale } from './numericScale.ts';
import type { Sampler } from './sampler.ts';

/** One uniform draw of a dimension: a uniform choice, or a uniform point of the (log / binned) axis. */
export function drawUniform(dim: Dimension, rng: Rng): ParamValue {
  if (dim.kind === 'choice') return dim.choices[rng.int(dim.choices.length)]!;
  const scale = numericScale(dim);
  return scale.toValue(scale.lo + rng.next() * (scale.hi - scale.lo));
}

/** Draws a whole parameter set uniformly. */
export function drawUniformParams(space: ParameterSpace, rng: Rng): Params {
  return Object.fromEntries(space.dimensions.map((d) => [d.key, drawUniform(d, rng)]));
}

/** Creates a random sampler; the same seed gives the same sequence of points. */
export function createRandomSampler(space: ParameterSpace, seed: number): Sampler {
  const rng = createRng(seed);
  return {
    ask: () => drawUniformParams(space, rng),
    tell(): void {},
  };
}
