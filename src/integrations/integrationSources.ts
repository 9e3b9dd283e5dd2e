// One call for the composition root: the run's calendar, VIX table and sentiment sources, started and stopped together.

import type { Config } from '../config/index.ts';
import { NEUTRAL_SENTIMENT, type FilterSettings, type SentimentSource } from '../strategy/index.ts';
import { createCalendarSource, type LiveCalendar } from './calendar/index.ts';
import type { IntegrationDeps, RunMode } from './common/integrationDeps.ts';
import { createSentimentFeed, type SentimentFeed } from './sentiment/index.ts';
import { createVixSource, type LiveVixTable } from './vix/index.ts';

/** The integration sources of one run. */
export interface IntegrationSources {
  readonly calendar: LiveCalendar;
  /** Null when filters.vix.enabled is false. */
  readonly vixTable: LiveVixTable | null;
  /** Null for filters.sentiment.source none. */
  readonly sentimentFeed: SentimentFeed | null;
  /** The SentimentSource for an instrument root (NEUTRAL_SENTIMENT without a feed). */
  sentimentFor(symbol: string): SentimentSource;
  /** `base` with the blackout settings this calendar needs (daily times dropped for a vendor calendar). */
  filterSettings(base: FilterSettings): FilterSettings;
  /** Loads last good copies and starts the background refreshers (none in a backtest). */
  start(): void;
  /** Stops the refreshers and flushes the sentiment journal. */
  stop(): Promise<void>;
}

/**
 * Builds every integration source for `mode` from config (see createCalendarSource, createVixSource,
 * createSentimentFeed). Throws ConfigError/DataError at start-up for a missing key or a bad CSV; once
 * built, nothing here throws into the engine.
 *
 * @example
 * const sources = createIntegrationSources(loaded, deps, { mode: 'paper', symbols: ['MNQ'] });
 * sources.start();
 * const settings = sources.filterSettings(filterSettingsFromConfig(loaded.config));
 * evaluateFilters({ ..., settings, vixTable: sources.vixTable, calendar: sources.calendar, sentiment: sources.sentimentFor('MNQ') });
 */
export function createIntegrationSources(
  loaded: { readonly config: Pick<Config, 'filters'>; readonly baseDir: string },
  deps: IntegrationDeps,
  opts: { readonly mode: RunMode; readonly symbols: readonly string[] },
): IntegrationSources {
  const calendar = createCalendarSource(loaded.config, deps, { mode: opts.mode, baseDir: loaded.baseDir });
  const vixTable = createVixSource(loaded.config, deps, { mode: opts.mode, baseDir: loaded.baseDir });
  const sentimentFeed = createSentimentFeed(loaded.config, deps, { mode: opts.mode, symbols: opts.symbols });
  return {
    calendar,
    vixTable,
    sentimentFeed,
    sentimentFor: (symbol) => (sentimentFeed ? sentimentFeed.sourceFor(symbol) : NEUTRAL_SENTIMENT),
    filterSettings: (base) => ({ ...base, blackout: calendar.blackoutConfig(base.blackout) }),
    start: () => {
      calendar.start();
      vixTable?.start();
      sentimentFeed?.start();
    },
    stop: async () => {
      await Promise.all([calendar.stop(), vixTable?.stop(), sentimentFeed?.stop()]);
    },
  };
}
