// Tests of the news sentiment feed: aggregation formula, Alpha Vantage and Alpaca clients against fake servers,
// the daily budget, the journal, record/replay and backfill.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../src/domain/time.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import {
  aggregateSentiment,
  backfillSentiment,
  createSentimentFeed,
  lexiconScore,
  newsClient,
  newsQueries,
  pollPlan,
  pollSlots,
  pollsPerInstrument,
  requestBudget,
  type AggregationParams,
  type PollRecord,
} from '../../src/integrations/sentiment/index.ts';
import { computeFinalSize, evaluateFilters, filterSettingsFromConfig, riskSettingsFromConfig } from '../../src/strategy/index.ts';
import { alpacaHandler, alphaVantageHandler, avEntry, makeArticles } from './support/fakeNews.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';
import { configWith, et, testDeps } from './support/integrationFixtures.ts';

const KEY = 'AVKEY-very-secret-987';
const DAY = '2025-03-12';
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const P: AggregationParams = {
  minArticles: 2,
  halfLifeMs: 60 * MINUTE_MS,
  bullishScore: 0.35,
  staleAfterMs: 90 * MINUTE_MS,
  sessionCloseEt: '16:00',
};
const art = (id: string, title: string, hhmm: string, score: number, relevance: number, date = DAY) => ({
  id,
  title,
  publishedMs: et(date, hhmm),
  score,
  relevance,
});
const rec = (knownAt: number, articles: PollRecord['articles']): PollRecord => ({
  v: 1,
  source: 'alphavantage',
  symbol: 'MNQ',
  knownAtMs: knownAt,
  articles,
});

describe('aggregateSentiment', () => {
  const records = [
    rec(et(DAY, '10:00'), [
      art('a1', 'Up', '09:00', 0.7, 1),
      art('a2', 'Down', '10:00', -0.35, 0.5),
      art('old', 'Before the close', '15:00', -1, 1, '2025-03-11'),
      art('dup', '  up ', '09:30', -1, 1),
      art('later', 'Published after the instant', '10:30', -1, 1),
    ]),
  ];

  it('weights by relevance and half-life decay and maps the Bullish band to ±1', () => {
    // w1 = 1 · 2^-1 = 0.5, w2 = 0.5 · 1 = 0.5, m = (0.35 − 0.175) / 1 = 0.175, S = 0.175 / 0.35 = 0.5
    const r = aggregateSentiment(records, et(DAY, '10:00'), P);
    expect(r.reason).toBe('OK');
    expect(r.articles).toBe(2);
    expect(r.weightedMean).toBeCloseTo(0.175, 12);
    expect(r.value).toBeCloseTo(0.5, 12);
    expect(r.sinceMs).toBe(et('2025-03-11', '16:00'));
  });

  it('is neutral before any poll is known, when stale, and with too few articles', () => {
    expect(aggregateSentiment(records, et(DAY, '09:59'), P)).toMatchObject({ value: 0, reason: 'NO_POLL' });
    expect(aggregateSentiment(records, et(DAY, '11:31'), P)).toMatchObject({ value: 0, reason: 'STALE' });
    expect(aggregateSentiment(records, et(DAY, '10:00'), { ...P, minArticles: 3 })).toMatchObject({
      value: 0,
      reason: 'TOO_FEW_ARTICLES',
      articles: 2,
    });
  });

  it('clamps to [-1, 1] and keeps the first-known version of a re-sent article', () => {
    const rs = [
      rec(et(DAY, '10:00'), [art('a', 'A', '09:50', 0.7, 1), art('b', 'B', '09:55', 0.9, 1)]),
      rec(et(DAY, '10:20'), [art('a', 'A', '09:50', -0.9, 1)]),
    ];
    expect(aggregateSentiment(rs, et(DAY, '10:20'), P)).toMatchObject({ value: 1, articles: 2 });
  });
});

describe('poll plan', () => {
  it('spreads the free tier over the session window', () => {
    expect(pollsPerInstrument(25, 2, 1)).toBe(23);
    expect(pollsPerInstrument(25, 2, 4)).toBe(5);
    const slots = pollSlots(DAY, { windowStartEt: '09:00', windowEndEt: '15:30', pollsPerDay: 23, minIntervalMs: 5 * MINUTE_MS });
    expect(slots).toHaveLength(23);
    expect(slots[0]).toBe(et(DAY, '09:00'));
    expect((slots[1]! - slots[0]!) / MINUTE_MS).toBeCloseTo(390 / 23, 3);
    expect(pollSlots('2025-03-15', { windowStartEt: '09:00', windowEndEt: '15:30', pollsPerDay: 23, minIntervalMs: 0 })).toEqual([]);
    // no budget: every min interval
    expect(pollSlots(DAY, { windowStartEt: '09:00', windowEndEt: '15:30', pollsPerDay: Infinity, minIntervalMs: 5 * MINUTE_MS })).toHaveLength(78);
  });
});

function avSetup(sentiment: Record<string, unknown> = {}, startMs = et(DAY, '09:00')) {
  const config = configWith({ sentiment: { source: 'alphavantage', ...sentiment } });
  const t = testDeps(startMs, { ALPHAVANTAGE_API_KEY: KEY });
  const feed = createSentimentFeed(config, t.deps, { mode: 'paper', symbols: ['MNQ'], url: server.url, tickMs: 3_600_000 })!;
  return { ...t, config, feed, source: feed.sourceFor('MNQ') };
}

describe('Alpha Vantage feed', () => {
  const articles = makeArticles(30, et('2025-03-11', '16:30'), 20 * MINUTE_MS);

  it('polls NEWS_SENTIMENT with the ticker, time_from at the previous close, and journals the scored articles', async () => {
    const s = avSetup();
    server.on('/query', alphaVantageHandler(articles, s.clock.nowMs));
    const [out] = await s.feed.pollNow();
    expect(out).toMatchObject({ symbol: 'MNQ', ok: true });
    const q = server.requests[0]!.query;
    expect([q.get('function'), q.get('tickers'), q.get('time_from'), q.get('limit'), q.get('sort')]).toEqual([
      'NEWS_SENTIMENT',
      'QQQ',
      '20250311T1600',
      '1000',
      'LATEST',
    ]);
    const file = readFileSync(join(s.cacheDir, 'sentiment', 'alphavantage', `${DAY}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const stored = JSON.parse(file[0]!) as PollRecord;
    expect(stored.knownAtMs).toBe(et(DAY, '09:00'));
    // ticker_sentiment_score / relevance_score strings of QQQ (not AAPL) became numbers
    const first = articles.find((a) => a.publishedMs === et('2025-03-11', '16:30'))!;
    expect(stored.articles.find((a) => a.id === 'https://news.example/1000')).toMatchObject({
      score: first.score,
      relevance: Number(first.relevance.toFixed(6)),
    });
    expect(s.source.readingAt(et(DAY, '09:05'))).toMatchObject({ reason: 'OK', articles: out!.ok ? out!.articles : -1 });
    expect(s.source.scoreAt(et(DAY, '09:05'))).not.toBe(0);
  });

  it('scores a topic query (MGC: economy_monetary) with overall_sentiment_score and the topic relevance', async () => {
    const config = configWith({ sentiment: { source: 'alphavantage' } });
    const client = newsClient(config, 'alphavantage', { ALPHAVANTAGE_API_KEY: KEY }, server.url);
    server.on('/query', () => ({
      json: {
        feed: [
          { ...avEntry(articles[0]!), overall_sentiment_score: '-0.42', topics: [{ topic: 'economy_monetary', relevance_score: '0.9' }] },
          { ...avEntry(articles[1]!), topics: [{ topic: 'technology', relevance_score: '1.0' }] },
        ],
      },
    }));
    const got = await client.fetchArticles(newsQueries(config.filters.sentiment, ['MGC']).get('MGC')!, et('2025-03-11', '16:00'), null);
    expect(got.articles.map((a) => [a.score, a.relevance])).toEqual([[-0.42, 0.9]]);
    expect(got.skipped).toBe(1);
    expect(server.requests[0]!.query.get('topics')).toBe('economy_monetary');
    expect(server.requests[0]!.query.has('tickers')).toBe(false);
  });

  it.each([
    [
      'HTTP 200 with Information (daily limit)',
      { json: { Information: `Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. key ${KEY}` } },
      'INTEGRATION_BUDGET_EXHAUSTED',
    ],
    [
      'HTTP 200 with Note (older limit answer)',
      { json: { Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute.' } },
      'INTEGRATION_BUDGET_EXHAUSTED',
    ],
    ['HTTP 200 with Error Message', { json: { 'Error Message': `Invalid API call. apikey=${KEY}` } }, 'INTEGRATION_VENDOR_ERROR'],
    ['HTTP 429', { status: 429, text: 'Too Many Requests' }, 'INTEGRATION_RATE_LIMITED'],
    ['HTTP 503', { status: 503, text: `<html>upstream error for /query?apikey=${KEY}</html>` }, 'INTEGRATION_HTTP_STATUS'],
    ['HTML instead of JSON', { text: `<!doctype html><title>Maintenance</title><p>${KEY}</p>`, contentType: 'text/html' }, 'INTEGRATION_NOT_JSON'],
    ['an object without feed', { json: { items: '0' } }, 'INTEGRATION_BAD_PAYLOAD'],
  ] as const)('on %s: a log line, SENTIMENT_DEGRADED, journaled value kept then neutral, key never shown', async (_name, answer, code) => {
    const s = avSetup();
    server.on('/query', alphaVantageHandler(articles, s.clock.nowMs));
    await s.feed.pollNow();
    const before = s.source.scoreAt(et(DAY, '09:10'));
    expect(before).not.toBe(0);
    server.on('/query', () => answer);
    s.clock.set(et(DAY, '09:20'));
    const [out] = await s.feed.pollNow();
    expect(out).toMatchObject({ ok: false, code });
    expect(s.alerts.map((a) => a.code)).toEqual(['SENTIMENT_DEGRADED']);
    expect(s.lines.some((l) => l.includes(code))).toBe(true);
    // the journaled poll (09:00) still answers at 09:20, and is stale (neutral) after 90 minutes
    expect(s.source.scoreAt(et(DAY, '09:20'))).not.toBe(0);
    expect(s.source.readingAt(et(DAY, '10:31'))).toMatchObject({ value: 0, reason: 'STALE' });
    const shown = [...s.lines, JSON.stringify(s.alerts), JSON.stringify(out), s.feed.status().lastError ?? ''].join('\n');
    expect(shown).not.toContain(KEY);
    if (code === 'INTEGRATION_BUDGET_EXHAUSTED') {
      // the vendor's word ends today's polling: no further request is sent
      const n = server.requests.length;
      expect(await s.feed.pollNow()).toMatchObject([{ ok: false, code: 'INTEGRATION_BUDGET_EXHAUSTED' }]);
      expect(server.requests.length).toBe(n);
    }
  });

  it('on a timeout: INTEGRATION_TIMEOUT, an alert, no exception', async () => {
    const s = avSetup({ timeout_ms: 150 });
    server.on('/query', () => 'hang');
    expect(await s.feed.pollNow()).toMatchObject([{ ok: false, code: 'INTEGRATION_TIMEOUT' }]);
    expect(s.alerts.map((a) => a.code)).toEqual(['SENTIMENT_DEGRADED']);
    expect(s.source.scoreAt(et(DAY, '09:01'))).toBe(0);
  });

  it('runs out of its daily budget mid-session: polls stop, one alert, the value goes neutral when stale', async () => {
    const s = avSetup({ alphavantage: { requests_per_day: 6, reserve_requests: 0 }, stale_after_minutes: 90 });
    server.on('/query', alphaVantageHandler(articles, s.clock.nowMs));
    // the CLI used 3 of the 6 requests this morning
    const budget = requestBudget(s.config, s.deps, 'alphavantage')!;
    for (let i = 0; i < 3; i++) expect(await budget.take()).toBe(true);
    // plan: 6 polls, 09:00-15:30 → one every 65 minutes
    const bars: [string, boolean][] = [];
    for (let m = 9 * 60; m < 15 * 60 + 30; m += 5) {
      const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      s.clock.set(et(DAY, hhmm));
      if (await s.feed.tick()) bars.push([hhmm, true]);
    }
    expect(bars.map((b) => b[0])).toEqual(['09:00', '10:05', '11:10', '12:15', '13:20', '14:25']);
    expect(server.requests).toHaveLength(3);
    expect(s.alerts.filter((a) => a.code === 'SENTIMENT_DEGRADED')).toHaveLength(1);
    expect(s.alerts[0]!.title).toBe('News sentiment budget exhausted (alphavantage)');
    expect(budget.remaining()).toBe(0);
    expect(s.source.scoreAt(et(DAY, '11:40'))).not.toBe(0);
    expect(s.source.readingAt(et(DAY, '12:41'))).toMatchObject({ value: 0, reason: 'STALE' });
  });

  it('does not poll a slot again after a restart inside it', async () => {
    const s = avSetup({}, et(DAY, '09:01'));
    server.on('/query', alphaVantageHandler(articles, s.clock.nowMs));
    expect(await s.feed.tick()).toBe(true);
    await s.feed.stop();
    const again = createSentimentFeed(s.config, s.deps, { mode: 'paper', symbols: ['MNQ'], url: server.url, tickMs: 3_600_000 })!;
    s.clock.set(et(DAY, '09:05'));
    again.start();
    await again.stop();
    expect(server.requests).toHaveLength(1);
    expect(again.sourceFor('MNQ').scoreAt(et(DAY, '09:05'))).toBe(s.source.scoreAt(et(DAY, '09:05')));
  });

  it('needs ALPHAVANTAGE_API_KEY for live polling', () => {
    const config = configWith({ sentiment: { source: 'alphavantage' } });
    expect(() => createSentimentFeed(config, testDeps(0).deps, { mode: 'paper', symbols: ['MNQ'] })).toThrow(ConfigError);
  });
});

describe('record and replay', () => {
  it('a backtest on the recorded journal returns, for each bar, exactly the live value and size', async () => {
    // overnight news, then news through the session until 15:00
    const articles = makeArticles(100, et('2025-03-11', '20:00'), 11 * MINUTE_MS + 7_000);
    const s = avSetup({ threshold: 0.4, reduce_multiplier: 0.5 });
    server.on('/query', alphaVantageHandler(articles, s.clock.nowMs));
    const settings = filterSettingsFromConfig(s.config);
    const risk = riskSettingsFromConfig(s.config);
    const sizeWith = (source: typeof s.source, tsMs: number) => {
      const v = evaluateFilters({ tsMs, tradingDate: DAY, regime: 'BULL', settings, sentiment: source });
      return {
        score: v.sentiment,
        news: v.newsMultiplier,
        size: computeFinalSize(
          { baseSize: 2, regime: 'BULL', vixMultiplier: v.vixMultiplier, regimeConfidence: 0.9, newsMultiplier: v.newsMultiplier },
          risk,
        ).size,
      };
    };
    const live: { tsMs: number; score: number; news: number; size: number }[] = [];
    for (let tsMs = et(DAY, '09:35'); tsMs < et(DAY, '15:30'); tsMs += 5 * MINUTE_MS) {
      s.clock.set(tsMs);
      await s.feed.tick();
      live.push({ tsMs, ...sizeWith(s.source, tsMs) });
    }
    await s.feed.stop();
    // the run is not trivial: sentiment moves, and strong bearish news halves the long size at times
    expect(new Set(live.map((b) => b.score)).size).toBeGreaterThan(15);
    expect(live.some((b) => b.size === 1) && live.some((b) => b.size === 2)).toBe(true);

    const replayConfig = configWith({ sentiment: { source: 'recorded', threshold: 0.4, reduce_multiplier: 0.5 } });
    const replayDeps = { ...testDeps(0).deps, cacheDir: s.cacheDir };
    const recorded = createSentimentFeed(replayConfig, replayDeps, { mode: 'backtest', symbols: ['MNQ'] })!;
    expect(recorded.live).toBe(false);
    const replay = live.map((b) => ({ tsMs: b.tsMs, ...sizeWith(recorded.sourceFor('MNQ'), b.tsMs) }));
    expect(replay).toEqual(live);
  });
});

describe('Alpaca headlines (scored locally)', () => {
  const ENV = { ALPACA_API_KEY_ID: 'PKTESTKEYID1234', ALPACA_API_SECRET_KEY: 'alpaca-secret-abcdef' };
  const articles = makeArticles(120, et('2025-03-11', '16:05'), 8 * MINUTE_MS);

  it('follows next_page_token, sends the keys as headers only, and scores headlines with the lexicon', async () => {
    server.on('/v1beta1/news', alpacaHandler(articles, 50));
    const config = configWith({ sentiment: { source: 'alpaca' } });
    const t = testDeps(et(DAY, '09:00'), ENV);
    const feed = createSentimentFeed(config, t.deps, { mode: 'paper', symbols: ['MNQ'], url: server.url })!;
    const [out] = await feed.pollNow();
    const visible = articles.filter((a) => a.publishedMs >= et('2025-03-11', '16:00'));
    expect(out).toMatchObject({ ok: true, articles: visible.length, truncated: false });
    expect(server.requests.map((r) => r.query.get('page_token') !== null)).toEqual([false, true, true]);
    expect(
      server.requests.every(
        (r) => r.headers['apca-api-key-id'] === ENV.ALPACA_API_KEY_ID && r.headers['apca-api-secret-key'] === ENV.ALPACA_API_SECRET_KEY,
      ),
    ).toBe(true);
    expect(server.requests.every((r) => !r.query.toString().includes('PKTESTKEYID'))).toBe(true);
    expect(server.requests[0]!.query.get('symbols')).toBe('QQQ');
    const rec0 = JSON.parse(readFileSync(join(t.cacheDir, 'sentiment', 'alpaca', `${DAY}.jsonl`), 'utf8').split('\n')[0]!) as PollRecord;
    const two = rec0.articles.find((a) => a.id === '1002')!;
    const three = rec0.articles.find((a) => a.id === '1003')!;
    expect(three.relevance).toBe(0.5);
    expect(two.relevance).toBe(1);
    expect(Math.sign(two.score)).toBe(Math.sign(articles[2]!.score));
    expect(feed.status().using).toContain('alpaca');
  });

  it('stops at max_pages and reports the poll as truncated', async () => {
    server.on('/v1beta1/news', alpacaHandler(articles, 10));
    const config = configWith({ sentiment: { source: 'alpaca', alpaca: { max_pages: 2 } } });
    const t = testDeps(et(DAY, '09:00'), ENV);
    const feed = createSentimentFeed(config, t.deps, { mode: 'paper', symbols: ['MNQ'], url: server.url })!;
    expect(await feed.pollNow()).toMatchObject([{ ok: true, articles: 20, truncated: true }]);
    expect(t.lines.some((l) => l.includes('more articles than one poll returns'))).toBe(true);
  });

  it('keeps the keys out of logs on a 401', async () => {
    server.on('/v1beta1/news', (req) => ({ status: 401, json: { message: `invalid key ${String(req.headers['apca-api-key-id'])}` } }));
    const config = configWith({ sentiment: { source: 'alpaca' } });
    const t = testDeps(et(DAY, '09:00'), ENV);
    const feed = createSentimentFeed(config, t.deps, { mode: 'paper', symbols: ['MNQ'], url: server.url })!;
    expect(await feed.pollNow()).toMatchObject([{ ok: false, code: 'INTEGRATION_HTTP_STATUS' }]);
    const shown = [...t.lines, JSON.stringify(t.alerts)].join('\n');
    expect(shown).toContain('HTTP 401');
    expect(shown).not.toContain(ENV.ALPACA_API_KEY_ID);
    expect(shown).not.toContain(ENV.ALPACA_API_SECRET_KEY);
  });

  it('lexicon scores: positive, negative, neutral headlines', () => {
    expect(lexiconScore('Stocks rally on strong gains')).toBeGreaterThan(0);
    expect(lexiconScore('Stocks slump on weak outlook, losses')).toBeLessThan(0);
    expect(lexiconScore('Fed meets on Wednesday')).toBe(0);
  });
});

describe('sentiment backfill', () => {
  it('writes one record per planned slot from the vendor history and skips days already journaled', async () => {
    const articles = makeArticles(80, et('2025-03-07', '16:10'), 60 * MINUTE_MS);
    const config = configWith({ sentiment: { source: 'alphavantage', alphavantage: { limit: 100, requests_per_day: 25 } } });
    const t = testDeps(et('2025-03-14', '18:00'), { ALPHAVANTAGE_API_KEY: KEY });
    server.on('/query', alphaVantageHandler(articles, t.clock.nowMs));
    const s = config.filters.sentiment;
    const feed = createSentimentFeed(config, { ...t.deps }, { mode: 'backtest', symbols: ['MNQ'] })!;
    const report = await backfillSentiment({
      client: newsClient(config, 'alphavantage', t.deps.env!, server.url),
      journal: feed.journal,
      queries: newsQueries(s, ['MNQ']),
      plan: pollPlan(s, 'alphavantage', 1),
      sessionCloseEt: s.session_close_et,
      budget: requestBudget(config, t.deps, 'alphavantage'),
      fromDate: '2025-03-10',
      toDate: '2025-03-11',
      logger: t.deps.logger,
    });
    // Friday 16:00 to Tuesday 15:30 holds all 80 articles: one request of limit 100 covers both days
    expect(report).toMatchObject({ stoppedAt: null, daysWritten: { MNQ: 2 } });
    expect(report.requests).toBe(1);
    const src = feed.sourceFor('MNQ');
    expect(src.readingAt(et('2025-03-11', '11:00'))).toMatchObject({ reason: 'OK' });
    const lines = readFileSync(join(t.cacheDir, 'sentiment', 'alphavantage', '2025-03-10.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(23);
    expect((JSON.parse(lines[0]!) as PollRecord).backfilled).toBe(true);
    // a second run skips the days already in the journal and spends nothing
    const again = await backfillSentiment({
      client: newsClient(config, 'alphavantage', t.deps.env!, server.url),
      journal: feed.journal,
      queries: newsQueries(s, ['MNQ']),
      plan: pollPlan(s, 'alphavantage', 1),
      sessionCloseEt: s.session_close_et,
      budget: requestBudget(config, t.deps, 'alphavantage'),
      fromDate: '2025-03-10',
      toDate: '2025-03-11',
      logger: t.deps.logger,
    });
    expect(again).toMatchObject({ requests: 0, daysSkipped: { MNQ: 2 } });
  });

  it('splits a truncated chunk and stops when the budget runs out', async () => {
    const articles = makeArticles(200, et('2025-03-07', '16:10'), 30 * MINUTE_MS);
    const config = configWith({ sentiment: { source: 'alphavantage', alphavantage: { limit: 50, requests_per_day: 3, reserve_requests: 0 } } });
    const t = testDeps(et('2025-03-14', '18:00'), { ALPHAVANTAGE_API_KEY: KEY });
    server.on('/query', alphaVantageHandler(articles, t.clock.nowMs));
    const s = config.filters.sentiment;
    const feed = createSentimentFeed(config, { ...t.deps }, { mode: 'backtest', symbols: ['MNQ'] })!;
    const report = await backfillSentiment({
      client: newsClient(config, 'alphavantage', t.deps.env!, server.url),
      journal: feed.journal,
      queries: newsQueries(s, ['MNQ']),
      plan: pollPlan(s, 'alphavantage', 1),
      sessionCloseEt: s.session_close_et,
      budget: requestBudget(config, t.deps, 'alphavantage'),
      fromDate: '2025-03-10',
      toDate: '2025-03-14',
      logger: t.deps.logger,
    });
    expect(report.requests).toBe(3);
    expect(report.stopReason).toBe('daily request budget exhausted');
    expect(report.stoppedAt).not.toBeNull();
    expect(report.daysWritten.MNQ).toBeGreaterThan(0);
    expect(report.daysWritten.MNQ).toBeLessThan(5);
  });
});

describe('sentiment journal robustness', () => {
  it('skips a torn or foreign journal line with a warning and still answers', async () => {
    const s = avSetup();
    server.on('/query', alphaVantageHandler(makeArticles(10, et('2025-03-11', '17:00'), 30 * MINUTE_MS), s.clock.nowMs));
    await s.feed.pollNow();
    await s.feed.stop();
    const file = join(s.cacheDir, 'sentiment', 'alphavantage', `${DAY}.jsonl`);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}{"v":1,"source":"alphavantage","sym\n{"v":2}\n`);
    const t = testDeps(0);
    const replay = createSentimentFeed(
      configWith({ sentiment: { source: 'recorded' } }),
      { ...t.deps, cacheDir: s.cacheDir },
      { mode: 'backtest', symbols: ['MNQ'] },
    )!;
    expect(replay.sourceFor('MNQ').scoreAt(et(DAY, '09:30'))).toBe(s.source.scoreAt(et(DAY, '09:30')));
    expect(t.lines.filter((l) => l.includes('sentiment journal line skipped'))).toHaveLength(2);
  });
});
