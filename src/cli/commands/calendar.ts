// `txbot calendar today|week`: the economic-calendar events the engine would black out around, and where they came from.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { loadConfig, type LoadedConfig } from '../../config/index.ts';
import { UsageError } from '../../domain/index.ts';
import { addDays, etClockToUtc, etDateKey, weekdayOf, createCalendarSource, type CalendarKind } from '../../integrations/index.ts';
import { cliIntegrationDeps, etClock } from '../integrationDeps.ts';
import { CONFIG_OPTION, parseDateOption } from '../options.ts';
import { note, out, table } from '../output.ts';

interface CalendarOptions {
  source?: string;
  url?: string;
  date?: string;
  config?: string;
  json?: boolean;
}

const KINDS: readonly CalendarKind[] = ['file', 'forexfactory', 'tradingeconomics'];

function originOf(name: string): string {
  const vendor = /\[(forexfactory|tradingeconomics) [A-Z]{3}\]$/.exec(name);
  if (vendor) return vendor[1]!;
  return name.endsWith('(calendar stale)') ? 'daily time (fallback)' : 'file';
}

async function show(span: 'today' | 'week', opts: CalendarOptions): Promise<void> {
  if (opts.source !== undefined && !KINDS.includes(opts.source as CalendarKind))
    throw new UsageError(`--source: expected one of ${KINDS.join(', ')} (got "${opts.source}")`);
  const loaded: LoadedConfig = loadConfig({ file: opts.config });
  const deps = cliIntegrationDeps(loaded);
  const calendar = createCalendarSource(loaded.config, deps, {
    mode: 'paper',
    baseDir: loaded.baseDir,
    source: opts.source as CalendarKind | undefined,
    url: opts.url,
  });
  if (calendar.kind !== 'file') {
    calendar.loadLastGoodCopy();
    const r = await calendar.refresh();
    if (!r.ok) note(`${calendar.kind}: refresh failed (${r.code}); showing what the engine would use`);
  }
  const day = parseDateOption('--date', opts.date) ?? etDateKey(deps.nowMs());
  const first = span === 'today' ? day : addDays(day, -weekdayOf(day));
  const last = span === 'today' ? day : addDays(first, 6);
  const fromMs = etClockToUtc(first, '00:00');
  const toMs = etClockToUtc(addDays(last, 1), '00:00') - 1;
  const events = calendar.eventsBetween(fromMs, toMs).map((e) => ({
    dateEt: etDateKey(e.tsMs),
    timeEt: etClock(e.tsMs),
    tsMs: e.tsMs,
    name: e.name,
    tier: e.tier,
    origin: originOf(e.name),
  }));
  const status = calendar.status();
  const news = loaded.config.filters.news;
  const dailyTimes = calendar.blackoutConfig({
    highImpactTimesEt: news.high_impact_times_et,
    minutesBefore: news.blackout_minutes_before,
    minutesAfter: news.blackout_minutes_after,
    calendarTiers: news.calendar_tiers,
  }).highImpactTimesEt;
  if (opts.json) {
    out(
      JSON.stringify(
        { from: first, to: last, source: calendar.kind, ...status, dailyTimesAlwaysApplied: dailyTimes, blackoutTiers: news.calendar_tiers, events },
        null,
        2,
      ),
    );
    return;
  }
  out(
    `calendar ${first === last ? first : `${first}..${last}`} (ET): using ${status.using}${status.fetchedAtMs ? `, fetched ${new Date(status.fetchedAtMs).toISOString()}` : ''}`,
  );
  if (status.lastError) out(`last error: ${status.lastError}`);
  out(
    `blackout: ${news.blackout_minutes_before} min before to ${news.blackout_minutes_after} min after events of tiers ${news.calendar_tiers.join(', ')}` +
      (dailyTimes.length ? `; daily times always applied: ${dailyTimes.join(', ')} ET` : '; daily times only while the vendor copy is stale'),
  );
  const rows = events.map((e) => [
    `${e.dateEt} ${e.timeEt}`,
    e.name,
    e.tier,
    e.origin,
    news.calendar_tiers.includes(e.tier as 'big' | 'normal') ? 'yes' : 'no',
  ]);
  out(rows.length ? table(['ET', 'event', 'tier', 'from', 'blacks out'], rows) : 'no dated events');
}

/** Registers `txbot calendar today|week`. */
export function registerCalendarCommand(program: Command): void {
  const cal = program.command('calendar').description(commandSummary('calendar'));
  for (const span of ['today', 'week'] as const) {
    cal
      .command(span)
      .description(span === 'today' ? "Today's events (ET) and their source" : "This week's events (Sunday to Saturday, ET) and their source")
      .option('--source <kind>', `calendar source: ${KINDS.join(' | ')} (default: filters.calendar.source)`)
      .option('--url <url>', 'override the vendor base URL (e.g. a local server)')
      .option('--date <YYYY-MM-DD>', 'another ET date (default: today)')
      .option(...CONFIG_OPTION)
      .option('--json', 'print as JSON')
      .addHelpText(
        'after',
        [
          '',
          'One vendor request is made (ForexFactory is keyless; Trading Economics needs TRADINGECONOMICS_API_KEY);',
          'when it fails, the last good copy (filters.cache_dir) or the file plus the daily times are shown, as the engine would use them.',
          '',
          'Examples:',
          `  txbot calendar ${span}`,
          `  txbot calendar ${span} --source forexfactory --json`,
          `  txbot calendar ${span} --source forexfactory --url http://127.0.0.1:8081`,
          '',
        ].join('\n'),
      )
      .action((opts: CalendarOptions) => show(span, opts));
  }
}
