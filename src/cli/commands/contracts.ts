// `txbot contracts SEARCH`: lists contracts matching a search text (id, name, tick size and value, active).

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { connectClient, gatewayEndpoints, GATEWAY_OPTION, RTC_OPTION } from '../../broker/index.ts';
import { out, table } from '../output.ts';

export function registerContractsCommand(program: Command): void {
  program
    .command('contracts')
    .argument('<search>', 'search text, e.g. MNQ (ProjectX names E-mini NQ "ENQ" and ES "EP")')
    .description(commandSummary('contracts'))
    .option(...GATEWAY_OPTION)
    .option(...RTC_OPTION)
    .option(...CONFIG_OPTION)
    .option('--live', 'use the live data subscription (default: projectx.live_data)')
    .addHelpText('after', '\nExamples:\n  txbot contracts MNQ\n  txbot contracts MES --gateway http://127.0.0.1:8080')
    .action(async (search: string, opts: { gateway?: string; rtc?: string; config?: string; live?: boolean }) => {
      const endpoints = gatewayEndpoints(loadConfig({ file: opts.config }).config, opts);
      const contracts = await connectClient(endpoints).searchContracts(search, opts.live ?? endpoints.live);
      out(
        table(
          ['id', 'name', 'description', 'tickSize', 'tickValue', 'active'],
          contracts.map((c) => [c.id, c.name, c.description, c.tickSize, c.tickValueUsd, String(c.activeContract)]),
        ),
      );
    });
}
