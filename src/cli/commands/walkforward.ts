// `txbot walkforward`: rolling train/test windows (or one split), each trained on earlier days only.

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { instrumentConfig, loadConfig, type Config } from '../../config/index.ts';
import { loadBars, tradingDatesOf } from '../../data/index.ts';
import { UsageError } from '../../domain/index.ts';
import { rollingWindows, splitWindow, writePortfolioWalkForward, writeWalkForward, type WalkForwardSummary } from '../../backtest/index.ts';
import { runPortfolioWalkForward, runWalkForward, buildRunContext } from '../../app/index.ts';
import { createProgress } from '../progress.ts';
import { note, out } from '../output.ts';
import { CONFIG_OPTION, FROM_OPTION, TO_OPTION, outOption, parseIntOption, parseNumberOption } from '../options.ts';
import { noteLoadResult } from '../loadNotes.ts';
import { parseDateRangeOptions } from '../optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from '../outputPath.ts';
import { printSummary } from '../summaryPrinter.ts';
import { collect, parseSymbolFiles, type SymbolFile } from '../symbolFiles.ts';
import { loadPortfolioInputs, printSymbolTable } from '../portfolioInputs.ts';
import { LABEL_HORIZON_OPTION, walkForwardLabelQuality } from '../labelQualityTable.ts';
import { labelQualityLines } from '../../regime/index.ts';
import { outputDir, stableJson } from '../../report/index.ts';

interface WalkForwardOpts {
  data: string[];
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
    .requiredOption(
      '--data <file>',
      'bar file (CSV or CSV.gz); several instruments on one account: --data SYM=FILE, repeated (windows follow the first instrument’s trading dates)',
      collect,
    )
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
  txbot walkforward --data bars.csv --split 0.7 --out out/split
  txbot walkforward --data MES=es.csv.gz --data MGC=mgc.csv.gz --from 2021-01-01 --train-days 60 --test-days 10 --step-days 10 --out out/wf-port`,
    )
    .action(async (raw: WalkForwardOpts) => {
      const files = parseSymbolFiles('--data', raw.data);
      if (files.length > 1 || files[0]!.symbol !== null) return runPortfolioWalkForwardCommand(raw, files);
      const opts = { ...raw, data: files[0]!.file };
      checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
      const range = parseDateRangeOptions(opts);
      const loaded = withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts));
      const { trainDays, testDays, stepDays, jobs } = windowOptions(opts, loaded.config);
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
      const windows = planWindows(opts, dates, trainDays, testDays, stepDays);
      note(`${windows.length} window(s) over ${dates.length} trading days; training a fresh HMM per window ...`);
      const progress = createProgress('walk-forward windows', windows.length);
      const results = await runWalkForward({ loaded, series: data.series, windows, jobs, onWindowDone: (done) => progress.update(done) });
      progress.stop();
      const { summary } = writeWalkForward(buildRunContext(loaded, 'walkforward'), data.series, results, opts.out, opts.data);
      printSummary(summary.stitched);
      printAccountLines(summary, windows.length);
      const horizon = opts.labelHorizon ? parseIntOption('--label-horizon', opts.labelHorizon, 1) : 1;
      const quality = walkForwardLabelQuality(data.series, results, loaded.config, horizon);
      outputDir(opts.out).write('label-quality.json', stableJson(quality));
      out('');
      for (const l of labelQualityLines(quality, `label quality (out of sample: every window's test days, labelled by that window's model):`)) out(l);
      out(`report: ${opts.out}/report.html; label quality: ${opts.out}/label-quality.json`);
    });
}

/** The window options (flags over walk_forward.*), checked. */
function windowOptions(opts: Omit<WalkForwardOpts, 'data'>, config: Config): { trainDays: number; testDays: number; stepDays: number; jobs: number } {
  const wf = config.walk_forward;
  const trainDays = opts.trainDays ? parseIntOption('--train-days', opts.trainDays, 1) : wf.train_days;
  const testDays = opts.testDays ? parseIntOption('--test-days', opts.testDays, 1) : wf.test_days;
  const stepDays = opts.stepDays ? parseIntOption('--step-days', opts.stepDays, 1) : wf.step_days;
  if (!opts.split && stepDays < testDays)
    throw new UsageError(`--step-days ${stepDays} is below --test-days ${testDays}: test windows would overlap and count days twice`);
  const jobs = opts.jobs ? parseIntOption('--jobs', opts.jobs, 0) : wf.jobs;
  return { trainDays, testDays, stepDays, jobs };
}

function planWindows(opts: Omit<WalkForwardOpts, 'data'>, dates: readonly string[], trainDays: number, testDays: number, stepDays: number) {
  return opts.split ? splitWindow(dates, parseNumberOption('--split', opts.split, 0, 1)) : rollingWindows(dates, trainDays, testDays, stepDays);
}

/** `txbot walkforward --data SYM=FILE ...`: several instruments on one account, one continuous out-of-sample account. */
async function runPortfolioWalkForwardCommand(opts: WalkForwardOpts, files: SymbolFile[]): Promise<void> {
  if (files.some((f) => f.symbol === null)) throw new UsageError('--data: with several instruments give --data SYM=FILE for each');
  const named = instrumentOptionValue(opts);
  if (named) throw new UsageError(`${named.option} sets the instrument of one --data FILE; with --data SYM=FILE each file names its own`);
  const { loaded, symbols, inputs } = await loadPortfolioInputs({ ...opts, train: true, decisions: undefined }, files, [], undefined);
  const { trainDays, testDays, stepDays, jobs } = windowOptions(opts, loaded.config);
  const ctx = buildRunContext(loaded, 'walkforward', { symbols });
  const ordered = ctx.instruments.map((i) => i.symbol);
  const series = new Map(ordered.map((s) => [s, inputs.get(s)!.series] as const));
  const dates = tradingDatesOf(series.get(ordered[0]!)!);
  const windows = planWindows(opts, dates, trainDays, testDays, stepDays);
  note(`${windows.length} window(s) over ${dates.length} trading days of ${ordered[0]}; training a fresh HMM per window and instrument ...`);
  const progress = createProgress('walk-forward windows', windows.length);
  const results = await runPortfolioWalkForward({ loaded, series, windows, jobs, onWindowDone: (done) => progress.update(done) });
  progress.stop();
  const { summary } = writePortfolioWalkForward(ctx, series, results, opts.out, files.map((f) => `${f.symbol}=${f.file}`).join(' '));
  printSummary(summary.stitched);
  printSymbolTable(summary.stitched);
  printAccountLines(summary, windows.length);
  const horizon = opts.labelHorizon ? parseIntOption('--label-horizon', opts.labelHorizon, 1) : 1;
  const quality = Object.fromEntries(
    ordered.map((s) => [
      s,
      walkForwardLabelQuality(
        series.get(s)!,
        results.map((r) => ({ window: r.window, regimeIndex: r.regimeIndex[s]!, modelLabels: r.modelLabels[s]! })),
        instrumentConfig(loaded.config, s),
        horizon,
      ),
    ]),
  );
  outputDir(opts.out).write('label-quality.json', stableJson(quality));
  for (const s of ordered) {
    out('');
    for (const l of labelQualityLines(quality[s]!, `${s} label quality (out of sample: every window's test days, labelled by that window's model):`))
      out(l);
  }
  out(`report: ${opts.out}/report.html; label quality: ${opts.out}/label-quality.json`);
}

/** The continuous account's line and the across-windows line of a walk-forward. */
function printAccountLines(summary: Pick<WalkForwardSummary, 'account' | 'acrossWindows'>, windows: number): void {
  const acc = summary.account;
  out(
    `one continuous out-of-sample account: net ${acc.netPnl.toFixed(2)}, max drawdown ${acc.maxDrawdown.toFixed(2)}, breach ${acc.breach ?? 'none'}, stall ${acc.stall ? acc.stall.date : 'none'}, min room to MLL floor ${acc.minRoomToFloorUsd ?? 'n/a'}`,
  );
  const a = summary.acrossWindows;
  out(
    `across ${windows} windows (each from a fresh account): net P&L mean ${a.netPnl.mean} (std ${a.netPnl.std}), sharpe mean ${a.sharpe.mean} (std ${a.sharpe.std})`,
  );
}
