// `txbot journal show`: prints one trading day's trades and P&L from the journal (SQLite or PostgreSQL).

import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { UsageError, EXCHANGE_ZONE, daysOfDateKey, formatIsoInZone } from '../../domain/index.ts';
import {
  describePostgresTarget,
  JournalError,
  openJournal,
  sqliteJournalPath,
  SqliteJournal,
  type DailySummary,
  type Journal,
  type StoredTradeRecord,
} from '../../state/index.ts';
import { note, out, table } from '../output.ts';

interface ShowOptions {
  day?: string;
  journal?: string;
  config?: string;
  json?: boolean;
}

/** Opens the journal named by --journal (a SQLite file) or by the config; never creates one. */
async function openForReading(opts: ShowOptions): Promise<{ journal: Journal; where: string }> {
  if (opts.journal) {
    const path = isAbsolute(opts.journal) ? opts.journal : resolve(process.cwd(), opts.journal);
    return { journal: await SqliteJournal.open(path, { readOnly: true }), where: opts.journal };
  }
  const loaded = loadConfig({ file: opts.config });
  const cfg = loaded.config.journal;
  if (cfg.kind === 'memory') {
    throw new JournalError('JOURNAL_NOT_FOUND', 'journal.kind is memory: nothing is kept between runs, so there is nothing to show', {
      hint: 'set journal.kind to sqlite or postgres, or pass --journal PATH',
    });
  }
  const where = cfg.kind === 'sqlite' ? sqliteJournalPath(cfg, loaded.baseDir) : describePostgresTarget(cfg.postgres_url ?? '');
  return { journal: await openJournal(cfg, { baseDir: loaded.baseDir, readOnly: true }), where };
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
const timeEt = (tsMs: number): string => formatIsoInZone(EXCHANGE_ZONE, tsMs).slice(11, 19);
const usd = (v: number): string => `${v > 0 ? '+' : ''}${v.toFixed(2)}`;

/** The text report of a day: a trade table, then one summary line. */
export function formatDayReport(where: string, summary: DailySummary, trades: readonly StoredTradeRecord[]): string {
  const lines = [`Journal ${where}: trading day ${summary.tradingDate} (times ET)`];
  if (trades.length) {
    const rows = trades.map((t, i) => [
      i + 1,
      t.symbol,
      t.side,
      t.qty,
      timeEt(t.entryTsMs),
      timeEt(t.exitTsMs),
      t.entryPrice,
      t.exitPrice,
      usd(t.pnlUsd),
      t.regime ?? '-',
      oneLine(t.exitReason),
    ]);
    lines.push(table(['#', 'symbol', 'side', 'qty', 'entry', 'exit', 'entry px', 'exit px', 'P&L USD', 'regime', 'exit reason'], rows));
  } else {
    lines.push('No trades.');
  }
  const winRate = summary.winRate === null ? '-' : `${(summary.winRate * 100).toFixed(1)}%`;
  const balance = summary.endOfDayBalanceUsd === null ? '' : `  end-of-day balance ${summary.endOfDayBalanceUsd.toFixed(2)} USD`;
  lines.push(
    `Trades ${summary.tradeCount}  wins ${summary.wins}  losses ${summary.losses}  win rate ${winRate}  P&L ${usd(summary.pnlUsd)} USD  commission ${summary.commissionUsd.toFixed(2)} USD${balance}`,
  );
  return lines.join('\n');
}

async function show(opts: ShowOptions): Promise<void> {
  if (opts.day !== undefined && Number.isNaN(daysOfDateKey(opts.day))) {
    throw new UsageError(`--day: expected a date YYYY-MM-DD (got ${JSON.stringify(opts.day)})`);
  }
  const { journal, where } = await openForReading(opts);
  try {
    const day = opts.day ?? (await journal.latestTradingDate());
    if (day === null) {
      note(`Journal ${where} has no trades or end-of-day balances yet.`);
      if (opts.json) out(JSON.stringify({ tradingDate: null, summary: null, trades: [] }));
      return;
    }
    const [summary, trades] = [await journal.dailySummary(day), await journal.tradesForDay(day)];
    out(opts.json ? JSON.stringify({ tradingDate: day, summary, trades }, null, 2) : formatDayReport(where, summary, trades));
  } finally {
    await journal.close();
  }
}

/** Registers `txbot journal show`. */
export function registerJournalCommand(program: Command): void {
  const journal = program.command('journal').description(commandSummary('journal'));
  journal
    .command('show')
    .description("Print a trading day's trades and P&L (default: the latest day in the journal)")
    .option('--day <YYYY-MM-DD>', 'CME trading date to show')
    .option('--journal <path>', 'SQLite journal file (default: journal.* of the config)')
    .option(...CONFIG_OPTION)
    .option('--json', 'print the summary and trades as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot journal show\n  txbot journal show --day 2026-01-05\n  txbot journal show --journal .txbot/journal.db --json\n  TXBOT__JOURNAL__KIND=postgres TXBOT__JOURNAL__POSTGRES_URL=postgres://txbot@db/txbot txbot journal show',
    )
    .action(show);
}
