// `txbot kill`: the kill switch: signals the running paper/live session (SIGUSR2 via its pid file) to
// flatten, cancel every working order and halt for the rest of the trading day; with state.kind redis it
// writes a kill request to the shared state instead, which the leader obeys wherever it runs.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { configOption } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { pidFilePath, signalKill, KILL_SIGNAL } from '../../live/index.ts';
import { out } from '../output.ts';
import { silentLogger } from '../../log/index.ts';
import { connectStateRedis, sharedKeyPrefixes } from '../../app/index.ts';
import { maskUrlPassword, readLeaderStatus, requestKill } from '../../state/index.ts';

export function registerKillCommand(program: Command): void {
  program
    .command('kill')
    .description(commandSummary('kill'))
    .option(...configOption('of the session (locates the default pid file)'))
    .option('--pid-file <file>', 'pid file of the session (default .txbot/txbot.pid)')
    .addHelpText(
      'after',
      `
The session journals the kill; restarting it the same trading day stays halted. With state.kind redis
the request goes through Redis (any machine, credentials from TXBOT_REDIS_PASSWORD) and the halt is shared.

Examples:
  txbot kill
  txbot kill --pid-file /var/run/txbot.pid
  kill -USR2 <pid>      # the same, by hand`,
    )
    .action(async (opts: { config?: string; pidFile?: string }) => {
      const loaded = loadConfig({ file: opts.config });
      const state = loaded.config.state;
      if (state.kind === 'redis') {
        const redis = await connectStateRedis(state, silentLogger());
        try {
          const prefixes = sharedKeyPrefixes(state.key_prefix);
          const req = await requestKill(redis, prefixes.risk, 'txbot kill');
          const l = (await readLeaderStatus(redis, prefixes.lease)).leader;
          const who = l ? `leader ${l.machineId} pid ${l.pid} token ${l.token}` : 'no leader now: the next leader';
          return out(`kill request ${req.id} written to ${maskUrlPassword(state.url)} (${prefixes.risk}); ${who} flattens, cancels and halts`);
        } finally {
          redis.disconnect();
        }
      }
      const path = pidFilePath(loaded.baseDir, opts.pidFile);
      const pid = signalKill(path);
      out(`kill switch sent (${KILL_SIGNAL}) to session pid ${pid}`);
    });
}
