// Builds the run's sentiment feed from config: a live vendor poller (paper/live) or the recorded journal (backtests, replay).

import { join } from 'node:path';
import type { Config } from '../../config/index.ts';
import { readSecret } from '../../log/index.ts';
import { ConfigError, MINUTE_MS } from '../../domain/index.ts';
import type { IntegrationDeps, RunMode } from '../common/integrationDeps.ts';
import { makeScrubber } from '../common/scrubber.ts';
import type { AggregationParams } from './aggregateSentiment.ts';
import { AlpacaNewsClient } from './alpacaNewsClient.ts';
import { AlphaVantageClient } from './alphaVantageClient.ts';
import type { NewsClient, NewsQuery, NewsVendor } from './article.ts';
import { pollsPerInstrument, type PollPlanSettings } from './pollPlan.ts';
import { RequestBudget } from './requestBudget.ts';
import { SentimentFeed } from './sentimentFeed.ts';
import { SentimentJournal } from './sentimentJournal.ts';

/** Sources of config `filters.sentiment.source` other than none. */
export type FeedSource = Exclude<Config['filters']['sentiment']['source'], 'none'>;

/** Options of createSentimentFeed. */
export interface SentimentFeedOptions {
  /** Backtests replay the journal of the live source (vendors cannot say what was known when). */
  readonly mode: RunMode;
  /** Instrument roots the run trades (each needs a `filters.sentiment.instruments` entry to poll). */
  readonly symbols: readonly string[];
  /** Overrides config `filters.sentiment.source` (CLI --source). */
  readonly source?: FeedSource;
  /** Overrides the vendor base URL (CLI --url, tests). */
  readonly url?: string;
  /** Schedule check interval of the background poller (default 30 s). */
  readonly tickMs?: number;
}

type SentimentConfig = Config['filters']['sentiment'];

/** Aggregation parameters of config `filters.sentiment`. */
export function aggregationParams(s: SentimentConfig): AggregationParams {
  return {
    minArticles: s.min_articles,
    halfLifeMs: s.half_life_minutes * MINUTE_MS,
    bullishScore: s.bullish_score,
    staleAfterMs: s.stale_after_minutes * MINUTE_MS,
    sessionCloseEt: s.session_close_et,
  };
}

/** The poll plan of a vendor for `instruments` instruments. */
export function pollPlan(s: SentimentConfig, vendor: NewsVendor, instruments: number): PollPlanSettings {
  const av = s.alphavantage;
  return vendor === 'alphavantage'
    ? {
        windowStartEt: s.poll_window_et.start,
        windowEndEt: s.poll_window_et.end,
        pollsPerDay: pollsPerInstrument(av.requests_per_day, av.reserve_requests, instruments),
        minIntervalMs: av.min_poll_minutes * MINUTE_MS,
      }
    : {
        windowStartEt: s.poll_window_et.start,
        windowEndEt: s.poll_window_et.end,
        pollsPerDay: Number.POSITIVE_INFINITY,
        minIntervalMs: s.alpaca.poll_minutes * MINUTE_MS,
      };
}

/** The news queries of `symbols` that have a config entry. */
export function newsQueries(s: SentimentConfig, symbols: readonly string[]): Map<string, NewsQuery> {
  const out = new Map<string, NewsQuery>();
  for (const symbol of symbols) {
    const q = s.instruments[symbol];
    if (q) out.set(symbol, { symbol, tickers: q.tickers, topics: q.topics, headlineSymbols: q.headline_symbols });
  }
  return out;
}

/** The daily request budget file of a vendor key (Alpha Vantage only; Alpaca has none). */
export function requestBudget(config: Pick<Config, 'filters'>, deps: IntegrationDeps, vendor: NewsVendor): RequestBudget | null {
  if (vendor !== 'alphavantage') return null;
  const file = join(deps.cacheDir, 'sentiment', 'alphavantage-budget.json');
  return new RequestBudget(
    file,
    config.filters.sentiment.alphavantage.requests_per_day,
    deps.nowMs,
    deps.logger.child({ component: 'sentiment.budget' }),
  );
}

/** The vendor client, keys from the environment; ConfigError naming the variable when one is missing. */
export function newsClient(config: Pick<Config, 'filters'>, vendor: NewsVendor, env: NodeJS.ProcessEnv, url?: string): NewsClient {
  const s = config.filters.sentiment;
  if (vendor === 'alphavantage') {
    const key = readSecret('ALPHAVANTAGE_API_KEY', env);
    if (!key) throw new ConfigError('filters.sentiment.source alphavantage needs ALPHAVANTAGE_API_KEY in the environment (not set)');
    return new AlphaVantageClient(
      { baseUrl: url ?? s.alphavantage.url, apiKey: key, limit: s.alphavantage.limit, timeZone: s.alphavantage.time_zone, timeoutMs: s.timeout_ms },
      makeScrubber([key]),
    );
  }
  const keyId = readSecret('ALPACA_API_KEY_ID', env);
  const secretKey = readSecret('ALPACA_API_SECRET_KEY', env);
  if (!keyId || !secretKey)
    throw new ConfigError('filters.sentiment.source alpaca needs ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY in the environment (not set)');
  return new AlpacaNewsClient(
    { baseUrl: url ?? s.alpaca.url, keyId, secretKey, maxPages: s.alpaca.max_pages, timeoutMs: s.timeout_ms },
    makeScrubber([keyId, secretKey]),
  );
}

/**
 * The run's sentiment feed, or null for source none (use NEUTRAL_SENTIMENT). Paper/live with
 * alphavantage or alpaca: a live poller journaling into `<cache_dir>/sentiment/<vendor>/`; recorded, or
 * any source in a backtest: the journal of `recorded_source` (or of the configured vendor) replayed.
 * The caller gives each instrument's engine `feed.sourceFor(symbol)`, calls `start()` once and
 * `stop()` at the end. Throws ConfigError when a live vendor's key is missing.
 *
 * @example
 * const feed = createSentimentFeed(loaded.config, deps, { mode: 'paper', symbols: ['MNQ'] });
 * feed?.start();
 * const sentiment = feed ? feed.sourceFor('MNQ') : NEUTRAL_SENTIMENT;
 */
// PLUG: sentiment_score
export function createSentimentFeed(config: Pick<Config, 'filters'>, deps: IntegrationDeps, opts: SentimentFeedOptions): SentimentFeed | null {
  const s = config.filters.sentiment;
  const source = opts.source ?? s.source;
  if (source === 'none') return null;
  const replay = source === 'recorded' || opts.mode === 'backtest';
  const vendor: NewsVendor = source === 'recorded' ? s.recorded_source : source;
  if (replay && source !== 'recorded')
    deps.logger.info({ vendor }, 'backtest: replaying the recorded sentiment journal (vendors keep no record of what was known when)');
  const queries = newsQueries(s, opts.symbols);
  const journal = new SentimentJournal(deps.cacheDir, vendor, deps.logger.child({ component: `sentiment.journal.${vendor}` }));
  const client = replay ? null : newsClient(config, vendor, deps.env ?? process.env, opts.url);
  return new SentimentFeed(
    vendor,
    client,
    journal,
    queries,
    {
      aggregation: aggregationParams(s),
      plan: pollPlan(s, vendor, queries.size),
      reserveRequests: vendor === 'alphavantage' ? s.alphavantage.reserve_requests : 0,
      tickMs: opts.tickMs ?? 30_000,
    },
    client ? requestBudget(config, deps, vendor) : null,
    deps,
  );
}
