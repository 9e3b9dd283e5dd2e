// `txbot worker --queue URL --data FILE`: serves `txbot optimize` trials from a BullMQ queue on this
// machine, for sweeps whose data sha256 matches one of the files given; SIGTERM finishes the current trial.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { loadConfig } from '../../config/index.ts';
import { resolve } from 'node:path';
import { UsageError } from '../../domain/index.ts';
import { startOptimizeWorker } from '../../app/index.ts';
import type { JsonValue } from '../../optimize/index.ts';
import { note, out } from '../output.ts';
import { CONFIG_OPTION, parseIntOption } from '../options.ts';
import { parsePolicyOption } from '../optionValues.ts';
import { collect } from '../symbolFiles.ts';
import { chooseDataInstrument } from '../dataInstrument.ts';
import { datasetSha256, rollTableFor, ROLLS_OPTION } from '../rollTables.ts';

interface WorkerOpts {
  queue: string;
  queuePrefix?: string;
  data: string[];
  concurrency?: string;
  config?: string;
  policy?: string;
  rolls?: string[];
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(commandSummary('worker'))
    .requiredOption('--queue <url>', 'Redis URL of the queue, e.g. redis://127.0.0.1:6379')
    .option('--queue-prefix <p>', "key prefix of the queue in Redis (default txbot); the same as the coordinator's")
    .requiredOption('--data <file>', 'a bar file this machine holds (repeatable); jobs for other data are refused', collect)
    .option('--concurrency <n>', 'trials at once (one sandboxed process each; default 1)')
    .option(...CONFIG_OPTION)
    .option(...ROLLS_OPTION)
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot worker --queue redis://127.0.0.1:6379 --data ../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz\n  txbot worker --queue redis://127.0.0.1:6379 --data mgc.csv.gz --rolls mgc_rolls.csv     # as the coordinator: txbot optimize --data mgc.csv.gz --rolls mgc_rolls.csv ...',
    )
    .action((opts: WorkerOpts) => runWorkerCommand(opts));
}

async function runWorkerCommand(opts: WorkerOpts): Promise<void> {
  if (!/^rediss?:\/\//.test(opts.queue)) throw new UsageError(`--queue must be a redis:// or rediss:// URL (got "${opts.queue}")`);
  const policy = parsePolicyOption(opts.policy);
  const loaded = loadConfig({ file: opts.config });
  const config = loaded.config;
  const datasets: Record<string, JsonValue> = {};
  const anyRolls = (opts.rolls?.length ?? 0) > 0 || config.data.rolls !== null;
  for (const file of opts.data) {
    // the coordinator names its data by the file's and its roll table's sha256: back-adjust the same way
    const rolls = anyRolls ? rollTableFor(loaded, chooseDataInstrument(loaded, file).symbol, file, opts.rolls) : null;
    const sha = await datasetSha256(file, rolls);
    datasets[sha] = {
      file,
      timezone: config.data.timezone,
      policy: policy ?? config.data.policy,
      barMinutes: config.data.bar_minutes,
      ...(rolls ? { rollsFile: resolve(rolls.file) } : {}),
    };
    note(`serving ${file}${rolls ? ` back-adjusted with ${rolls.file}` : ''} (sha256 ${sha.slice(0, 12)}...)`);
  }
  const handle = await startOptimizeWorker({
    queueUrl: opts.queue,
    prefix: opts.queuePrefix,
    datasets,
    concurrency: opts.concurrency ? parseIntOption('--concurrency', opts.concurrency, 1) : 1,
  });
  out(`worker ready on ${opts.queue.replace(/\/\/[^@/]*@/, '//***@')}; SIGTERM or Ctrl-C stops after the current trial`);
  await handle.closed;
  out('worker stopped');
}
