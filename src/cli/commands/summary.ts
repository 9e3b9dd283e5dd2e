// `txbot summary`: prints a trading day's daily report (P&L, trades, win rate, regimes, limits used) from the journal.

import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { loadConfig } from '../../config/index.ts';
import { buildDailyReport, formatDailyReport } from '../../monitor/index.ts';
import { JournalError, openJournal, SqliteJournal, type Journal } from '../../state/index.ts';
import { configOption, parseDateOption } from '../options.ts';
import { note, out } from '../output.ts';

interface SummaryOptions {
  day?: string;
  journal?: string;
  config?: string;
  json?: boolean;
}

async function openReadOnly(opts: SummaryOptions, journalConfig: ReturnType<typeof loadConfig>): Promise<Journal> {
  if (opts.journal) return SqliteJournal.open(isAbsolute(opts.journal) ? opts.journal : resolve(process.cwd(), opts.journal), { readOnly: true });
  if (journalConfig.config.journal.kind === 'memory') {
    throw new JournalError('JOURNAL_NOT_FOUND', 'journal.kind is memory: nothing is kept between runs, so there is no day to summarize', {
      hint: 'set journal.kind to sqlite or postgres, or pass --journal PATH',
    });
  }
  return openJournal(journalConfig.config.journal, { baseDir: journalConfig.baseDir, readOnly: true });
}

async function summary(opts: SummaryOptions): Promise<void> {
  const day = parseDateOption('--day', opts.day);
  const loaded = loadConfig({ file: opts.config });
  const journal = await openReadOnly(opts, loaded);
  try {
    const date = day ?? (await journal.latestTradingDate());
    if (date === null) {
      note('The journal has no trades or end-of-day balances yet.');
      if (opts.json) out('null');
      return;
    }
    const r = loaded.config.risk;
    const report = await buildDailyReport(journal, date, {
      accountSizeUsd: r.account_size,
      maxLossLimitUsd: r.max_loss_limit,
      dailyLossLimitUsd: r.daily_loss_limit,
      maxTradesPerDay: r.max_trades_per_day,
    });
    out(opts.json ? JSON.stringify(report, null, 2) : formatDailyReport(report));
  } finally {
    await journal.close();
  }
}

/** Registers `txbot summary`. */
export function registerSummaryCommand(program: Command): void {
  program
    .command('summary')
    .description(commandSummary('summary'))
    .option('--day <YYYY-MM-DD>', 'CME trading date')
    .option('--journal <path>', 'SQLite journal file (default: journal.* of the config)')
    .option(...configOption('limits come from risk.*'))
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot summary\n  txbot summary --day 2026-01-05\n  txbot summary --journal .txbot/journal.db --day 2026-01-05 --json\n',
    )
    .action(summary);
}
