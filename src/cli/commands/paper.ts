// `txbot paper`: paper trading on live market data: bars from the gateway's market hub, orders filled by
// the simulated broker (no order reaches the venue), everything journaled.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { GATEWAY_OPTION, RTC_OPTION } from '../../broker/index.ts';
import { runSessionCommand, type SessionCliOptions } from '../../app/index.ts';
import { out } from '../output.ts';
import { checkSessionFiles } from '../sessionOutputs.ts';
import { collect } from '../symbolFiles.ts';

/** Adds the options paper and live share. */
export function sessionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--account <id>', 'ProjectX account id (see `txbot accounts`)')
    .option(
      '--model <file>',
      'trained regime model (from `txbot train`); several instruments: --model SYM=FILE, repeated (default: instruments[].model)',
      collect,
    )
    .option(...CONFIG_OPTION)
    .option(...GATEWAY_OPTION)
    .option(...RTC_OPTION)
    .option('--warm-up-days <n>', 'calendar days of REST history to warm features, VWAP and the regime filter up', '5')
    .option('--stop-after-bars <n>', 'stop cleanly after this many live bars, all instruments counted (scripted runs)')
    .option('--pid-file <file>', 'pid file `txbot kill` reads (default .txbot/txbot.pid)')
    .option('--dashboard-port <n>', 'serve the monitoring dashboard on this port (0 = a free port) and print its URL');
}

export function registerPaperCommand(program: Command): void {
  sessionOptions(program.command('paper').description(commandSummary('paper')))
    .addHelpText(
      'after',
      `
Credentials come from PROJECTX_USERNAME and PROJECTX_API_KEY. SIGINT/SIGTERM stop (live.on_stop);
\`txbot kill\` (or SIGUSR2) flattens and halts.

Examples:
  txbot sim-gateway --data bars.csv --port 8080 --speed 60 --start 2023-11-27T14:00:00Z &
  PROJECTX_USERNAME=sim-user PROJECTX_API_KEY=sim-key txbot paper --account 1001 --model models/nq.json --gateway http://127.0.0.1:8080
  txbot paper --account 1001 --model models/nq.json --stop-after-bars 78
  txbot paper --account 1001 --model models/nq.json --dashboard-port 0    # prints "dashboard http://127.0.0.1:<port>"
  txbot paper --account 1001 --model MNQ=models/nq.json --model MES=models/es.json   # instruments MNQ and MES enabled
  txbot kill`,
    )
    .action((opts: SessionCliOptions) => {
      const modelFiles = checkSessionFiles(opts);
      return runSessionCommand('paper', { ...opts, modelFiles }, out);
    });
}
