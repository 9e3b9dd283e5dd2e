// `txbot kill`: the kill switch: signals the running paper/live session (SIGUSR2 via its pid file) to
// flatten, cancel every working order and halt for the rest of the trading day.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { configOption } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { pidFilePath, signalKill, KILL_SIGNAL } from '../../live/pidFile.ts';
import { out } from '../output.ts';

export function registerKillCommand(program: Command): void {
  program
    .command('kill')
    .description(commandSummary('kill'))
    .option(...configOption('of the session (locates the default pid file)'))
    .option('--pid-file <file>', 'pid file of the session (default .txbot/txbot.pid)')
    .addHelpText(
      'after',
      `
The session journals the kill; restarting it the same trading day stays halted.

Examples:
  txbot kill
  txbot kill --pid-file /var/run/txbot.pid
  kill -USR2 <pid>      # the same, by hand`,
    )
    .action((opts: { config?: string; pidFile?: string }) => {
      const loaded = loadConfig({ file: opts.config });
      const path = pidFilePath(loaded.baseDir, opts.pidFile);
      const pid = signalKill(path);
      out(`kill switch sent (${KILL_SIGNAL}) to session pid ${pid}`);
    });
}
