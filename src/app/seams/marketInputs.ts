// Seams of the filters' inputs: the VIX table (`filters.vix`: the daily CSV), the economic calendar
// (`filters.news.calendar_file`: the CSV; the configured daily times always apply) and the sentiment
// source (`filters.sentiment.source`). PLUG: live_calendar, sentiment_score

import type { Config } from '../../config/schema.ts';
import type { MarketInputs } from '../../engine/runContext.ts';
import { readCalendarCsv, resolveCalendarFile } from '../../integrations/calendar.ts';
import { createSentimentSource } from '../../integrations/sentiment.ts';
import { readVixCsv, resolveVixFile } from '../../integrations/vix.ts';
import { EMPTY_CALENDAR } from '../../strategy/filters/index.ts';

/** Reads the VIX and calendar files the config names (or the shared ones when present). */
export function marketInputsFor(config: Config, baseDir: string): MarketInputs {
  const vixFile = config.filters.vix.enabled ? resolveVixFile(config.filters.vix.file, baseDir) : null;
  const calendarFile = resolveCalendarFile(config.filters.news.calendar_file, baseDir);
  return {
    vixTable: vixFile ? readVixCsv(vixFile) : null,
    vixSource: vixFile,
    calendar: calendarFile ? readCalendarCsv(calendarFile) : EMPTY_CALENDAR,
    calendarSource: calendarFile,
    sentiment: createSentimentSource(config),
    sentimentSource: config.filters.sentiment.source,
  };
}
