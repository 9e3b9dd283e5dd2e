// What the CLI tells the user after loading inputs: dropped rows, data warnings, model/config differences.

import type { Config } from '../config/index.ts';
import type { LoadBarsResult } from '../data/index.ts';
import type { RegimeModel } from '../regime/index.ts';
import { modelConfigDifferences, requireRegimeTablesCover } from '../regime/index.ts';
import { note } from './output.ts';

/** Prints the repair summary and every warning of a loaded bar file (stderr). */
export function noteLoadResult(data: LoadBarsResult): void {
  if (data.repairSummary) note(data.repairSummary);
  for (const w of data.warnings) note(`warning: ${w}`);
}

/** Warns about each setting where the model at `path` differs from `config`; refuses labels the config's tables lack. */
export function checkModelAgainstConfig(path: string, model: RegimeModel, config: Config): void {
  requireRegimeTablesCover(model, config, path);
  for (const d of modelConfigDifferences(model, config)) note(`warning: ${path}: ${d} (the model's setting is used)`);
}
