// The integrations' surface: calendar, sentiment and VIX sources behind the filter seams.
export { readCalendarCsv } from './calendar.ts';
export { createCalendarSource } from './calendar/createCalendarSource.ts';
export type { CalendarKind } from './calendar/createCalendarSource.ts';
export { addDays, etClockToUtc, etDateKey, weekdayOf } from './common/etTime.ts';
export type { IntegrationDeps } from './common/integrationDeps.ts';
export { createIntegrationSources } from './integrationSources.ts';
export { backfillSentiment } from './sentiment/backfill.ts';
export { createSentimentFeed, newsClient, newsQueries, pollPlan, requestBudget } from './sentiment/createSentimentFeed.ts';
export type { FeedSource } from './sentiment/createSentimentFeed.ts';
export type { SentimentFeed } from './sentiment/sentimentFeed.ts';
export { readVixCsv } from './vix.ts';
export { createVixSource } from './vix/createVixSource.ts';
