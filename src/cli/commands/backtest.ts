// `txbot backtest`: run the engine over a historical file with a saved model (or train in-sample).

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION, DATA_OPTION, FROM_OPTION, TO_OPTION, outOption } from '../options.ts';
import { buildRunContext } from '../../app/runContext.ts';
import { loadConfig } from '../../config/index.ts';
import { loadBars } from '../../data/index.ts';
import { UsageError } from '../../domain/errors.ts';
import { pluginWarnings, runBacktestJob } from '../../backtest/backtestJob.ts';
import { loadModelFile } from '../../state/modelFiles.ts';
import { createProgress } from '../progress.ts';
import { emProgressPrinter } from '../emProgress.ts';
import { note, out } from '../output.ts';
import { checkModelAgainstConfig, noteLoadResult } from '../loadNotes.ts';
import { parseDateRangeOptions, parsePolicyOption } from '../optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from '../outputPath.ts';
import { printSummary } from '../summaryPrinter.ts';
import { runRetrainBacktestCommand, type RetrainBacktestOpts as BacktestOpts } from '../retrainBacktest.ts';

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(commandSummary('backtest'))
    .requiredOption(...DATA_OPTION)
    .option('--model <file>', 'saved regime model (from txbot train)')
    .option('--train', 'train the HMM on the same bars (in-sample; the report says so)')
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
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
  txbot backtest --data es.csv.gz --model models/es.json --from 2022-01-01 --to 2022-12-31 --retrain --out out/es-2022-rt`,
    )
    .action((opts: BacktestOpts) => runBacktestCommand(opts));
}

async function runBacktestCommand(opts: BacktestOpts): Promise<void> {
  if (opts.retrain) return runRetrainBacktestCommand(opts);
  if (!opts.model && !opts.train) throw new UsageError('give --model FILE (a trained model) or --train (fit on the same bars, in-sample)');
  if (opts.model && opts.train) throw new UsageError('--model and --train exclude each other');
  checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
  const policy = parsePolicyOption(opts.policy);
  const range = parseDateRangeOptions(opts);
  const loaded = loadConfig({ file: opts.config });
  const model = opts.model ? loadModelFile(opts.model) : null;
  if (model) checkModelAgainstConfig(opts.model!, model, loaded.config);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: loaded.config.data.timezone,
    policy: policy ?? loaded.config.data.policy,
    barMinutes: loaded.config.data.bar_minutes,
    ...range,
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
