// `txbot accounts`: lists the gateway's trading accounts (id, name, balance, canTrade, simulated).

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { connectClient, gatewayEndpoints, GATEWAY_OPTION, RTC_OPTION } from '../../broker/index.ts';
import { out, table } from '../output.ts';

export function registerAccountsCommand(program: Command): void {
  program
    .command('accounts')
    .description(commandSummary('accounts'))
    .option(...GATEWAY_OPTION)
    .option(...RTC_OPTION)
    .option(...CONFIG_OPTION)
    .option('--all', 'include inactive accounts')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot accounts\n  txbot accounts --all\n  PROJECTX_USERNAME=sim-user PROJECTX_API_KEY=sim-key txbot accounts --gateway http://127.0.0.1:8080',
    )
    .action(async (opts: { gateway?: string; rtc?: string; config?: string; all?: boolean }) => {
      const client = connectClient(gatewayEndpoints(loadConfig({ file: opts.config }).config, opts));
      const accounts = await client.searchAccounts(!opts.all);
      out(
        table(
          ['id', 'name', 'balance', 'canTrade', 'simulated'],
          accounts.map((a) => [a.id, a.name, a.balanceUsd.toFixed(2), String(a.canTrade), String(a.simulated)]),
        ),
      );
    });
}
