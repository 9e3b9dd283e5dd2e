// `txbot status`: who leads the account's machines (host, pid, fencing token, lease age), the standbys, and
// the shared positions, day P&L, regime and halt flag, read from the shared state (state.kind redis) on any machine.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { silentLogger } from '../../log/index.ts';
import { connectStateRedis, redisStateConfig, sharedKeyPrefixes } from '../../app/index.ts';
import { leaseKeys, readLeaderStatus, RedisRiskState } from '../../state/index.ts';
import { out } from '../output.ts';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(commandSummary('status'))
    .option(...CONFIG_OPTION)
    .option('--json', 'print one JSON object: {leader, standbys, positions, pnl, regime, halt, pendingKill}')
    .addHelpText(
      'after',
      `
Reads state.url with state.key_prefix (credentials from TXBOT_REDIS_PASSWORD); works from any machine.

Examples:
  txbot status
  TXBOT__STATE__KIND=redis TXBOT__STATE__URL=rediss://redis.example:6380 txbot status --json`,
    )
    .action(async (opts: { config?: string; json?: boolean }) => {
      const config = loadConfig({ file: opts.config }).config;
      const state = redisStateConfig(config, 'txbot status');
      const redis = await connectStateRedis(state, silentLogger());
      try {
        const prefixes = sharedKeyPrefixes(state.key_prefix);
        const lease = await readLeaderStatus(redis, prefixes.lease, { staleAfterMs: 3 * config.leader.poll_ms });
        const risk = await new RedisRiskState({ redis, keyPrefix: prefixes.risk, leaseTokenKey: leaseKeys(prefixes.lease).token }).snapshot();
        const l = lease.leader;
        const status = {
          leader: l ? { host: l.host, pid: l.pid, machineId: l.machineId, token: l.token, leaseAgeMs: l.leaseAgeMs } : null,
          standbys: lease.standbys.map((s) => ({ host: s.host, pid: s.pid, machineId: s.machineId, lastSeenAgeMs: s.lastSeenAgeMs })),
          positions: risk.positions,
          pnl: risk.dailyPnl,
          regime: risk.regimes,
          halt: risk.halt,
          pendingKill: risk.pendingKill,
          highestToken: risk.highestToken,
        };
        if (opts.json) return out(JSON.stringify(status));
        out(l ? `leader   ${l.machineId} (${l.host}) pid ${l.pid} token ${l.token}, lease age ${l.leaseAgeMs} ms` : 'leader   none');
        for (const s of status.standbys) out(`standby  ${s.machineId} (${s.host}) pid ${s.pid}, seen ${s.lastSeenAgeMs} ms ago`);
        const pos = Object.entries(risk.positions);
        out(`position ${pos.length ? pos.map(([sym, p]) => `${sym} ${p.qty} @ ${p.avgPrice}`).join(', ') : 'flat'}`);
        out(`day P&L  ${risk.dailyPnl ? `${risk.dailyPnl.pnlUsd.toFixed(2)} USD (${risk.dailyPnl.tradingDate})` : 'n/a'}`);
        for (const [sym, r] of Object.entries(risk.regimes)) out(`regime   ${sym} ${r.regime} (${r.confidence.toFixed(2)})`);
        out(
          `halted   ${risk.halt?.halted ? `yes: ${risk.halt.reason}` : 'no'}${risk.pendingKill ? ` (kill request ${risk.pendingKill.id} pending)` : ''}`,
        );
      } finally {
        redis.disconnect();
      }
    });
}
