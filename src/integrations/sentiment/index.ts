// Public surface of the news sentiment feed (PLUG: sentiment_score): vendor clients, journal, aggregation, factory.

export {
  createSentimentFeed,
  aggregationParams,
  pollPlan,
  newsQueries,
  newsClient,
  requestBudget,
  type FeedSource,
  type SentimentFeedOptions,
} from './createSentimentFeed.ts';
export { SentimentFeed, type PollOutcome, type SentimentFeedSettings } from './sentimentFeed.ts';
export { JournalSentimentSource } from './journalSentimentSource.ts';
export { SentimentJournal } from './sentimentJournal.ts';
export { aggregateSentiment, distinctArticles, type AggregationParams, type ReadingReason, type SentimentReading } from './aggregateSentiment.ts';
export { AlphaVantageClient, parseAlphaVantageTime, formatAlphaVantageTime, scoreAlphaVantageEntry } from './alphaVantageClient.ts';
export { AlpacaNewsClient, scoreAlpacaEntry, ALPACA_PAGE_LIMIT } from './alpacaNewsClient.ts';
export { lexiconScore } from './lexiconScorer.ts';
export { RequestBudget, type BudgetState } from './requestBudget.ts';
export { pollSlots, pollsPerInstrument, currentSlot, type PollPlanSettings } from './pollPlan.ts';
export { backfillSentiment, type BackfillReport, type BackfillRequest } from './backfill.ts';
export type { NewsClient, NewsQuery, NewsVendor, PollRecord, ScoredArticle, FetchedArticles } from './article.ts';
