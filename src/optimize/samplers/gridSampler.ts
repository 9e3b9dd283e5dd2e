// Grid search: enumerates every combination of the space's discrete values, the first dimension slowest.
//
// Policy: a grid larger than the trial budget is refused (ConfigError) instead of being subsampled. A grid is
// chosen for exhaustive coverage; silently running a subset would be a worse random search whose gaps depend
// on enumeration order. A grid smaller than the budget simply ends early.

import { ConfigError } from '../../domain/index.ts';
import { dimensionValues, gridSize, type ParameterSpace } from '../space.ts';
import type { ParamValue, Params } from '../types.ts';
import type { Sampler } from './sampler.ts';

/** Creates a grid sampler; throws ConfigError when a dimension is continuous or the grid exceeds `trials`. */
export function createGridSampler(space: ParameterSpace, trials: number): Sampler {
  const continuous = space.dimensions.filter((d) => dimensionValues(d) === null);
  if (continuous.length) {
    throw new ConfigError(
      'optimize: the grid sampler needs every dimension discrete',
      continuous.map(
        (d) =>
          `optimize.space.${d.key}: ${d.kind === 'choice' ? '' : d.log ? 'a log range has no grid' : 'a range without step has no grid'}; give a step or a list of choices`,
      ),
      { hint: 'or use the random or tpe sampler' },
    );
  }
  const size = gridSize(space)!;
  if (size > trials) {
    throw new ConfigError(
      `optimize: the grid has ${size} points but only ${trials} trials are allowed`,
      [`optimize.space: ${space.dimensions.map((d) => `${d.key} (${dimensionValues(d)!.length})`).join(' × ')} = ${size} points > trials ${trials}`],
      { hint: 'raise --trials, coarsen the steps, or use the random or tpe sampler' },
    );
  }
  const values = space.dimensions.map((d) => dimensionValues(d)!);
  let next = 0;
  return {
    ask(): Params | null {
      if (next >= size) return null;
      let rest = next++;
      const picked: ParamValue[] = new Array(values.length);
      for (let d = values.length - 1; d >= 0; d--) {
        picked[d] = values[d]![rest % values[d]!.length]!;
        rest = Math.floor(rest / values[d]!.length);
      }
      return Object.fromEntries(space.dimensions.map((dim, d) => [dim.key, picked[d]!]));
    },
    tell(): void {},
  };
}
