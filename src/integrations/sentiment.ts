// Sentiment sources for the size modifier: picks the configured source (today only the neutral default).

import type { Config } from '../config/schema.ts';
import { NEUTRAL_SENTIMENT, type SentimentSource } from '../strategy/filters/sentiment.ts';

/**
 * The sentiment source for config `filters.sentiment.source`. `none` returns 0 at every instant.
 * A news client (session sentiment in [-1, 1]) is added as a new `source` kind here.
 */
// PLUG: sentiment_score
export function createSentimentSource(config: Pick<Config, 'filters'>): SentimentSource {
  switch (config.filters.sentiment.source) {
    case 'none':
      return NEUTRAL_SENTIMENT;
  }
}
