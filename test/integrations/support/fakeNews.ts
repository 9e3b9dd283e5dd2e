// Fake Alpha Vantage and Alpaca news answers built from the documented payloads, with articles appearing over time.

import { formatIsoInZone } from '../../../src/domain/time.ts';
import { parseAlphaVantageTime } from '../../../src/integrations/sentiment/index.ts';
import type { FakeHandler } from './fakeVendorServer.ts';

/** An article of the fake vendors. */
export interface FakeArticle {
  readonly id: number;
  readonly title: string;
  readonly publishedMs: number;
  /** Ticker score of QQQ (Alpha Vantage sends it as a string). */
  readonly score: number;
  readonly relevance: number;
  readonly symbols: readonly string[];
}

/** "YYYYMMDDTHHMMSS" in ET, as Alpha Vantage writes `time_published`. */
export function avStamp(tsMs: number): string {
  const iso = formatIsoInZone('America/New_York', tsMs);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** `n` deterministic articles published every `stepMs` from `firstMs`, mixed scores and relevances. */
export function makeArticles(n: number, firstMs: number, stepMs: number): FakeArticle[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    title: `Headline number ${i} about the Nasdaq`,
    publishedMs: firstMs + i * stepMs,
    score: Math.round((0.55 * Math.sin(i * 0.45) - 0.12) * 1e6) / 1e6,
    relevance: 0.3 + (((i * 37) % 10) / 10) * 0.7,
    symbols: i % 3 === 0 ? ['QQQ', 'AAPL'] : ['QQQ'],
  }));
}

/** One Alpha Vantage `feed` entry, string and number fields mixed as the API does. */
export function avEntry(a: FakeArticle): Record<string, unknown> {
  return {
    title: a.title,
    url: `https://news.example/${a.id}`,
    time_published: avStamp(a.publishedMs),
    authors: ['A. Writer'],
    summary: 'summary',
    source: 'Example',
    topics: [{ topic: 'Technology', relevance_score: '0.5' }],
    overall_sentiment_score: a.score / 2,
    overall_sentiment_label: 'Neutral',
    ticker_sentiment: [
      { ticker: 'AAPL', relevance_score: '0.1', ticker_sentiment_score: '0.9', ticker_sentiment_label: 'Bullish' },
      { ticker: 'QQQ', relevance_score: a.relevance.toFixed(6), ticker_sentiment_score: a.score.toFixed(6), ticker_sentiment_label: 'Neutral' },
    ],
  };
}

/** NEWS_SENTIMENT over `articles`: those published in [time_from, now()] (news appears as time passes). */
export function alphaVantageHandler(articles: readonly FakeArticle[], nowMs: () => number): FakeHandler {
  return (req) => {
    if (req.query.get('function') !== 'NEWS_SENTIMENT') return { json: { 'Error Message': 'Invalid API call.' } };
    const from = parseAlphaVantageTime(req.query.get('time_from') ?? '', 'America/New_York');
    const toText = req.query.get('time_to');
    const to = toText ? parseAlphaVantageTime(toText, 'America/New_York') + 59_999 : nowMs();
    const limit = Number(req.query.get('limit') ?? 50);
    const visible = articles
      .filter((a) => a.publishedMs >= from && a.publishedMs <= Math.min(to, nowMs()))
      .sort((a, b) => b.publishedMs - a.publishedMs);
    return {
      json: {
        items: String(Math.min(limit, visible.length)),
        sentiment_score_definition:
          'x <= -0.35: Bearish; -0.35 < x <= -0.15: Somewhat-Bearish; -0.15 < x < 0.15: Neutral; 0.15 <= x < 0.35: Somewhat_Bullish; x >= 0.35: Bullish',
        relevance_score_definition: '0 < x <= 1, with a higher score indicating higher relevance.',
        feed: visible.slice(0, limit).map(avEntry),
      },
    };
  };
}

/** Alpaca /v1beta1/news over `articles`, newest first, `pageSize` per page with opaque next_page_token. */
export function alpacaHandler(articles: readonly FakeArticle[], pageSize = 50): FakeHandler {
  return (req) => {
    const start = Date.parse(req.query.get('start') ?? '');
    const endText = req.query.get('end');
    const end = endText ? Date.parse(endText) : Number.POSITIVE_INFINITY;
    const wanted = new Set((req.query.get('symbols') ?? '').split(','));
    const all = articles
      .filter((a) => a.publishedMs >= start && a.publishedMs <= end && a.symbols.some((s) => wanted.has(s)))
      .sort((a, b) => b.publishedMs - a.publishedMs);
    const offset = req.query.get('page_token') ? Number(Buffer.from(req.query.get('page_token')!, 'base64').toString()) : 0;
    const page = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? Buffer.from(String(offset + pageSize)).toString('base64') : null;
    return {
      json: {
        news: page.map((a) => ({
          id: a.id,
          headline: a.score >= 0 ? `${a.title}: stocks rally on strong gains` : `${a.title}: stocks slump on weak outlook, losses`,
          author: 'Benzinga Newsdesk',
          created_at: new Date(a.publishedMs).toISOString(),
          updated_at: new Date(a.publishedMs).toISOString(),
          summary: '',
          url: `https://news.example/${a.id}`,
          images: [],
          symbols: a.symbols,
          source: 'benzinga',
        })),
        next_page_token: next,
      },
    };
  };
}
