// Optimization specs over the toy trial: a 2-D space with a known best, settings built directly (toy keys are not config keys).

import { fileURLToPath } from 'node:url';
import { objectiveSchema } from '../../../src/optimize/objective.ts';
import type { OptimizeSettings } from '../../../src/optimize/optimizeConfig.ts';
import type { OptimizationSpec } from '../../../src/optimize/optimizer.ts';
import { DEFAULT_TPE_OPTIONS } from '../../../src/optimize/samplers/tpeSampler.ts';
import type { ParameterSpace } from '../../../src/optimize/space.ts';
import type { ToyContext } from './toyTrials.ts';

export const TOY_MODULE = fileURLToPath(new URL('./toyTrials.ts', import.meta.url));
export const TOY_SHA = 'c0ffee'.padEnd(64, '0');

export const TOY_SPACE: ParameterSpace = {
  dimensions: [
    { kind: 'float', key: 'x', min: -1, max: 1, log: false, step: null },
    { kind: 'float', key: 'y', min: -1, max: 1, log: false, step: null },
  ],
};

/** A grid over x only (0, 0.1, ..., 0.5), small enough for process tests. */
export const TOY_GRID: ParameterSpace = { dimensions: [{ kind: 'float', key: 'x', min: 0, max: 0.5, log: false, step: 0.1 }] };

export function toySettings(overrides: Partial<OptimizeSettings> = {}): OptimizeSettings {
  return {
    space: TOY_SPACE,
    sampler: { kind: 'tpe', ...DEFAULT_TPE_OPTIONS, nStartup: 8 },
    trials: 24,
    seed: 3,
    objective: objectiveSchema.parse({ kind: 'sharpe' }),
    batchSize: 4,
    retry: { attempts: 2, backoffMs: 10 },
    pboPartitions: 8,
    ...overrides,
  };
}

export function toySpec(settings: OptimizeSettings, context: ToyContext = {}, windows = 2): OptimizationSpec {
  return { settings, windows, dataSha256: TOY_SHA, trial: { module: TOY_MODULE, exportName: 'toyTrial' }, context: { ...context } };
}
