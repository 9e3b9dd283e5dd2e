// `txbot retrain`: one retrain from a bar file: train on the window before the held-out validation days,
// score the current and the new model there, swap (commit to the model store) only when the new is better.

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { loadConfig } from '../../config/index.ts';
import { loadBars } from '../../data/index.ts';
import { loadModelFile, LocalModelStore } from '../../state/index.ts';
import { ModelError } from '../../domain/index.ts';
import { runRetrain, type RetrainOutcome } from '../../regime/index.ts';
import { emProgressPrinter } from '../emProgress.ts';
import { note, out, table } from '../output.ts';
import { CONFIG_OPTION, dataOption, outOption, parseIntOption } from '../options.ts';
import { checkModelAgainstConfig, noteLoadResult } from '../loadNotes.ts';
import { parseCalendarDateOption, parsePolicyOption } from '../optionValues.ts';
import { checkOutputPath, runInputs, type OutputSpec } from '../outputPath.ts';

interface RetrainOpts {
  data: string;
  model: string;
  windowDays?: string;
  validationDays?: string;
  to?: string;
  out: string;
  config?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  policy?: string;
}

export function registerRetrainCommand(program: Command): void {
  program
    .command('retrain')
    .description(commandSummary('retrain'))
    .requiredOption(...dataOption('its last window + validation trading days are used'))
    .requiredOption('--model <file>', 'the current regime model')
    .option('--window-days <n>', 'training trading days (default retrain.window_days)')
    .option('--validation-days <n>', 'held-out most recent trading days, never trained on (default retrain.validation_days)')
    .option('--to <date>', 'last trading date to use YYYY-MM-DD (default: end of file)')
    .requiredOption(...outOption('dir', 'model store folder (versioned models + current.json); the current model is imported first when empty'))
    .option(...CONFIG_OPTION)
    .option(...INSTRUMENT_OPTION)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .addHelpText(
      'after',
      `
Scores are mean per-bar log-likelihoods on the validation days in original feature units (higher is
better). The new model's states are re-sorted by mean return; "label mapping" shows which new label the
bars of each old label got on the validation days. A model store is per instrument (--instrument or
--symbol, else the data file's name): its models record the instrument, and a store or a --model of
another instrument is refused.

Examples:
  txbot retrain --data es.csv.gz --model models/es2021.json --to 2022-06-30 --out models/es
  txbot retrain --data es.csv.gz --model models/es/model-000002.json --window-days 60 --validation-days 5 --out models/es
  txbot retrain --data ../shared/data/mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz --symbol MGC --model models/mgc2021.json --to 2022-06-30 --out models/mgc
  txbot drift --data es.csv.gz --model models/es2021.json --from 2022-01-01`,
    )
    .action((opts: RetrainOpts) => runRetrainCommand(opts));
}

/** A model store folder: any other content is left alone, and the current model may live inside it. */
const MODEL_STORE_FOLDER: OutputSpec = { kind: 'folder', names: null, inputsMayBeInside: true };

async function runRetrainCommand(opts: RetrainOpts): Promise<void> {
  checkOutputPath('--out', opts.out, MODEL_STORE_FOLDER, runInputs(opts));
  const policy = parsePolicyOption(opts.policy);
  const to = parseCalendarDateOption('--to', opts.to);
  const loaded = withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts));
  const c = loaded.config;
  const windowDays = opts.windowDays === undefined ? c.retrain.window_days : parseIntOption('--window-days', opts.windowDays, 2);
  const validationDays = opts.validationDays === undefined ? c.retrain.validation_days : parseIntOption('--validation-days', opts.validationDays, 1);
  const current = loadModelFile(opts.model);
  checkModelAgainstConfig(opts.model, current, c);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: c.data.timezone,
    policy: policy ?? c.data.policy,
    barMinutes: c.data.bar_minutes,
    to,
    rolls: rollTableFor(loaded, c.backtest.instrument, opts.data, opts.rolls),
  });
  noteLoadResult(data);
  const symbol = c.backtest.instrument;
  const store = await LocalModelStore.open(opts.out, { keep: c.retrain.keep_models });
  const stored = await store.current();
  if (stored?.model.symbol !== undefined && stored.model.symbol !== symbol)
    throw new ModelError(
      'MODEL_INSTRUMENT_MISMATCH',
      `${opts.out}: the model store holds ${stored.model.symbol} models (current version ${stored.version}), not ${symbol}`,
      { hint: `a model store is per instrument: give ${symbol} its own folder, e.g. --out models/${symbol.toLowerCase()}` },
    );
  note(`training on ${windowDays} trading days before the last ${validationDays} (held out) ...`);
  const o = runRetrain(data.series, current, c, { windowDays, validationDays }, { onIteration: emProgressPrinter('retrain') });
  for (const w of o.warnings) note(`warning: ${w}`);
  printOutcome(o);
  if (o.decision === 'swapped') {
    // the store is per instrument: its models record the one they are for
    if (!stored) await store.commit({ ...current, symbol }, { tsMs: current.training.toTsMs, reason: `imported from ${basename(opts.model)}` });
    const v = await store.commit({ ...o.newModel, symbol }, { tsMs: o.newModel.training.toTsMs, reason: o.reason });
    out(`new model stored as version ${v.version}: ${v.location} (current.json points at it)`);
  } else {
    out(`store ${store.description} unchanged${stored ? ` (current version ${stored.version})` : ' (no model stored yet)'}`);
  }
}

function printOutcome(o: RetrainOutcome): void {
  out(
    `training days ${o.trainDates.from} to ${o.trainDates.to} (${o.trainDates.days}); validation days ${o.validationDates.from} to ${o.validationDates.to} (${o.validationDates.days}, ${o.validationBars} bars)`,
  );
  if (o.currentInSample)
    out(
      `IN-SAMPLE: ${o.currentInSample.replace('tested bars', 'validation days')}; the current model's score there is in-sample and favours keeping it`,
    );
  out(`current model score: ${o.currentScore === null ? 'n/a' : o.currentScore.toFixed(4)} per bar${o.currentInSample ? ' (in-sample)' : ''}`);
  out(`new model score:     ${o.newScore.toFixed(4)} per bar`);
  out(`decision: ${o.decision === 'swapped' ? 'SWAPPED' : 'KEPT'} (${o.code}): ${o.reason}`);
  if (o.labelMapping.length) {
    out('\nlabel mapping on the validation days (old → new):');
    out(
      table(
        ['old label', 'new label', 'share', 'bars'],
        o.labelMapping.map((m) => [m.oldLabel, m.newLabel ?? '-', m.bars ? `${(m.share * 100).toFixed(1)}%` : '-', m.bars]),
      ),
    );
  }
}
