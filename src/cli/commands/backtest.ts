// `txbot backtest`: run the engine over a historical file with a saved model (or train in-sample).

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { collect, parseSymbolFiles, type SymbolFile } from '../symbolFiles.ts';
import { pluginWarnings, runBacktestJob } from '../../backtest/index.ts';
import { loadPortfolioInputs, runPortfolioWithProgress } from '../portfolioInputs.ts';
import { CONFIG_OPTION, DECISIONS_OPTION, FROM_OPTION, TO_OPTION, outOption } from '../options.ts';
import { buildRunContext } from '../../app/index.ts';
import { loadConfig } from '../../config/index.ts';
import { loadBars } from '../../data/index.ts';
import { UsageError } from '../../domain/index.ts';
import { loadModelFile } from '../../state/index.ts';
import { createProgress } from '../progress.ts';
import { emProgressPrinter } from '../emProgress.ts';
import { note, out } from '../output.ts';
import { checkModelAgainstConfig, noteLoadResult } from '../loadNotes.ts';
import { applyDecisionsOption, parseDateRangeOptions, parsePolicyOption } from '../optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from '../outputPath.ts';
import { printSummary } from '../summaryPrinter.ts';
import { runRetrainBacktestCommand, type RetrainBacktestOpts as BacktestOpts } from '../retrainBacktest.ts';

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(commandSummary('backtest'))
    .requiredOption('--data <file>', 'bar file (CSV or CSV.gz); several instruments on one account: --data SYM=FILE, repeated', collect)
    .option('--model <file>', 'saved regime model (from txbot train); several instruments: --model SYM=FILE, repeated', collect)
    .option('--train', 'train the HMM on the same bars (in-sample; the report says so)')
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option(...INSTRUMENT_OPTION)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .option(...DECISIONS_OPTION)
    .requiredOption(...outOption('dir', 'output folder'))
    .option('--retrain', 'also run with scheduled + drift retraining from --model (out/fixed, out/retraining, comparison.json)')
    .option('--no-drift', 'with --retrain: scheduled retraining only')
    .addHelpText(
      'after',
      `
Examples:
  txbot backtest --data ../shared/data/nq_5min_firstrate_sample_2026-01-04_2026-01-19_ET.csv --train --out out/nq
  txbot train --data es.csv.gz --to 2021-12-31 --out models/es.json
  txbot backtest --data es.csv.gz --model models/es.json --from 2022-01-01 --out out/es-2022
  txbot backtest --data bars.csv --instrument MES --model models/es.json --out out/mes
  txbot backtest --data es.csv.gz --model models/es.json --from 2022-01-01 --to 2022-12-31 --retrain --out out/es-2022-rt
  txbot backtest --data ../shared/data/mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz --rolls ../shared/data/mgc_rolls_databento_2020-12-21_2025-12-19.csv --train --out out/mgc
  txbot backtest --data MES=es.csv.gz --data MGC=mgc.csv.gz --model MES=models/es.json --model MGC=models/mgc.json --from 2022-01-01 --out out/mes-mgc`,
    )
    .action((opts: BacktestOpts & { data: string[]; model?: string[] }) => {
      const data = parseSymbolFiles('--data', opts.data);
      const models = parseSymbolFiles('--model', opts.model);
      if (data.length === 1 && data[0]!.symbol === null) {
        if (models.some((m) => m.symbol !== null)) throw new UsageError('--model SYM=FILE goes with --data SYM=FILE');
        if (models.length > 1) throw new UsageError('--model: one model for one --data file');
        return runBacktestCommand({ ...opts, data: data[0]!.file, model: models[0]?.file });
      }
      return runPortfolioCommand(opts, data, models);
    });
}

async function runBacktestCommand(opts: BacktestOpts): Promise<void> {
  if (opts.retrain) return runRetrainBacktestCommand(opts);
  if (!opts.model && !opts.train) throw new UsageError('give --model FILE (a trained model) or --train (fit on the same bars, in-sample)');
  if (opts.model && opts.train) throw new UsageError('--model and --train exclude each other');
  checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
  const policy = parsePolicyOption(opts.policy);
  const range = parseDateRangeOptions(opts);
  const loaded = applyDecisionsOption(withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts)), opts.decisions);
  const model = opts.model ? loadModelFile(opts.model) : null;
  if (model) checkModelAgainstConfig(opts.model!, model, loaded.config);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: loaded.config.data.timezone,
    policy: policy ?? loaded.config.data.policy,
    barMinutes: loaded.config.data.bar_minutes,
    ...range,
    rolls: rollTableFor(loaded, loaded.config.backtest.instrument, opts.data, opts.rolls),
  });
  noteLoadResult(data);
  if (opts.train) note('training the HMM on the same bars (in-sample) ...');
  let progress: ReturnType<typeof createProgress> | null = null;
  const ctx = buildRunContext(loaded, 'backtest');
  const result = runBacktestJob(ctx, {
    series: data.series,
    dataLabel: opts.data,
    model,
    outDir: opts.out,
    onTrainIteration: emProgressPrinter(),
    onProgress: (done, total) => {
      progress ??= createProgress('backtest', total);
      progress.update(done);
    },
  });
  (progress as ReturnType<typeof createProgress> | null)?.stop();
  printSummary(result.summary);
  for (const w of pluginWarnings(ctx)) note(`warning: ${w}`);
  out(`report: ${opts.out}/report.html`);
}

/** `txbot backtest --data SYM=FILE ...`: several instruments on one account. */
async function runPortfolioCommand(opts: BacktestOpts & { data: string[] }, data: SymbolFile[], models: SymbolFile[]): Promise<void> {
  if (opts.retrain) throw new UsageError('--retrain works with one instrument; give one --data FILE');
  const named = instrumentOptionValue(opts);
  if (named) throw new UsageError(`${named.option} sets the instrument of one --data FILE; with --data SYM=FILE each file names its own`);
  const { loaded, symbols, inputs } = await loadPortfolioInputs(opts, data, models, parsePolicyOption(opts.policy));
  if (opts.train) note('training one HMM per instrument on its own bars (in-sample) ...');
  const ctx = buildRunContext(loaded, 'backtest', { symbols });
  runPortfolioWithProgress(ctx, inputs, opts.out);
  for (const w of pluginWarnings(ctx)) note(`warning: ${w}`);
  out(`report: ${opts.out}/report.html`);
}
