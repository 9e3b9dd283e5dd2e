// Seams of the filters' inputs: the economic calendar (`filters.calendar.source`: file | forexfactory |
// tradingeconomics), the VIX table (`filters.vix.source`: file | cboe) and the sentiment source
// (`filters.sentiment.source`: none | alphavantage | alpaca | recorded). Backtests, walk-forward and
// replays use files and the recorded sentiment journal (vendors have no history); paper and live
// refresh the vendor sources in the background. PLUG: live_calendar, sentiment_score

import type { Alert } from '../../domain/index.ts';
import { resolveConfigPath, type LoadedConfig, type Config } from '../../config/index.ts';
import type { MarketInputs, RunMode } from '../../engine/index.ts';
import { createIntegrationSources } from '../../integrations/index.ts';
import type { Logger } from '../../log/index.ts';
import { filterSettingsFromConfig, type FilterSettings, type SentimentSource } from '../../strategy/index.ts';

/** The market inputs of a run with their background refresh (started by sessions only). */
export interface MarketInputsHandle {
  /** The inputs of the first instrument. */
  readonly inputs: MarketInputs;
  /** The sentiment source of an instrument traded by the run. */
  sentimentFor(symbol: string): SentimentSource;
  /** Filter settings of an instrument's own config (its entry window), adjusted for the calendar. */
  filterSettingsFor(config: Config): FilterSettings;
  /** Loads last good copies and starts the vendor refreshers (paper/live). */
  start(): void;
  stop(): Promise<void>;
}

/** Builds the configured calendar, VIX and sentiment sources for `mode` and the symbols traded. */
export function marketInputsFor(
  loaded: LoadedConfig,
  mode: RunMode,
  symbols: readonly string[],
  deps: { logger: Logger; publishAlert: (a: Alert) => void; nowMs: () => number },
): MarketInputsHandle {
  const config = loaded.config;
  const sourceMode = mode === 'paper' || mode === 'live' ? mode : 'backtest';
  const sources = createIntegrationSources(
    loaded,
    { ...deps, cacheDir: resolveConfigPath(loaded, config.filters.cache_dir) },
    { mode: sourceMode, symbols },
  );
  const symbol = symbols[0]!;
  return {
    inputs: {
      vixTable: sources.vixTable,
      vixSource: sources.vixTable ? sources.vixTable.status().using : null,
      calendar: sources.calendar,
      calendarSource: sources.calendar.status().using,
      sentiment: sources.sentimentFor(symbol),
      sentimentSource: sourceMode === 'backtest' && config.filters.sentiment.source !== 'none' ? 'recorded' : config.filters.sentiment.source,
      filterSettings: sources.filterSettings(filterSettingsFromConfig(config)),
    },
    sentimentFor: (s) => sources.sentimentFor(s),
    filterSettingsFor: (c) => sources.filterSettings(filterSettingsFromConfig(c)),
    start: () => sources.start(),
    stop: () => sources.stop(),
  };
}
