// `txbot dashboard`: serves the local web dashboard over the journal, or over a backtest/walk-forward results folder.

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { UsageError } from '../../domain/index.ts';
import { loadConfig } from '../../config/index.ts';
import { readSecret } from '../../log/index.ts';
import { startDashboard } from '../../monitor/index.ts';
import { openJournal, sqliteJournalPath, SqliteJournal, type Journal } from '../../state/index.ts';
import { parsePortOption } from '../optionValues.ts';
import { note, out } from '../output.ts';

interface DashboardOptions {
  results?: string;
  journal?: string;
  host?: string;
  port?: string;
  config?: string;
}

/** The journal to show: --journal, else the configured one when it exists; null without one. */
async function journalToShow(opts: DashboardOptions, loaded: ReturnType<typeof loadConfig>): Promise<Journal | null> {
  if (opts.journal) return SqliteJournal.open(isAbsolute(opts.journal) ? opts.journal : resolve(process.cwd(), opts.journal), { readOnly: true });
  const cfg = loaded.config.journal;
  if (cfg.kind === 'memory') return null;
  if (cfg.kind === 'sqlite' && !existsSync(sqliteJournalPath(cfg, loaded.baseDir))) return null;
  return openJournal(cfg, { baseDir: loaded.baseDir, readOnly: true });
}

async function serve(opts: DashboardOptions): Promise<void> {
  const loaded = loadConfig({ file: opts.config });
  const d = loaded.config.monitoring.dashboard;
  const port = opts.port === undefined ? d.port : parsePortOption('--port', opts.port);
  const host = opts.host ?? d.host;
  const journal = opts.results ? null : await journalToShow(opts, loaded);
  const token = readSecret('DASHBOARD_TOKEN');
  let dash;
  try {
    dash = await startDashboard({ host, port, token, journal: journal ?? undefined, resultsDir: opts.results });
  } catch (err) {
    await journal?.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      throw new UsageError(`--host ${host} --port ${port}: cannot listen there (${code})`, {
        hint: 'use a free port (or --port 0) on a local address',
      });
    throw err;
  }
  // the token stays out of the printed URL (stdout may be logged)
  const base = new URL(dash.url);
  out(`${base.origin}/`);
  note(
    `${token ? 'Open with ?token=$DASHBOARD_TOKEN. ' : ''}${opts.results ? `Showing results ${opts.results}.` : journal ? 'Showing the journal.' : 'No journal found: the page stays empty until a live/paper session publishes.'} Ctrl+C to stop.`,
  );
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dash.close();
  await journal?.close();
}

/** Registers `txbot dashboard`. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description(commandSummary('dashboard'))
    .option('--results <dir>', 'show a backtest or walk-forward output folder (summary.json, report.html)')
    .option('--journal <path>', 'SQLite journal to show (default: journal.* of the config, when it exists)')
    .option('--host <addr>', 'bind address (default monitoring.dashboard.host); not loopback requires DASHBOARD_TOKEN')
    .option('--port <n>', 'port (default monitoring.dashboard.port; 0 = any free port)')
    .option(...CONFIG_OPTION)
    .addHelpText(
      'after',
      [
        '',
        'Live updates come from `txbot live`/`paper` with monitoring.dashboard.enabled: true.',
        '',
        'Examples:',
        '  txbot dashboard',
        '  txbot dashboard --results out/backtest-2026-01',
        '  txbot dashboard --journal .txbot/journal.db --port 8080',
        '  DASHBOARD_TOKEN=$(openssl rand -hex 16) txbot dashboard --host 0.0.0.0',
        '',
      ].join('\n'),
    )
    .action(serve);
}
