// `txbot drift`: replays a bar file through a saved model and prints, per trading day, the rolling
// log-likelihood ratio against the baseline (held-out days by default) and when the drift trigger would have fired.

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { loadConfig } from '../../config/index.ts';
import { loadBars } from '../../data/index.ts';
import { sessionInfo, dateKeyOfDays } from '../../domain/index.ts';
import { loadModelFile } from '../../state/index.ts';
import { driftRatio, replayDrift } from '../../regime/index.ts';
import { note, out, table } from '../output.ts';
import { CONFIG_OPTION, DATA_OPTION, FROM_OPTION, TO_OPTION, parseIntOption, parseNumberOption } from '../options.ts';
import { checkModelAgainstConfig, noteLoadResult } from '../loadNotes.ts';
import { parseDateRangeOptions, parsePolicyOption } from '../optionValues.ts';

interface DriftOpts {
  data: string;
  model: string;
  from?: string;
  to?: string;
  threshold?: string;
  windowDays?: string;
  config?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  policy?: string;
}

export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .description(commandSummary('drift'))
    .requiredOption(...DATA_OPTION)
    .requiredOption('--model <file>', 'saved regime model (from txbot train or txbot retrain)')
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option('--threshold <fraction>', 'drift when this fraction worse than the baseline (default retrain.drift_threshold)')
    .option('--window-days <n>', 'trading days in the rolling window (default retrain.drift_window_days)')
    .option(...CONFIG_OPTION)
    .option(...INSTRUMENT_OPTION)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .addHelpText(
      'after',
      `
The ratio is 1 + (rolling mean - baseline) / |baseline| of the per-bar log-likelihood: 1 = as good as on
the training data, 0.8 = 20% worse. "trigger" marks the days a live retrain would have started (the
model kept, so the window starts afresh after each trigger).

Examples:
  txbot train --data es.csv.gz --from 2021-01-01 --to 2021-12-31 --out models/es2021.json
  txbot drift --data es.csv.gz --model models/es2021.json --from 2022-01-01 --to 2022-06-30
  txbot drift --data es.csv.gz --model models/es2021.json --threshold 0.1 --window-days 10
  txbot drift --data bars.csv --symbol MGC --model models/mgc2021.json --from 2022-01-01`,
    )
    .action((opts: DriftOpts) => runDriftCommand(opts));
}

async function runDriftCommand(opts: DriftOpts): Promise<void> {
  const policy = parsePolicyOption(opts.policy);
  const range = parseDateRangeOptions(opts);
  const loaded = withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts));
  const c = loaded.config;
  const thresholdFraction = opts.threshold === undefined ? c.retrain.drift_threshold : parseNumberOption('--threshold', opts.threshold, 0, 1);
  const windowDays = opts.windowDays === undefined ? c.retrain.drift_window_days : parseIntOption('--window-days', opts.windowDays, 1);
  const model = loadModelFile(opts.model);
  checkModelAgainstConfig(opts.model, model, c);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: c.data.timezone,
    policy: policy ?? c.data.policy,
    barMinutes: c.data.bar_minutes,
    ...range,
    rolls: rollTableFor(loaded, c.backtest.instrument, opts.data, opts.rolls),
  });
  noteLoadResult(data);
  const baseline = c.retrain.drift_baseline;
  const days = replayDrift(data.series, model, { thresholdFraction, windowDays, baseline });
  const training = model.training.logLikelihoodPerBar;
  const trainedOn = `training ${sessionInfo(model.training.fromTsMs).tradingDate} to ${sessionInfo(model.training.toTsMs).tradingDate}`;
  const measured = days.find((d) => !d.status.calibrating);
  const firstDays = days.filter((d) => d.status.calibrating).map((d) => dateKeyOfDays(d.tradingDay));
  out(
    baseline === 'training'
      ? `baseline: the in-sample training score ${training.toFixed(4)} per bar (${trainedOn}; retrain.drift_baseline training)`
      : measured
        ? `baseline: ${measured.status.baselineLogLikelihoodPerBar.toFixed(4)} per bar, the mean of the first ${firstDays.length} out-of-sample days (${firstDays[0]} to ${firstDays.at(-1)}); in-sample training score ${training.toFixed(4)} (${trainedOn}), ratio of the held-out baseline to it ${driftRatio(measured.status.baselineLogLikelihoodPerBar, training).toFixed(3)}`
        : `baseline: not measured yet (fewer than ${windowDays} + 1 trading days); in-sample training score ${training.toFixed(4)} (${trainedOn})`,
  );
  out(`drift below ratio ${(1 - thresholdFraction).toFixed(3)} over ${windowDays} trading days`);
  const rows = days.map((d) => [
    dateKeyOfDays(d.tradingDay),
    d.bars,
    d.dayMeanLogLikelihood.toFixed(4),
    d.status.rollingMeanLogLikelihood.toFixed(4),
    Number.isNaN(d.status.ratio) ? '-' : d.status.ratio.toFixed(3),
    d.status.calibrating ? 'baseline' : !d.status.warm ? 'warming up' : d.status.drifting ? 'DRIFT' : 'ok',
    d.triggered ? 'retrain' : '',
  ]);
  out(table(['date', 'bars', 'day mean', 'rolling mean', 'ratio', 'status', 'trigger'], rows));
  const fired = days.filter((d) => d.triggered).map((d) => dateKeyOfDays(d.tradingDay));
  out(
    fired.length ? `drift would have triggered a retrain on ${fired.length} day(s): ${fired.join(', ')}` : 'drift would not have triggered a retrain',
  );
}
