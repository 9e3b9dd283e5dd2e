// Builds the pieces every run needs from a loaded config: instrument, risk manager, VIX table,
// calendar and sentiment source (the one place that picks the default of each seam).

import type { LoadedConfig } from '../config/loader.ts';
import { instrumentOf } from '../config/instrument.ts';
import type { Instrument } from '../domain/instrument.ts';
import { RiskManager, riskSettingsFromConfig } from '../strategy/riskManager/index.ts';
import type { CalendarSource, SentimentSource, VixTable } from '../strategy/filters/index.ts';
import { EMPTY_CALENDAR } from '../strategy/filters/index.ts';
import { readVixCsv, resolveVixFile } from '../integrations/vix.ts';
import { readCalendarCsv, resolveCalendarFile } from '../integrations/calendar.ts';
import { createSentimentSource } from '../integrations/sentiment.ts';

/** Market context loaded once per run. */
export interface MarketContext {
  readonly instrument: Instrument;
  readonly vixTable: VixTable | null;
  readonly vixFile: string | null;
  readonly calendar: CalendarSource;
  readonly calendarFile: string | null;
  readonly sentiment: SentimentSource;
}

/** Reads the VIX and calendar files named by the config (or the shared ones when present). */
export function loadMarketContext(loaded: LoadedConfig, symbol?: string): MarketContext {
  const c = loaded.config;
  const vixFile = c.filters.vix.enabled ? resolveVixFile(c.filters.vix.file, loaded.baseDir) : null;
  // PLUG: live_calendar — a calendar API client replaces the file-backed source here.
  const calendarFile = resolveCalendarFile(c.filters.news.calendar_file, loaded.baseDir);
  return {
    instrument: instrumentOf(c, symbol),
    vixTable: vixFile ? readVixCsv(vixFile) : null,
    vixFile,
    calendar: calendarFile ? readCalendarCsv(calendarFile) : EMPTY_CALENDAR,
    calendarFile,
    sentiment: createSentimentSource(c),
  };
}

/** A fresh account-level risk manager for the configured account. */
export function createRiskManager(loaded: LoadedConfig, instruments: readonly Instrument[]): RiskManager {
  const start = startingBalance(loaded);
  return new RiskManager(riskSettingsFromConfig(loaded.config), instruments, { balanceUsd: start, highestEodBalanceUsd: start });
}

/** Starting balance of a backtest: backtest.initial_balance or the account size. */
export function startingBalance(loaded: LoadedConfig): number {
  return loaded.config.backtest.initial_balance ?? loaded.config.risk.account_size;
}
