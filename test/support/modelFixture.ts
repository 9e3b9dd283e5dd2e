// A small trained regime model (synthetic bars, one short EM run) as an object and as JSON, for tests
// that edit model files field by field.

import { validateConfig, type Config } from '../../src/config/index.ts';
import { generateSyntheticBars } from '../../src/data/index.ts';
import { regimeModelToJson, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';

/** The config the fixture model is trained with (defaults, one restart, 15 iterations). */
export const FIXTURE_CONFIG: Config = validateConfig({ hmm: { restarts: 1, n_iter: 15 } }, 'test config');

let cached: RegimeModel | null = null;

/** The fixture model (trained once per test file). */
export function fixtureModel(): RegimeModel {
  cached ??= trainRegimeModel(generateSyntheticBars({ seed: 11, days: 12 }).series, FIXTURE_CONFIG).model;
  return cached;
}

/** The fixture model's JSON as a plain object (a fresh copy each call). */
export function fixtureModelObject(): Record<string, unknown> {
  return JSON.parse(regimeModelToJson(fixtureModel())) as Record<string, unknown>;
}
