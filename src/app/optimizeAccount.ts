// The continuous out-of-sample account of `txbot optimize`: every window's test days re-run in order on ONE account
// (balance, trailing MLL, breach and daily limits carried across windows), each window with its chosen parameters
// and the model trained on its training days with them (as its test trial was). Same shape as walk-forward's.

import type { LoadedConfig } from '../config/index.ts';
import type { BarSeries } from '../domain/index.ts';
import { selectTradingDates } from '../data/index.ts';
import {
  runAccountOverWindows,
  continuousAccountOf,
  type AccountWindow,
  type WalkForwardAccount,
  type WalkForwardWindow,
} from '../backtest/index.ts';
import { applyParams, type Params } from '../optimize/index.ts';
import { trainRegimeModel, type RegimeModel } from '../regime/index.ts';
import { buildSummary, sha256 } from '../report/index.ts';
import { buildRunContext } from './runContext.ts';

export const OPTIMIZED_ACCOUNT_METHOD =
  "every window's test days re-run in order on one account (balance, trailing MLL, breach and daily limits carried across windows), each with the parameters chosen on its training days and the model trained there with them; the per-window out-of-sample figures start each window from a fresh account";

/**
 * Runs the account. `chosen[i]` is window i's selected parameters (null: nothing was chosen, the window does not
 * trade). Account-level rules (risk.*) are the base config's: one account has one set of rules, so searched risk.*
 * keys are named in the method as not applied to it.
 */
export function optimizedAccount(o: {
  loaded: LoadedConfig;
  symbol: string;
  series: BarSeries;
  dataSha256: string;
  windows: readonly WalkForwardWindow[];
  chosen: readonly (Params | null)[];
  spaceKeys: readonly string[];
}): WalkForwardAccount {
  const config = o.loaded.config;
  const base = buildRunContext(o.loaded, 'walkforward', { symbol: o.symbol });
  const models = new Map<string, RegimeModel>();
  const windows: AccountWindow[] = [];
  const skipped: number[] = [];
  o.windows.forEach((w, i) => {
    const params = o.chosen[i] ?? null;
    if (params === null) return void skipped.push(w.index);
    const own = applyParams(config, params);
    const key = `${i}|${JSON.stringify({ hmm: own.hmm, session: own.session, vwap: own.vwap, labels: own.state_labels })}`;
    let model = models.get(key);
    if (!model) {
      model = trainRegimeModel(selectTradingDates(o.series, w.trainFrom, w.trainTo), own).model;
      models.set(key, model);
    }
    const ctx = buildRunContext({ ...o.loaded, config: own }, 'walkforward', { symbol: o.symbol });
    windows.push({ window: w, model, ctx });
  });
  const run = runAccountOverWindows(base, o.series, windows);
  const first = windows[0]?.window;
  const last = windows[windows.length - 1]?.window;
  const test = first && last ? selectTradingDates(o.series, first.testFrom, last.testTo) : null;
  const stitched = buildSummary({
    run,
    config,
    instrument: base.instrument,
    instruments: base.instruments,
    startingBalanceUsd: base.startingBalanceUsd,
    inSampleReason: null,
    hashes: { config: sha256(JSON.stringify(config)), data: o.dataSha256, model: 'retrained per window' },
    firstMs: test?.length ? test.tsMs[0]! : null,
    lastMs: test?.length ? test.tsMs[test.length - 1]! : null,
  });
  const notes: string[] = [];
  const riskKeys = o.spaceKeys.filter((k) => k.startsWith('risk.'));
  if (riskKeys.length) notes.push(`the searched account rules ${riskKeys.join(', ')} are the base config's on this account`);
  if (skipped.length) notes.push(`windows without chosen parameters do not trade: ${skipped.join(', ')}`);
  return continuousAccountOf(stitched, [OPTIMIZED_ACCOUNT_METHOD, ...notes].join('; '));
}
