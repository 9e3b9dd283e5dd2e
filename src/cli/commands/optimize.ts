// `txbot optimize`: walk-forward optimization of the `optimize.space` parameters (search per training
// window, the best run once on the next unseen window), on worker threads or BullMQ workers.

import { chooseDataInstrument, instrumentOptionValue, INSTRUMENT_OPTION, SYMBOL_OPTION } from '../dataInstrument.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { datasetSha256, rollTableFor, ROLLS_OPTION } from '../rollTables.ts';
import { loadConfig } from '../../config/index.ts';
import { instrumentConfig } from '../../config/index.ts';
import { loadBars } from '../../data/index.ts';
import { resolve } from 'node:path';
import { UsageError } from '../../domain/index.ts';
import { runOptimize } from '../../app/index.ts';
import { createProgress, type Progress } from '../progress.ts';
import { note, out } from '../output.ts';
import { CONFIG_OPTION, DATA_OPTION, FROM_OPTION, TO_OPTION, outOption, parseIntOption } from '../options.ts';
import { noteLoadResult } from '../loadNotes.ts';
import { parseDateRangeOptions, parsePolicyOption } from '../optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from '../outputPath.ts';

interface OptimizeOpts {
  data: string;
  trainDays?: string;
  testDays?: string;
  stepDays?: string;
  trials?: string;
  sampler?: string;
  objective?: string;
  seed?: string;
  jobs?: string;
  queue?: string;
  queuePrefix?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  from?: string;
  to?: string;
  config?: string;
  policy?: string;
  out: string;
}

const SAMPLERS = ['grid', 'random', 'tpe'] as const;
const OBJECTIVES = ['net_pnl', 'sharpe', 'combine_pass_probability'] as const;

export function registerOptimizeCommand(program: Command): void {
  program
    .command('optimize')
    .description(commandSummary('optimize'))
    .requiredOption(...DATA_OPTION)
    .option('--train-days <n>', 'trading days per training window (default walk_forward.train_days)')
    .option('--test-days <n>', 'trading days per test window (default walk_forward.test_days)')
    .option('--step-days <n>', 'trading days the windows move (default walk_forward.step_days; >= test days)')
    .option('--trials <n>', 'trials per window (default optimize.trials)')
    .option('--sampler <kind>', `${SAMPLERS.join(' | ')} (default optimize.sampler)`)
    .option('--objective <kind>', `${OBJECTIVES.join(' | ')}; weighted only in the config (default optimize.objective)`)
    .option('--seed <n>', 'seed of the samplers and trials (default optimize.seed)')
    .option('--jobs <n>', 'worker threads (0 = all cores; default walk_forward.jobs)')
    .option('--queue-prefix <p>', 'key prefix of the queue in Redis (default txbot); workers and the coordinator must agree')
    .option('--queue <url>', 'run the trials on BullMQ workers (`txbot worker --queue URL`) instead of threads')
    .option(...INSTRUMENT_OPTION)
    .option(...SYMBOL_OPTION)
    .option(...ROLLS_OPTION)
    .option(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .requiredOption(...outOption('dir', 'output folder (summary.json, trials.csv, report.html)'))
    .addHelpText(
      'after',
      `
The parameters searched are optimize.space in the config, e.g.
  optimize:
    space:
      stops.NEUTRAL: { min: 20, max: 80, step: 10 }
      targets.BULL: [{ kind: band, value: 1 }, { kind: r_multiple, value: 2 }]

Examples:
  txbot optimize --data es.csv.gz --from 2019-01-01 --to 2023-03-24 --train-days 60 --test-days 10 --step-days 10 --trials 40 --sampler tpe --objective sharpe --seed 1 --jobs 2 --out out/opt
  txbot optimize --data es.csv.gz --trials 40 --queue redis://127.0.0.1:6379 --out out/opt     # with: txbot worker --queue redis://127.0.0.1:6379 --data es.csv.gz`,
    )
    .action((opts: OptimizeOpts) => runOptimizeCommand(opts));
}

async function runOptimizeCommand(opts: OptimizeOpts): Promise<void> {
  checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
  if (opts.jobs !== undefined && opts.queue !== undefined) throw new UsageError('--jobs and --queue exclude each other');
  if (opts.sampler !== undefined && !(SAMPLERS as readonly string[]).includes(opts.sampler))
    throw new UsageError(`--sampler must be one of ${SAMPLERS.join(', ')} (got "${opts.sampler}")`);
  if (opts.objective !== undefined && !(OBJECTIVES as readonly string[]).includes(opts.objective))
    throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')} (got "${opts.objective}")`);
  if (opts.queue !== undefined && !/^rediss?:\/\//.test(opts.queue))
    throw new UsageError(`--queue must be a redis:// or rediss:// URL (got "${opts.queue}")`);
  const policy = parsePolicyOption(opts.policy);
  const range = parseDateRangeOptions(opts);
  const raw = loadConfig({ file: opts.config });
  const chosen = chooseDataInstrument(raw, opts.data, instrumentOptionValue(opts));
  const symbol = chosen.symbol;
  note(`instrument: ${symbol} (${chosen.how})`);
  const o = raw.config.optimize;
  const config = {
    ...raw.config,
    optimize: {
      ...o,
      trials: opts.trials ? parseIntOption('--trials', opts.trials, 1) : o.trials,
      sampler: (opts.sampler as (typeof SAMPLERS)[number] | undefined) ?? o.sampler,
      seed: opts.seed ? parseIntOption('--seed', opts.seed, 0) : o.seed,
      objective: opts.objective ? { kind: opts.objective as (typeof OBJECTIVES)[number], min_trades: o.objective.min_trades } : o.objective,
    },
  };
  if (Object.keys(config.optimize.space).length === 0)
    throw new UsageError('optimize.space is empty: name the parameters to search in the config (see txbot optimize --help)', {
      hint: 'txbot walkforward runs the same windows without a search',
    });
  const wf = config.walk_forward;
  const trainDays = opts.trainDays ? parseIntOption('--train-days', opts.trainDays, 1) : wf.train_days;
  const testDays = opts.testDays ? parseIntOption('--test-days', opts.testDays, 1) : wf.test_days;
  const stepDays = opts.stepDays ? parseIntOption('--step-days', opts.stepDays, 1) : wf.step_days;
  if (stepDays < testDays) throw new UsageError(`--step-days ${stepDays} is below --test-days ${testDays}: test windows would overlap`);
  const own = instrumentConfig(config, symbol);
  const rolls = rollTableFor(raw, symbol, opts.data, opts.rolls);
  const data = {
    file: opts.data,
    timezone: own.data.timezone,
    policy: policy ?? own.data.policy,
    barMinutes: own.data.bar_minutes,
    ...(rolls ? { rollsFile: resolve(rolls.file) } : {}),
  };
  note(`loading ${opts.data} ...`);
  const bars = await loadBars(opts.data, { ...data, ...range, rolls });
  noteLoadResult(bars);
  const dataSha256 = await datasetSha256(opts.data, rolls);
  let progress: Progress | null = null;
  const { summary } = await runOptimize({
    loaded: { ...raw, config },
    series: bars.series,
    data,
    dataSha256,
    trainDays,
    testDays,
    stepDays,
    symbol,
    backend: opts.queue ? { queueUrl: opts.queue, prefix: opts.queuePrefix } : { jobs: opts.jobs ? parseIntOption('--jobs', opts.jobs, 0) : wf.jobs },
    outDir: opts.out,
    dataLabel: opts.data,
    onProgress: (p) => {
      progress ??= createProgress('trials', p.total);
      progress.update(p.done);
    },
  });
  (progress as Progress | null)?.stop();
  const a = summary.optimization.aggregate;
  out(`${a.windows} windows, ${a.trials} trials (${a.completed} completed, ${a.failed} failed)`);
  out(
    `out of sample (each window from a fresh account): net P&L ${a.outOfSampleNetPnl.toFixed(2)} USD; objective in sample ${a.meanInSample?.toFixed(3) ?? 'n/a'} vs out of sample ${a.meanOutOfSample?.toFixed(3) ?? 'n/a'}`,
  );
  const acc = summary.account;
  out(
    `continuous out-of-sample account: net P&L ${acc.netPnl.toFixed(2)} USD, ending balance ${acc.endingBalance.toFixed(2)}, max drawdown ${acc.maxDrawdown.toFixed(2)}, breach ${acc.breach ?? 'none'}, stall ${acc.stall ? `${acc.stall.date}: ${acc.stall.reason}` : 'none'}, min room to the MLL floor ${acc.minRoomToFloorUsd ?? 'n/a'}`,
  );
  out(`probability of backtest overfitting (mean over windows): ${summary.pbo === null ? 'n/a' : summary.pbo.toFixed(3)}`);
  const dsr = summary.deflatedSharpe.filter((x): x is number => x !== null).sort((x, y) => x - y);
  out(
    dsr.length
      ? `deflated Sharpe of the chosen parameters: median ${dsr[Math.floor(dsr.length / 2)]!.toFixed(3)}, at or above 0.95 in ${dsr.filter((x) => x >= 0.95).length} of ${summary.deflatedSharpe.length} windows`
      : 'deflated Sharpe of the chosen parameters: n/a (no window had enough data)',
  );
  for (const [k, v] of Object.entries(summary.stability)) out(`chosen ${k}: ${JSON.stringify(v.mode)} in ${(v.share * 100).toFixed(0)}% of windows`);
  out(`report: ${opts.out}/report.html`);
}
