// `txbot walkforward`: rolling train/test windows (or one split), each trained on earlier days only.

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { loadConfig } from '../../config/index.ts';
import { loadBars, tradingDatesOf } from '../../data/index.ts';
import { UsageError } from '../../domain/index.ts';
import { rollingWindows, splitWindow, writeWalkForward } from '../../backtest/index.ts';
import { runWalkForward, buildRunContext } from '../../app/index.ts';
import { createProgress } from '../progress.ts';
import { note, out } from '../output.ts';
import { CONFIG_OPTION, DATA_OPTION, FROM_OPTION, TO_OPTION, outOption, parseIntOption, parseNumberOption } from '../options.ts';
import { noteLoadResult } from '../loadNotes.ts';
import { parseDateRangeOptions } from '../optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from '../outputPath.ts';
import { printSummary } from '../summaryPrinter.ts';
import { LABEL_HORIZON_OPTION, walkForwardLabelQuality } from '../labelQualityTable.ts';
import { labelQualityLines } from '../../regime/index.ts';
import { outputDir, stableJson } from '../../report/index.ts';

interface WalkForwardOpts {
  data: string;
  trainDays?: string;
  testDays?: string;
  stepDays?: string;
  split?: string;
  jobs?: string;
  from?: string;
  to?: string;
  config?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  out: string;
  labelHorizon?: string;
}

export function registerWalkForwardCommand(program: Command): void {
  program
    .command('walkforward')
    .description(commandSummary('walkforward'))
    .requiredOption(...DATA_OPTION)
    .option('--train-days <n>', 'trading days per training window (default walk_forward.train_days)')
    .option('--test-days <n>', 'trading days per test window (default walk_forward.test_days)')
    .option('--step-days <n>', 'trading days the windows move (default walk_forward.step_days; >= test days)')
    .option('--split <fraction>', 'one split instead: the first FRACTION of days train, the rest test (e.g. 0.7)')
    .option('--jobs <n>', 'worker threads (0 = all cores; default walk_forward.jobs)')
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option(...INSTRUMENT_OPTION)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .option(...LABEL_HORIZON_OPTION)
    .requiredOption(...outOption('dir', 'output folder'))
    .addHelpText(
      'after',
      `
Examples:
  txbot walkforward --data ../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz --from 2021-01-01 --train-days 60 --test-days 10 --step-days 10 --out out/wf
  txbot walkforward --data bars.csv --split 0.7 --out out/split`,
    )
    .action(async (opts: WalkForwardOpts) => {
      checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
      const range = parseDateRangeOptions(opts);
      const loaded = withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts));
      const wf = loaded.config.walk_forward;
      const trainDays = opts.trainDays ? parseIntOption('--train-days', opts.trainDays, 1) : wf.train_days;
      const testDays = opts.testDays ? parseIntOption('--test-days', opts.testDays, 1) : wf.test_days;
      const stepDays = opts.stepDays ? parseIntOption('--step-days', opts.stepDays, 1) : wf.step_days;
      if (!opts.split && stepDays < testDays)
        throw new UsageError(`--step-days ${stepDays} is below --test-days ${testDays}: test windows would overlap and count days twice`);
      const jobs = opts.jobs ? parseIntOption('--jobs', opts.jobs, 0) : wf.jobs;
      note(`loading ${opts.data} ...`);
      const data = await loadBars(opts.data, {
        timezone: loaded.config.data.timezone,
        policy: loaded.config.data.policy,
        barMinutes: loaded.config.data.bar_minutes,
        ...range,
        rolls: rollTableFor(loaded, loaded.config.backtest.instrument, opts.data, opts.rolls),
      });
      noteLoadResult(data);
      const dates = tradingDatesOf(data.series);
      const windows = opts.split
        ? splitWindow(dates, parseNumberOption('--split', opts.split, 0, 1))
        : rollingWindows(dates, trainDays, testDays, stepDays);
      note(`${windows.length} window(s) over ${dates.length} trading days; training a fresh HMM per window ...`);
      const progress = createProgress('walk-forward windows', windows.length);
      const results = await runWalkForward({ loaded, series: data.series, windows, jobs, onWindowDone: (done) => progress.update(done) });
      progress.stop();
      const { summary } = writeWalkForward(buildRunContext(loaded, 'walkforward'), data.series, results, opts.out, opts.data);
      printSummary(summary.stitched);
      const acc = summary.account;
      out(
        `one continuous out-of-sample account: net ${acc.netPnl.toFixed(2)}, max drawdown ${acc.maxDrawdown.toFixed(2)}, breach ${acc.breach ?? 'none'}, stall ${acc.stall ? acc.stall.date : 'none'}, min room to MLL floor ${acc.minRoomToFloorUsd ?? 'n/a'}`,
      );
      const a = summary.acrossWindows;
      out(
        `across ${windows.length} windows (each from a fresh account): net P&L mean ${a.netPnl.mean} (std ${a.netPnl.std}), sharpe mean ${a.sharpe.mean} (std ${a.sharpe.std})`,
      );
      const horizon = opts.labelHorizon ? parseIntOption('--label-horizon', opts.labelHorizon, 1) : 1;
      const quality = walkForwardLabelQuality(data.series, results, loaded.config, horizon);
      outputDir(opts.out).write('label-quality.json', stableJson(quality));
      out('');
      for (const l of labelQualityLines(quality, `label quality (out of sample: every window's test days, labelled by that window's model):`)) out(l);
      out(`report: ${opts.out}/report.html; label quality: ${opts.out}/label-quality.json`);
    });
}
