// `txbot replay`: runs the live code path (in-process Gateway simulator, SignalR over a real socket, bar
// aggregation, live runner, journal) over a bar file as fast as it can; writes the backtest's outputs.

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION, DECISIONS_OPTION, FROM_OPTION, TO_OPTION, outOption } from '../options.ts';
import { collect, parseSymbolFiles, type SymbolFile } from '../symbolFiles.ts';
import { loadPortfolioInputs, printSymbolTable } from '../portfolioInputs.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { loadConfig } from '../../config/index.ts';
import { UsageError } from '../../domain/index.ts';
import { loadBars } from '../../data/index.ts';
import { loadModelFile } from '../../state/index.ts';
import { trainRegimeModel } from '../../regime/index.ts';
import { runReplay } from '../../app/index.ts';
import { createLogger } from '../../log/index.ts';
import { createProgress } from '../progress.ts';
import { note, out } from '../output.ts';
import { checkModelAgainstConfig, noteLoadResult } from '../loadNotes.ts';
import { applyDecisionsOption, parseDateRangeOptions } from '../optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from '../outputPath.ts';
import { printSummary } from '../summaryPrinter.ts';

interface ReplayOpts {
  data: string;
  model?: string;
  from?: string;
  to?: string;
  config?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  out: string;
  execution: string;
  decisions?: string;
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(commandSummary('replay'))
    .requiredOption('--data <file>', 'bar file (CSV or CSV.gz); several instruments on one account: --data SYM=FILE, repeated', collect)
    .option(
      '--model <file>',
      'saved regime model (default: train on the same bars, in-sample); several instruments: --model SYM=FILE, repeated',
      collect,
    )
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option(...INSTRUMENT_OPTION)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .option(...DECISIONS_OPTION)
    .option(
      '--execution <mode>',
      'sim-broker (backtest fill rules: trades equal txbot backtest) or gateway (ProjectX adapter → simulator matching engine)',
      'sim-broker',
    )
    .requiredOption(...outOption('dir', 'output folder (summary.json, trades.csv, equity.csv, decisions.jsonl, report.html, journal.db)'))
    .addHelpText(
      'after',
      `
By default orders execute on the backtest's fill rules applied to the bars rebuilt from the simulator's
trade stream, so trades.csv equals the backtest's; --execution gateway sends them through the ProjectX
adapter to the simulator's matching engine instead (touch fills, no slippage; see src/live/README.md).

Examples:
  txbot replay --data ../shared/data/nq_5min_firstrate_sample_2023-11-19_2023-12-04_ET.csv --model models/nq.json --out out/replay
  txbot replay --data bars.csv --instrument MES --model models/es.json --out out/replay-mes
  txbot backtest --data bars.csv --model models/nq.json --out out/bt && txbot replay --data bars.csv --model models/nq.json --out out/rp && diff out/bt/trades.csv out/rp/trades.csv
  txbot replay --data MES=es.csv.gz --data MGC=mgc.csv.gz --model MES=models/es.json --model MGC=models/mgc.json --from 2022-01-01 --out out/rp-port`,
    )
    .action(async (raw: Omit<ReplayOpts, 'data' | 'model'> & { data: string[]; model?: string[] }) => {
      if (raw.execution !== 'sim-broker' && raw.execution !== 'gateway')
        throw new UsageError(`--execution must be sim-broker or gateway (got "${raw.execution}")`);
      const data = parseSymbolFiles('--data', raw.data);
      const models = parseSymbolFiles('--model', raw.model);
      if (data.length === 1 && data[0]!.symbol === null) {
        if (models.some((m) => m.symbol !== null)) throw new UsageError('--model SYM=FILE goes with --data SYM=FILE');
        if (models.length > 1) throw new UsageError('--model: one model for one --data file');
        return runSingleReplay({ ...raw, data: data[0]!.file, model: models[0]?.file });
      }
      return runPortfolioReplay(raw, data, models);
    });
}

/** `txbot replay --data SYM=FILE ...`: several instruments on one account through the live path. */
async function runPortfolioReplay(opts: Omit<ReplayOpts, 'data' | 'model'>, data: SymbolFile[], models: SymbolFile[]): Promise<void> {
  const named = instrumentOptionValue(opts);
  if (named) throw new UsageError(`${named.option} sets the instrument of one --data FILE; with --data SYM=FILE each file names its own`);
  // Without any --model every instrument is trained on its own bars (in-sample), as a single-file replay does.
  const { loaded, inputs } = await loadPortfolioInputs({ ...opts, train: models.length === 0 }, data, models, undefined);
  if (models.length === 0) note('training one HMM per instrument on its own bars (in-sample) ...');
  const total = [...inputs.values()].reduce((n, i) => n + i.series.length, 0);
  const progress = createProgress('replay', total);
  const result = await runReplay({
    loaded,
    inputs,
    outDir: opts.out,
    dataLabel: data.map((d) => `${d.symbol}=${d.file}`).join(' '),
    execution: opts.execution as 'sim-broker' | 'gateway',
    logger: createLogger({ level: process.env.TXBOT_LOG_LEVEL ?? 'warn' }),
    onProgress: (done) => progress.update(done),
  });
  progress.stop();
  printSummary(result.summary);
  if (result.portfolio) printSymbolTable(result.portfolio.summary);
  note(`${result.tradesStreamed} market trades streamed over the socket`);
  out(`report: ${opts.out}/report.html`);
}

async function runSingleReplay(opts: ReplayOpts): Promise<void> {
  checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
  const range = parseDateRangeOptions(opts);
  const loaded = applyDecisionsOption(withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts)), opts.decisions);
  const config = loaded.config;
  const saved = opts.model ? loadModelFile(opts.model) : null;
  if (saved) checkModelAgainstConfig(opts.model!, saved, config);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: config.data.timezone,
    policy: config.data.policy,
    barMinutes: config.data.bar_minutes,
    ...range,
    rolls: rollTableFor(loaded, config.backtest.instrument, opts.data, opts.rolls),
  });
  noteLoadResult(data);
  let model;
  if (saved) model = saved;
  else {
    note('training the HMM on the same bars (in-sample) ...');
    model = trainRegimeModel(data.series, config).model;
  }
  const progress = createProgress('replay', data.series.length);
  const result = await runReplay({
    loaded,
    series: data.series,
    model,
    outDir: opts.out,
    dataLabel: opts.data,
    execution: opts.execution as 'sim-broker' | 'gateway',
    logger: createLogger({ level: process.env.TXBOT_LOG_LEVEL ?? 'warn' }),
    onProgress: (done) => progress.update(done),
  });
  progress.stop();
  printSummary(result.summary);
  note(`${result.tradesStreamed} market trades streamed over the socket`);
  out(`report: ${opts.out}/report.html`);
}
