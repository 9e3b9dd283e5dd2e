// Config of the integration sources (live economic calendar, news sentiment feed); merged into `filters` by strategy.ts.

import { z } from 'zod';
import { clockTime, timeZone } from './common.ts';

/** Currencies of the ForexFactory export (its `country` field); Trading Economics is queried by the matching country. */
export const CALENDAR_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CNY', 'CAD', 'AUD', 'NZD', 'CHF'] as const;

const tier = z.enum(['big', 'normal']);

export const calendarSchema = z
  .strictObject({
    source: z
      .enum(['file', 'forexfactory', 'tradingeconomics'])
      .default('file')
      .describe(
        "PLUG: live_calendar. file = news.calendar_file plus news.high_impact_times_et; forexfactory | tradingeconomics = today's events from that vendor merged with the file (the daily times only while the vendor copy is stale). Backtests use the file.",
      ),
    currencies: z.array(z.enum(CALENDAR_CURRENCIES)).min(1).default(['USD']).describe('Keep events of these currencies only.'),
    tier_by_impact: z
      .strictObject({
        high: tier.default('big').describe('Tier of High-impact events (Trading Economics importance 3); also used for unknown impact strings.'),
        medium: tier.nullable().default(null).describe('Tier of Medium-impact events (importance 2); null = dropped.'),
        low: tier.nullable().default(null).describe('Tier of Low-impact events (importance 1); null = dropped.'),
        holiday: tier.nullable().default(null).describe('Tier of ForexFactory Holiday entries; null = dropped.'),
        non_economic: tier.nullable().default(null).describe('Tier of ForexFactory Non-Economic entries; null = dropped.'),
      })
      .prefault({})
      .describe('Vendor impact mapped to our calendar tiers (news.calendar_tiers decides which tiers black out).'),
    refresh_minutes: z.number().int().min(5).max(1440).default(60).describe('Background refresh interval; ForexFactory asks to be polled gently.'),
    pre_open_refresh_et: clockTime.default('09:00').describe('An extra refresh at this ET time each weekday, before the open.'),
    stale_after_minutes: z
      .number()
      .int()
      .min(10)
      .max(10_080)
      .default(240)
      .describe(
        'A vendor copy older than this (or not covering the day) is stale: the daily times plus the file apply, and CALENDAR_STALE is alerted.',
      ),
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000).describe('Timeout of one vendor request.'),
    forexfactory_url: z
      .string()
      .url()
      .default('https://nfs.faireconomy.media')
      .describe('Base URL of the ForexFactory weekly export (ff_calendar_thisweek.json).'),
    tradingeconomics_url: z
      .string()
      .url()
      .default('https://api.tradingeconomics.com')
      .describe('Base URL of the Trading Economics API; the key comes from TRADINGECONOMICS_API_KEY.'),
  })
  .prefault({});

const sentimentQuery = z.strictObject({
  tickers: z.array(z.string().min(1)).default([]).describe('Alpha Vantage `tickers` (AND semantics: every ticker must be mentioned).'),
  topics: z.array(z.string().min(1)).default([]).describe('Alpha Vantage `topics` (AND semantics), e.g. economy_monetary.'),
  headline_symbols: z
    .array(z.string().min(1))
    .default([])
    .describe('Alpaca news `symbols` (any of them); empty = no Alpaca headlines for this instrument.'),
});

/** Keys added to `filters.sentiment` (spread into that object by strategy.ts). */
export const sentimentFeedKeys = {
  recorded_source: z
    .enum(['alphavantage', 'alpaca'])
    .default('alphavantage')
    .describe("Which journal `recorded` replays; backtests with a live source replay that source's journal."),
  instruments: z
    .record(z.string().regex(/^[A-Z0-9]{1,6}$/), sentimentQuery)
    .default({
      MNQ: { tickers: ['QQQ'], topics: [], headline_symbols: ['QQQ'] },
      MES: { tickers: ['SPY'], topics: [], headline_symbols: ['SPY'] },
      M2K: { tickers: ['IWM'], topics: [], headline_symbols: ['IWM'] },
      MGC: { tickers: [], topics: ['economy_monetary'], headline_symbols: ['GLD'] },
    })
    .describe('News query per instrument root; an instrument without an entry stays neutral.'),
  min_articles: z.number().int().min(1).max(1000).default(3).describe('Fewer distinct articles than this since the previous close: neutral (0).'),
  half_life_minutes: z
    .number()
    .min(1)
    .max(10_080)
    .default(120)
    .describe('Time decay: an article weighs half as much this many minutes after publication.'),
  bullish_score: z
    .number()
    .positive()
    .max(1)
    .default(0.35)
    .describe('Weighted mean score mapped to ±1 (Alpha Vantage labels x >= 0.35 Bullish, x <= -0.35 Bearish).'),
  stale_after_minutes: z
    .number()
    .int()
    .min(5)
    .max(1440)
    .default(90)
    .describe('No successful poll for this long: neutral (0) and SENTIMENT_DEGRADED.'),
  session_close_et: clockTime.default('16:00').describe('Articles count from the previous weekday close at this ET time.'),
  poll_window_et: z
    .strictObject({
      start: clockTime.default('09:00').describe('First poll of the day (ET).'),
      end: clockTime.default('15:30').describe('No polls from this time on (ET).'),
    })
    .prefault({})
    .describe('Weekday window in which the feed polls.'),
  timeout_ms: z.number().int().min(100).max(120_000).default(10_000).describe('Timeout of one news request.'),
  alphavantage: z
    .strictObject({
      url: z
        .string()
        .url()
        .default('https://www.alphavantage.co')
        .describe('Base URL (…/query?function=NEWS_SENTIMENT); key from ALPHAVANTAGE_API_KEY.'),
      requests_per_day: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .default(25)
        .describe('Daily request budget of the key (free tier: 25), shared by all instruments and the CLI.'),
      reserve_requests: z
        .number()
        .int()
        .min(0)
        .default(2)
        .describe('Requests of the budget left to the CLI (sentiment now, backfill); the poll plan uses the rest.'),
      min_poll_minutes: z
        .number()
        .int()
        .min(1)
        .max(390)
        .default(5)
        .describe('Polls of one instrument are at least this far apart even with budget to spare.'),
      limit: z.number().int().min(1).max(1000).default(1000).describe('Articles per request (`limit`, at most 1000).'),
      time_zone: timeZone
        .default('America/New_York')
        .describe('Zone of `time_published` and `time_from`/`time_to` (the API gives no zone; its other endpoints use US/Eastern).'),
    })
    .prefault({}),
  alpaca: z
    .strictObject({
      url: z
        .string()
        .url()
        .default('https://data.alpaca.markets')
        .describe('Base URL (…/v1beta1/news); keys from ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY.'),
      poll_minutes: z.number().int().min(1).max(390).default(5).describe('Poll interval inside poll_window_et.'),
      max_pages: z.number().int().min(1).max(100).default(10).describe('Pages of 50 headlines followed per poll (next_page_token).'),
    })
    .prefault({}),
};
