// Sentiment sources for the size modifier: the neutral default without deps; live and recorded feeds via sentiment/.

import type { Config } from '../config/schema.ts';
import { ConfigError } from '../domain/errors.ts';
import { NEUTRAL_SENTIMENT, type SentimentSource } from '../strategy/filters/sentiment.ts';

/**
 * The sentiment source for config `filters.sentiment.source` when the caller has no integration deps.
 * `none` returns 0 at every instant. The news sources (alphavantage, alpaca, recorded) need a cache
 * folder, a clock and an alert publisher: build them with `createSentimentFeed` (integrations/sentiment/);
 * asking this function for one is a wiring error and throws ConfigError rather than silently staying neutral.
 */
// PLUG: sentiment_score
export function createSentimentSource(config: Pick<Config, 'filters'>): SentimentSource {
  const source = config.filters.sentiment.source;
  if (source === 'none') return NEUTRAL_SENTIMENT;
  throw new ConfigError(`filters.sentiment.source ${source} needs the sentiment feed, which this run does not wire yet`, [], {
    hint: 'build it with createSentimentFeed(config, deps, { mode, symbols }) from src/integrations/sentiment/, or set filters.sentiment.source: none',
  });
}
