// What the CLI tells the user after loading inputs: dropped rows, data warnings, model/config differences.

import type { Config } from '../config/index.ts';
import type { LoadBarsResult } from '../data/index.ts';
import { underlyingOf } from '../data/index.ts';
import { ModelError } from '../domain/index.ts';
import type { RegimeModel } from '../regime/index.ts';
import { modelConfigDifferences, requireRegimeTablesCover } from '../regime/index.ts';
import { note } from './output.ts';

/** Prints the repair summary and every warning of a loaded bar file (stderr). */
export function noteLoadResult(data: LoadBarsResult): void {
  if (data.repairSummary) note(data.repairSummary);
  for (const w of data.warnings) note(`warning: ${w}`);
  const b = data.backAdjustment;
  if (b) {
    note(
      `back-adjusted with ${b.file}: ${b.rolls} roll(s) inside the bars; the first bar moved ${b.firstBarShiftPts} points, the last contract's prices are as traded`,
    );
    if (b.barsBeforeTable) note(`warning: ${b.barsBeforeTable} bar(s) before the roll table's first date were moved as its first contract`);
  }
}

/**
 * Warns about each setting where the model at `path` differs from `config`; refuses labels the config's
 * tables lack and a model recorded for another instrument than `symbol` (default backtest.instrument).
 */
export function checkModelAgainstConfig(path: string, model: RegimeModel, config: Config, symbol = config.backtest.instrument): void {
  requireModelInstrument(path, model, symbol);
  requireRegimeTablesCover(model, config, path);
  for (const d of modelConfigDifferences(model, config)) note(`warning: ${path}: ${d} (the model's setting is used)`);
}

/**
 * Refuses the model at `path` when it records an instrument on another underlying than `symbol` (an MES
 * model for MGC; MES and ES share their bars, so an ES model serves MES). A model that records none, or
 * `symbol` auto, passes.
 */
export function requireModelInstrument(path: string, model: RegimeModel, symbol: string): void {
  if (model.symbol === undefined || symbol === 'auto' || underlyingOf(model.symbol) === underlyingOf(symbol)) return;
  throw new ModelError('MODEL_INSTRUMENT_MISMATCH', `${path}: the model was trained for ${model.symbol}, not ${symbol}`, {
    hint: `use a ${symbol} model (txbot train --data FILE --instrument ${symbol}), or run on ${model.symbol} bars`,
  });
}
