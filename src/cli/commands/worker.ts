// `txbot worker --queue URL --data FILE`: serves `txbot optimize` trials from a BullMQ queue on this
// machine, for sweeps whose data sha256 matches one of the files given; SIGTERM finishes the current trial.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { loadConfig } from '../../config/index.ts';
import { fileSha256 } from '../../data/index.ts';
import { UsageError } from '../../domain/index.ts';
import { startOptimizeWorker } from '../../app/index.ts';
import type { JsonValue } from '../../optimize/index.ts';
import { note, out } from '../output.ts';
import { CONFIG_OPTION, parseIntOption } from '../options.ts';
import { parsePolicyOption } from '../optionValues.ts';
import { collect } from '../symbolFiles.ts';

interface WorkerOpts {
  queue: string;
  queuePrefix?: string;
  data: string[];
  concurrency?: string;
  config?: string;
  policy?: string;
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
    .option('--policy <policy>', 'bad rows: strict (stop) or repair (drop and report)')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot worker --queue redis://127.0.0.1:6379 --data ../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz',
    )
    .action((opts: WorkerOpts) => runWorkerCommand(opts));
}

async function runWorkerCommand(opts: WorkerOpts): Promise<void> {
  if (!/^rediss?:\/\//.test(opts.queue)) throw new UsageError(`--queue must be a redis:// or rediss:// URL (got "${opts.queue}")`);
  const policy = parsePolicyOption(opts.policy);
  const config = loadConfig({ file: opts.config }).config;
  const datasets: Record<string, JsonValue> = {};
  for (const file of opts.data) {
    const sha = await fileSha256(file);
    datasets[sha] = { file, timezone: config.data.timezone, policy: policy ?? config.data.policy, barMinutes: config.data.bar_minutes };
    note(`serving ${file} (sha256 ${sha.slice(0, 12)}...)`);
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
