// `txbot live`: live trading on a ProjectX account: market hub bars, the engine, orders with server-side
// brackets at the venue. Refuses to start without --confirm-live (or live.confirm: true) and always
// prints the account, instrument, size and risk limits first.

import { sessionSymbols } from '../../config/index.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { UsageError } from '../../domain/index.ts';
import { checkSessionOptions, runSessionCommand, type SessionCliOptions } from '../../app/index.ts';
import type { Config } from '../../config/index.ts';
import { note, out } from '../output.ts';
import { sessionOptions } from './paper.ts';
import { checkSessionFiles } from '../sessionOutputs.ts';

/** The lines shown before a live session starts (and when it refuses to). */
export function liveBanner(config: Config, accountId: number, apiUrl: string = config.projectx.api_url): string[] {
  const r = config.risk;
  const symbols = sessionSymbols(config);
  const micro = symbols.every((s) => config.instruments.find((i) => i.symbol === s)?.micro ?? false);
  return [
    `LIVE trading: orders go to the venue (${apiUrl})`,
    `  account           ${accountId}`,
    `  ${symbols.length > 1 ? 'instruments       ' : 'instrument        '}${symbols.join(', ')} (front month${symbols.length > 1 ? 's; one account-level risk' : ''})`,
    `  size limit        ${r.max_contracts_minis} minis${micro ? ` = ${r.max_contracts_minis * 10} micros` : ''}; ${r.max_trades_per_day} entries per day`,
    `  risk limits       account ${r.account_size} USD, trailing MLL ${r.max_loss_limit} USD, daily loss ${r.daily_loss_limit ?? 'none'} USD`,
    `  on stop           ${config.live.on_stop}`,
  ];
}

export function registerLiveCommand(program: Command): void {
  sessionOptions(program.command('live').description(commandSummary('live')))
    .option('--confirm-live', 'confirm that real orders may be sent (or set live.confirm: true)')
    .addHelpText(
      'after',
      `
Start-up: config check, login, contract, model, warm-up from REST history, reconciliation with the
broker (open positions and orders are the truth; journaled intents resolved by customTag; a position
without a working stop is flattened), then subscription. Credentials: PROJECTX_USERNAME, PROJECTX_API_KEY.

Examples:
  txbot live --account 12345 --model models/nq.json --confirm-live
  txbot live --account 12345 --model models/nq.json --confirm-live --dashboard-port 8787
  TXBOT__LIVE__ON_STOP=leave_brackets txbot live --account 12345 --model models/nq.json --confirm-live
  txbot kill      # flatten, cancel, halt`,
    )
    .action(async (opts: SessionCliOptions & { confirmLive?: boolean }) => {
      const { accountId, loaded } = checkSessionOptions(opts);
      for (const line of liveBanner(loaded.config, accountId, opts.gateway)) note(line);
      if (!opts.confirmLive && !loaded.config.live.confirm) {
        throw new UsageError('txbot live: refusing to send real orders without --confirm-live (or live.confirm: true in the config)', {
          hint: 'use `txbot paper` to trade the same session without orders reaching the venue',
        });
      }
      const modelFiles = checkSessionFiles(opts);
      await runSessionCommand('live', { ...opts, modelFiles }, out);
    });
}
