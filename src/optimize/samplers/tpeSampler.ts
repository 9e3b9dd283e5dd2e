// Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate, written here rather than taken from npm.
//
// Why not a package: the npm registry has no maintained, typed TPE. The one JavaScript port found,
// `hyperparameters` 0.25.6 (a port of hyperopt), ships no TypeScript types, has had no maintenance in
// years and draws from its own random state rather than a seed we control; npm's search endpoint is not
// reachable from this workplace, and the local package list names nothing else. The algorithm is ~150
// lines over our seeded Rng, so it is written here, test-covered, and deterministic for a seed.

import { createRng } from '../../domain/index.ts';
import { canonicalJson } from '../canonicalJson.ts';
import type { ChoiceDimension, Dimension, ParameterSpace } from '../space.ts';
import type { JsonValue, ParamValue, Params } from '../types.ts';
import { fitCategorical, fitParzenMixture, mixtureLogDensity, mixtureLogMass, sampleCategorical, sampleMixture } from './parzenEstimator.ts';
import { numericScale, type NumericScale } from './numericScale.ts';
import { drawUniformParams } from './randomSampler.ts';
import type { Sampler } from './sampler.ts';

export interface TpeOptions {
  /** Trials drawn uniformly at random before the model is used (hyperopt default 20, Optuna 10). */
  readonly nStartup: number;
  /** Share γ of the scored trials forming the good set l(x): n_l = ceil(γ · n) (hyperopt default 0.25). */
  readonly gamma: number;
  /** Candidates drawn from l(x) per proposal; the one with the largest l(x)/g(x) is proposed (hyperopt default 24). */
  readonly nCandidates: number;
  /** Weight of the prior component of every estimator (hyperopt default 1). */
  readonly priorWeight: number;
}

export const DEFAULT_TPE_OPTIONS: TpeOptions = { nStartup: 10, gamma: 0.25, nCandidates: 24, priorWeight: 1 };

interface DimensionModel {
  sample(): ParamValue;
  /** log l(x) - log g(x) of this dimension's value. */
  logRatio(value: ParamValue): number;
}

function choiceIndex(dim: ChoiceDimension): (v: ParamValue) => number {
  const ids = dim.choices.map((c) => canonicalJson(c as JsonValue));
  return (v) => ids.indexOf(canonicalJson(v as JsonValue));
}

function numericModel(scale: NumericScale, good: number[], bad: number[], o: TpeOptions, rng: ReturnType<typeof createRng>): DimensionModel {
  const l = fitParzenMixture(good.map(scale.toU), scale.lo, scale.hi, o.priorWeight);
  const g = fitParzenMixture(bad.map(scale.toU), scale.lo, scale.hi, o.priorWeight);
  return {
    sample: () => scale.toValue(sampleMixture(l, rng)),
    logRatio(value) {
      const v = value as number;
      if (!scale.discrete) return mixtureLogDensity(l, scale.toU(v)) - mixtureLogDensity(g, scale.toU(v));
      const [a, b] = scale.bin(v);
      return mixtureLogMass(l, a, b) - mixtureLogMass(g, a, b);
    },
  };
}

function dimensionModel(dim: Dimension, good: Params[], bad: Params[], o: TpeOptions, rng: ReturnType<typeof createRng>): DimensionModel {
  if (dim.kind === 'choice') {
    const index = choiceIndex(dim);
    const pl = fitCategorical(
      good.map((p) => index(p[dim.key]!)).filter((i) => i >= 0),
      dim.choices.length,
      o.priorWeight,
    );
    const pg = fitCategorical(
      bad.map((p) => index(p[dim.key]!)).filter((i) => i >= 0),
      dim.choices.length,
      o.priorWeight,
    );
    return {
      sample: () => dim.choices[sampleCategorical(pl, rng)]!,
      logRatio: (v) => Math.log(pl[index(v)]!) - Math.log(pg[index(v)]!),
    };
  }
  const values = (ps: Params[]) => ps.map((p) => p[dim.key] as number);
  return numericModel(numericScale(dim), values(good), values(bad), o, rng);
}

/**
 * Creates a TPE sampler. After `nStartup` told trials, the scored trials are split by value: the best
 * n_l = max(1, ceil(γ n)) form l(x), the rest g(x); each dimension gets a Parzen estimator for both, and of
 * `nCandidates` points drawn from l the one maximizing Σ_d log l_d(x_d)/g_d(x_d) is proposed, which maximizes
 * expected improvement under the TPE model (EI ∝ (γ + (1-γ) g(x)/l(x))⁻¹).
 * Failed trials (value null) count toward the startup but are left out of both estimators.
 * Source: J. Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NIPS 2011, §4 (eq. 2 and the EI derivation).
 */
export function createTpeSampler(space: ParameterSpace, seed: number, options: Partial<TpeOptions> = {}): Sampler {
  const o = { ...DEFAULT_TPE_OPTIONS, ...options };
  const rng = createRng(seed);
  const history: { params: Params; value: number | null; order: number }[] = [];
  return {
    ask(): Params {
      const scored = history.filter((h) => h.value !== null);
      if (history.length < o.nStartup || scored.length === 0) return drawUniformParams(space, rng);
      // Best first; equal values keep the order they were told in, so ties never depend on sort stability.
      scored.sort((a, b) => b.value! - a.value! || a.order - b.order);
      const nGood = Math.max(1, Math.ceil(o.gamma * scored.length));
      const good = scored.slice(0, nGood).map((h) => h.params);
      const bad = scored.slice(nGood).map((h) => h.params);
      const models = space.dimensions.map((d) => dimensionModel(d, good, bad, o, rng));
      let best: Params | null = null;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < o.nCandidates; c++) {
        const values = models.map((m) => m.sample());
        let score = 0;
        for (let d = 0; d < models.length; d++) score += models[d]!.logRatio(values[d]!);
        if (score > bestScore) {
          bestScore = score;
          best = Object.fromEntries(space.dimensions.map((dim, d) => [dim.key, values[d]!]));
        }
      }
      return best ?? drawUniformParams(space, rng);
    },
    tell(params, value) {
      history.push({ params, value, order: history.length });
    },
  };
}
