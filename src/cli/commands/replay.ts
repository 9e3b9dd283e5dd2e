// `txbot replay`: runs the live code path (in-process Gateway simulator, SignalR over a real socket, bar
// aggregation, live runner, journal) over a bar file as fast as it can; writes the backtest's outputs.

import { instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION, withDataInstrument } from '../dataInstrument.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { CONFIG_OPTION, DATA_OPTION, DECISIONS_OPTION, FROM_OPTION, TO_OPTION, outOption } from '../options.ts';
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
    .requiredOption(...DATA_OPTION)
    .option('--model <file>', 'saved regime model (default: train on the same bars, in-sample)')
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
  txbot backtest --data bars.csv --model models/nq.json --out out/bt && txbot replay --data bars.csv --model models/nq.json --out out/rp && diff out/bt/trades.csv out/rp/trades.csv`,
    )
    .action(async (opts: ReplayOpts) => {
      if (opts.execution !== 'sim-broker' && opts.execution !== 'gateway')
        throw new UsageError(`--execution must be sim-broker or gateway (got "${opts.execution}")`);
      checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
      const range = parseDateRangeOptions(opts);
      const loaded = applyDecisionsOption(
        withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts)),
        opts.decisions,
      );
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
        execution: opts.execution,
        logger: createLogger({ level: process.env.TXBOT_LOG_LEVEL ?? 'warn' }),
        onProgress: (done) => progress.update(done),
      });
      progress.stop();
      printSummary(result.summary);
      note(`${result.tradesStreamed} market trades streamed over the socket`);
      out(`report: ${opts.out}/report.html`);
    });
}
