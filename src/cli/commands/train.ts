// `txbot train`: fit the regime HMM on a bar file and save the model as versioned JSON, printing EM
// progress and a per-state table (label, mean return, volatility, occupancy, duration, transitions).

import { chooseDataInstrument, instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION } from '../dataInstrument.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { CONFIG_OPTION, FROM_OPTION, TO_OPTION, dataOption, outOption, parseIntOption } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { instrumentConfig } from '../../config/index.ts';
import { loadBars } from '../../data/index.ts';
import { dateKeyOfDays, sessionInfo, daysOfDateKey, type BarSeries } from '../../domain/index.ts';
import { regimeModelToJson, trainRegimeModel, type EmIteration } from '../../regime/index.ts';
import { note, out } from '../output.ts';
import { noteLoadResult } from '../loadNotes.ts';
import { parseDateRangeOptions, parsePolicyOption } from '../optionValues.ts';
import { checkOutputPath, MODEL_OUTPUT_FILE, writeFileAtomic } from '../outputPath.ts';
import { createProgress, type Progress } from '../progress.ts';
import { printStateTable } from '../stateTable.ts';
import { LABEL_HORIZON_OPTION, QUALITY_DAYS_OPTION, labelQualityOf } from '../labelQualityTable.ts';
import { labelQualityLines } from '../../regime/index.ts';
import { selectTradingDates, tradingDatesOf, type RollTable } from '../../data/index.ts';
import type { RegimeModel } from '../../regime/index.ts';
import type { Config } from '../../config/index.ts';

interface TrainOpts {
  data: string;
  from?: string;
  to?: string;
  config?: string;
  out: string;
  policy?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  labelHorizon?: string;
  qualityDays?: string;
}

/**
 * The label-quality table of a trained model: on the file's bars after --to (up to --quality-days trading
 * days, out of sample), else on the training bars (marked IN-SAMPLE).
 */
async function printTrainLabelQuality(opts: TrainOpts, c: Config, model: RegimeModel, trainBars: BarSeries, rolls: RollTable | null): Promise<void> {
  const horizon = opts.labelHorizon ? parseIntOption('--label-horizon', opts.labelHorizon, 1) : 1;
  const qualityDays = opts.qualityDays ? parseIntOption('--quality-days', opts.qualityDays, 1) : 120;
  const endMs = model.training.toTsMs;
  let bars: BarSeries | null = null;
  if (opts.to) {
    // a few days before --to warm up the causal features; only bars after the training end are counted
    const toDays = daysOfDateKey(opts.to);
    const more = await loadBars(opts.data, {
      timezone: c.data.timezone,
      policy: 'repair',
      barMinutes: c.data.bar_minutes,
      from: dateKeyOfDays(toDays - 7),
      to: dateKeyOfDays(toDays + Math.ceil((qualityDays * 7) / 5) + 7),
      rolls,
    });
    const after = selectTradingDates(more.series, dateKeyOfDays(toDays + 1));
    const dates = tradingDatesOf(after).slice(0, qualityDays);
    if (dates.length) bars = selectTradingDates(more.series, dateKeyOfDays(toDays - 7), dates.at(-1));
  }
  const q = labelQualityOf(bars ?? trainBars, model, c, bars ? endMs : Number.NEGATIVE_INFINITY, horizon);
  const where = bars ? `out of sample, ${q.tradingDays} trading days after ${opts.to}` : 'IN-SAMPLE (no bars after the training period in the file)';
  out('');
  for (const l of labelQualityLines(
    q,
    `label quality (${where}; filtered labels as the engine acts on them, hmm.min_dwell_bars ${c.hmm.min_dwell_bars}):`,
  ))
    out(l);
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(commandSummary('train'))
    .requiredOption(...dataOption('CSV or CSV.gz, 1-minute bars are resampled to data.bar_minutes'))
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .option(...LABEL_HORIZON_OPTION)
    .option(...QUALITY_DAYS_OPTION)
    .option(INSTRUMENT_OPTION[0], `${INSTRUMENT_OPTION[1]}; the model is for it (its session hours and VWAP anchor) and records it`)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .requiredOption(...outOption('file', 'model file to write, e.g. models/es.json'))
    .addHelpText(
      'after',
      `
Examples:
  txbot train --data ../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz --from 2021-01-01 --to 2021-12-31 --out models/es2021.json
  TXBOT__HMM__N_STATES=7 txbot train --data es.csv.gz --from 2020-01-01 --to 2021-12-31 --out models/es7.json
  txbot backtest --data es.csv.gz --model models/es2021.json --from 2022-01-01 --out out/es-2022
  txbot train --data ../shared/data/mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz --instrument MGC --to 2021-12-31 --out models/mgc2021.json`,
    )
    .action((opts: TrainOpts) => runTrainCommand(opts));
}

async function runTrainCommand(opts: TrainOpts): Promise<void> {
  const outPath = checkOutputPath('--out', opts.out, MODEL_OUTPUT_FILE, [
    { option: '--data', path: opts.data },
    { option: '--config', path: opts.config },
  ]);
  const policy = parsePolicyOption(opts.policy);
  const range = parseDateRangeOptions(opts);
  const loaded = loadConfig({ file: opts.config });
  const chosen = chooseDataInstrument(loaded, opts.data, instrumentOptionValue(opts));
  const symbol = chosen.symbol;
  note(`instrument: ${symbol} (${chosen.how})`);
  const c = instrumentConfig(loaded.config, symbol);
  const rolls = rollTableFor(loaded, symbol, opts.data, opts.rolls);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: c.data.timezone,
    policy: policy ?? c.data.policy,
    barMinutes: c.data.bar_minutes,
    ...range,
    rolls,
  });
  noteLoadResult(data);
  const s = data.series;
  note(
    `${s.length} bars loaded; training a ${c.hmm.n_states}-state ${c.hmm.covariance} HMM, features ${c.hmm.features.join(', ')}, ${c.hmm.restarts} restart(s) x up to ${c.hmm.n_iter} iterations`,
  );
  let progress: Progress | null = null;
  let restart = -1;
  const onIteration = (it: EmIteration): void => {
    if (it.restart !== restart) {
      progress?.stop();
      restart = it.restart;
      progress = createProgress(`EM restart ${it.restart + 1}/${c.hmm.restarts}`, c.hmm.n_iter);
    }
    progress!.update(it.iteration, `log-likelihood ${it.logProb.toFixed(1)}`);
  };
  const result = trainRegimeModel(s, c, { onIteration });
  (progress as Progress | null)?.stop();
  for (const w of result.warnings) note(`warning: ${w}`);
  const t = result.model.training;
  const day = (ms: number) => dateKeyOfDays(sessionInfo(ms).tradingDay);
  out(
    `trained on ${t.bars} bars in ${t.sequences} trading days (${day(t.fromTsMs)} to ${day(t.toTsMs)}); restart ${result.report.restart + 1} kept, ` +
      `${t.iterations} iterations, ${t.converged ? 'converged' : 'not converged'}; log-likelihood per bar ${t.logLikelihoodPerBar.toFixed(4)}`,
  );
  printStateTable(result);
  await printTrainLabelQuality(opts, c, result.model, s, rolls);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileAtomic(outPath, regimeModelToJson({ ...result.model, symbol }));
  out(`model written to ${opts.out}`);
}
