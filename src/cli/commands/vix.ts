// `txbot vix latest`: the previous-session VIX close the engine would size with, its multiplier and where it came from.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { loadConfig } from '../../config/index.ts';
import { UsageError, sessionInfo } from '../../domain/index.ts';
import { createVixSource } from '../../integrations/index.ts';
import { getVixMultiplier } from '../../strategy/index.ts';
import { cliIntegrationDeps } from '../integrationDeps.ts';
import { CONFIG_OPTION, parseDateOption } from '../options.ts';
import { note, out } from '../output.ts';

interface VixOptions {
  source?: string;
  url?: string;
  date?: string;
  config?: string;
  json?: boolean;
}

async function latest(opts: VixOptions): Promise<void> {
  if (opts.source !== undefined && opts.source !== 'cboe' && opts.source !== 'file')
    throw new UsageError(`--source: expected cboe | file (got "${opts.source}")`);
  const loaded = loadConfig({ file: opts.config });
  const deps = cliIntegrationDeps(loaded);
  const table = createVixSource(loaded.config, deps, {
    mode: 'live',
    baseDir: loaded.baseDir,
    source: opts.source as 'cboe' | 'file' | undefined,
    url: opts.url,
  });
  if (!table) {
    out(opts.json ? JSON.stringify({ enabled: false, multiplier: 1 }) : 'filters.vix.enabled is false: no VIX scaling (multiplier 1)');
    return;
  }
  const live = (opts.source ?? loaded.config.filters.vix.source) === 'cboe';
  if (live) {
    table.loadLastGoodCopy();
    const r = await table.refresh();
    if (!r.ok) note(`cboe: download failed (${r.code}); showing the copy the engine would use`);
  }
  const tradingDate = parseDateOption('--date', opts.date) ?? sessionInfo(deps.nowMs()).tradingDate;
  const l = table.lookup(tradingDate);
  const multiplier = getVixMultiplier(l.vix, loaded.config.filters.vix.tiers);
  if (opts.json) {
    out(JSON.stringify({ enabled: true, ...l, multiplier, status: table.status() }, null, 2));
    return;
  }
  out(
    l.vix === null
      ? `trade date ${tradingDate}: no VIX close before it in the ${l.origin} copy: no scaling (multiplier 1)`
      : `trade date ${tradingDate}: VIX ${l.vix} (close of ${l.closeDate}, ${l.ageDays} days before) from the ${l.origin} copy → size multiplier ${multiplier}${l.stale ? ' [STALE]' : ''}`,
  );
}

/** Registers `txbot vix latest`. */
export function registerVixCommand(program: Command): void {
  program
    .command('vix')
    .description(commandSummary('vix'))
    .command('latest')
    .description('The close the next decision uses (downloads the Cboe history when the source is cboe)')
    .option('--source <kind>', 'cboe | file (default: filters.vix.source)')
    .option('--url <url>', 'override the Cboe CSV URL (e.g. a local server)')
    .option('--date <YYYY-MM-DD>', 'another trade date (default: the current one)')
    .option(...CONFIG_OPTION)
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot vix latest\n  txbot vix latest --source cboe --json\n  txbot vix latest --source cboe --url http://127.0.0.1:8082/VIX_History.csv\n',
    )
    .action(latest);
}
