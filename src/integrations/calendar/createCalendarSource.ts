// Builds the calendar the run uses from config: the CSV alone (file, backtests) or a vendor copy merged with it.

import { join } from 'node:path';
import type { Config } from '../../config/index.ts';
import { readSecret } from '../../log/index.ts';
import { ConfigError, MINUTE_MS } from '../../domain/index.ts';
import { EMPTY_CALENDAR, type CalendarSource } from '../../strategy/index.ts';
import { readCalendarCsv, resolveCalendarFile } from '../calendar.ts';
import type { IntegrationDeps, RunMode } from '../common/integrationDeps.ts';
import { makeScrubber } from '../common/scrubber.ts';
import { ForexFactoryClient } from './forexFactoryClient.ts';
import { LiveCalendar } from './liveCalendar.ts';
import { TradingEconomicsClient } from './tradingEconomicsClient.ts';
import type { CalendarClient } from './vendorEvent.ts';

/** Calendar kinds of config `filters.calendar.source`. */
export type CalendarKind = Config['filters']['calendar']['source'];

/** Options of createCalendarSource. */
export interface CalendarSourceOptions {
  /** Backtests always get the file calendar (vendors keep no history). */
  readonly mode: RunMode;
  /** Folder relative paths resolve against (the config file's folder). */
  readonly baseDir: string;
  /** Overrides config `filters.calendar.source` (CLI --source). */
  readonly source?: CalendarKind;
  /** Overrides the vendor base URL (CLI --url, tests). */
  readonly url?: string;
  /** Schedule check interval of the background refresh (default 30 s). */
  readonly tickMs?: number;
}

/** The CSV calendar of config `filters.news.calendar_file` (or the shared file), empty when there is none. */
export function fileCalendar(config: Pick<Config, 'filters'>, baseDir: string): CalendarSource {
  const file = resolveCalendarFile(config.filters.news.calendar_file, baseDir);
  return file ? readCalendarCsv(file) : EMPTY_CALENDAR;
}

function clientFor(kind: CalendarKind, config: Pick<Config, 'filters'>, deps: IntegrationDeps, url: string | undefined): CalendarClient | null {
  const c = config.filters.calendar;
  const t = c.tier_by_impact;
  switch (kind) {
    case 'file':
      return null;
    case 'forexfactory':
      return new ForexFactoryClient(url ?? c.forexfactory_url, c.timeout_ms, makeScrubber([]));
    case 'tradingeconomics': {
      const key = readSecret('TRADINGECONOMICS_API_KEY', deps.env ?? process.env);
      if (!key)
        throw new ConfigError('filters.calendar.source is tradingeconomics but TRADINGECONOMICS_API_KEY is not set', [], {
          hint: 'export TRADINGECONOMICS_API_KEY=... or use filters.calendar.source: forexfactory (keyless)',
        });
      const minImportance = t.low !== null ? 1 : t.medium !== null ? 2 : 3;
      return new TradingEconomicsClient(url ?? c.tradingeconomics_url, key, c.currencies, minImportance, c.timeout_ms, makeScrubber([key]));
    }
  }
}

/**
 * The run's calendar. For `mode` backtest or source file: the CSV (daily times stay in the blackout
 * settings). Otherwise a LiveCalendar of the vendor merged with the CSV; the caller must evaluate
 * blackouts with `calendar.blackoutConfig(settings.blackout)`, call `start()` once and `stop()` at the end.
 * Throws ConfigError when the vendor needs a key that is not set.
 *
 * @example
 * const calendar = createCalendarSource(loaded.config, deps, { mode: 'paper', baseDir: loaded.baseDir });
 * calendar.start();
 * const settings = { ...filterSettings, blackout: calendar.blackoutConfig(filterSettings.blackout) };
 */
// PLUG: live_calendar
export function createCalendarSource(config: Pick<Config, 'filters'>, deps: IntegrationDeps, opts: CalendarSourceOptions): LiveCalendar {
  const c = config.filters.calendar;
  const kind: CalendarKind = opts.mode === 'backtest' ? 'file' : (opts.source ?? c.source);
  if (opts.mode === 'backtest' && (opts.source ?? c.source) !== 'file')
    deps.logger.info({ configured: opts.source ?? c.source }, 'backtest: the live calendar keeps no history; using the calendar file');
  const client = clientFor(kind, config, deps, opts.url);
  return new LiveCalendar(
    client,
    fileCalendar(config, opts.baseDir),
    {
      currencies: c.currencies,
      tierByImpact: c.tier_by_impact,
      dailyTimesEt: config.filters.news.high_impact_times_et,
      refreshMs: c.refresh_minutes * MINUTE_MS,
      preOpenRefreshEt: c.pre_open_refresh_et,
      staleAfterMs: c.stale_after_minutes * MINUTE_MS,
      tickMs: opts.tickMs ?? 30_000,
    },
    deps,
    client ? join(deps.cacheDir, `calendar-${client.name}.json`) : null,
  );
}
