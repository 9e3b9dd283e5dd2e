// Maps a numeric dimension to the internal axis u that samplers draw on: linear, log, or the bins of a stepped grid.

import type { FloatDimension, IntDimension } from '../space.ts';
import { dimensionValues } from '../space.ts';

/**
 * The sampling axis of a numeric dimension: u ∈ [lo, hi]. Continuous ranges use u = x (or ln x for log);
 * discrete ones (a step, or integers) give each value a bin [u_a, u_b] of the axis, so a uniform u is a
 * uniform value and a density on u integrates to a probability per value.
 */
export interface NumericScale {
  readonly lo: number;
  readonly hi: number;
  readonly discrete: boolean;
  toValue(u: number): number;
  toU(value: number): number;
  /** Axis interval of a discrete value (discrete scales only). */
  bin(value: number): readonly [number, number];
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
/** Continuous samples keep 8 significant digits: readable in reports, still effectively continuous. */
const round8 = (x: number): number => Number(x.toPrecision(8));

/** Builds the sampling axis of a numeric dimension. */
export function numericScale(dim: FloatDimension | IntDimension): NumericScale {
  if (dim.kind === 'int' && dim.log) {
    return {
      lo: Math.log(dim.min - 0.5),
      hi: Math.log(dim.max + 0.5),
      discrete: true,
      toValue: (u) => clamp(Math.round(Math.exp(u)), dim.min, dim.max),
      toU: (v) => Math.log(v),
      bin: (v) => [Math.log(v - 0.5), Math.log(v + 0.5)],
    };
  }
  if (dim.log) {
    return {
      lo: Math.log(dim.min),
      hi: Math.log(dim.max),
      discrete: false,
      toValue: (u) => clamp(round8(Math.exp(u)), dim.min, dim.max),
      toU: (v) => Math.log(v),
      bin: () => {
        throw new Error('bin of a continuous scale');
      },
    };
  }
  const grid = dimensionValues(dim);
  if (grid) {
    const step = dim.step!;
    const half = step / 2;
    return {
      lo: (grid[0]! as number) - half,
      hi: (grid[grid.length - 1]! as number) + half,
      discrete: true,
      toValue: (u) => grid[clamp(Math.round((u - dim.min) / step), 0, grid.length - 1)] as number,
      toU: (v) => v,
      bin: (v) => [v - half, v + half],
    };
  }
  return {
    lo: dim.min,
    hi: dim.max,
    discrete: false,
    toValue: (u) => clamp(round8(u), dim.min, dim.max),
    toU: (v) => v,
    bin: () => {
      throw new Error('bin of a continuous scale');
    },
  };
}
