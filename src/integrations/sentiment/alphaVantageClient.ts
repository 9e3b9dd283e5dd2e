// Alpha Vantage NEWS_SENTIMENT client: the scored news source (per-ticker sentiment and relevance per article).

import { localToUtc, naiveLocalMs, toLocalParts, type ZoneName } from '../../domain/index.ts';
import { fetchVendorJson } from '../common/fetchVendor.ts';
import { IntegrationError } from '../common/integrationError.ts';
import type { Scrubber } from '../common/scrubber.ts';
import type { FetchedArticles, NewsClient, NewsQuery, ScoredArticle } from './article.ts';

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?$/;

/** `time_published` "YYYYMMDDTHHMMSS" (no zone given) read in `zone`; NaN when malformed. */
export function parseAlphaVantageTime(text: string, zone: ZoneName): number {
  const m = STAMP.exec(text.trim());
  if (!m) return Number.NaN;
  return localToUtc(zone, naiveLocalMs(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0)) ?? Number.NaN;
}

/** `time_from` / `time_to` "YYYYMMDDTHHMM" of an instant in `zone`. */
export function formatAlphaVantageTime(tsMs: number, zone: ZoneName): string {
  const p = toLocalParts(zone, tsMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}`;
}

/** A number from a number or a numeric string (the API mixes both); NaN otherwise. */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Scores one feed entry for the query: with tickers, the mean `ticker_sentiment_score` and
 * `relevance_score` of the query's tickers in `ticker_sentiment`; with topics only,
 * `overall_sentiment_score` weighted by the mean `relevance_score` of the query's topics. Null when
 * the entry has no usable score, relevance or time.
 */
export function scoreAlphaVantageEntry(raw: unknown, q: NewsQuery, zone: ZoneName): ScoredArticle | null {
  const e = (raw ?? {}) as Record<string, unknown>;
  const title = typeof e.title === 'string' ? e.title : '';
  const publishedMs = typeof e.time_published === 'string' ? parseAlphaVantageTime(e.time_published, zone) : Number.NaN;
  const id = typeof e.url === 'string' && e.url ? e.url : `${title}@${String(e.time_published)}`;
  if (!Number.isFinite(publishedMs)) return null;
  let score: number;
  let relevance: number;
  if (q.tickers.length > 0) {
    const wanted = new Set(q.tickers.map((t) => t.toUpperCase()));
    const rows = (Array.isArray(e.ticker_sentiment) ? e.ticker_sentiment : []) as Record<string, unknown>[];
    const mine = rows.filter((r) => typeof r?.ticker === 'string' && wanted.has(r.ticker.toUpperCase()));
    const scores = mine.map((r) => num(r.ticker_sentiment_score)).filter(Number.isFinite);
    const rels = mine.map((r) => num(r.relevance_score)).filter(Number.isFinite);
    if (scores.length === 0 || rels.length === 0) return null;
    score = mean(scores);
    relevance = mean(rels);
  } else {
    const wanted = new Set(q.topics);
    const rows = (Array.isArray(e.topics) ? e.topics : []) as Record<string, unknown>[];
    const rels = rows
      .filter((r) => typeof r?.topic === 'string' && wanted.has(r.topic))
      .map((r) => num(r.relevance_score))
      .filter(Number.isFinite);
    score = num(e.overall_sentiment_score);
    if (rels.length === 0 || !Number.isFinite(score)) return null;
    relevance = mean(rels);
  }
  if (!(relevance > 0)) return null;
  return { id, title, publishedMs, score: Math.max(-1, Math.min(1, score)), relevance: Math.min(1, relevance) };
}

/** Settings of the client (config `filters.sentiment.alphavantage` plus the key). */
export interface AlphaVantageSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly limit: number;
  readonly timeZone: ZoneName;
  readonly timeoutMs: number;
}

/**
 * One NEWS_SENTIMENT request per fetch. Answers that are HTTP 200 but not a feed are errors:
 * `Information` / `Note` (daily limit reached) → INTEGRATION_BUDGET_EXHAUSTED, `Error Message` (bad
 * parameters) → INTEGRATION_VENDOR_ERROR, anything else without `feed` → INTEGRATION_BAD_PAYLOAD. An
 * `Information` saying no articles were found is an empty, successful answer.
 */
export class AlphaVantageClient implements NewsClient {
  readonly name = 'alphavantage' as const;
  constructor(
    private readonly s: AlphaVantageSettings,
    private readonly scrub: Scrubber,
  ) {}

  /** The request URL (carries the key: never log it unscrubbed). */
  urlFor(q: NewsQuery, fromMs: number, toMs: number | null): string {
    const p = new URLSearchParams({ function: 'NEWS_SENTIMENT' });
    if (q.tickers.length) p.set('tickers', q.tickers.join(','));
    if (q.topics.length) p.set('topics', q.topics.join(','));
    p.set('time_from', formatAlphaVantageTime(fromMs, this.s.timeZone));
    if (toMs !== null) p.set('time_to', formatAlphaVantageTime(toMs, this.s.timeZone));
    p.set('sort', 'LATEST');
    p.set('limit', String(this.s.limit));
    p.set('apikey', this.s.apiKey);
    return `${this.s.baseUrl.replace(/\/+$/, '')}/query?${p.toString()}`;
  }

  async fetchArticles(q: NewsQuery, fromMs: number, toMs: number | null): Promise<FetchedArticles> {
    const body = await fetchVendorJson({ source: this.name, url: this.urlFor(q, fromMs, toMs), timeoutMs: this.s.timeoutMs, scrub: this.scrub });
    return this.parse(body, q);
  }

  /** Parses an answer body (exported through the class for tests of payload shapes). */
  parse(body: unknown, q: NewsQuery): FetchedArticles {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new IntegrationError(
        'INTEGRATION_BAD_PAYLOAD',
        this.name,
        `expected a JSON object, got ${Array.isArray(body) ? 'an array' : typeof body}`,
      );
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.feed)) {
      const info = typeof b.Information === 'string' ? b.Information : typeof b.Note === 'string' ? b.Note : null;
      if (info !== null && /no articles/i.test(info)) return { articles: [], requests: 1, truncated: false, skipped: 0 };
      if (info !== null)
        throw new IntegrationError(
          'INTEGRATION_BUDGET_EXHAUSTED',
          this.name,
          `request limit reached (HTTP 200 ${'Information' in b ? 'Information' : 'Note'}: ${this.scrub(info)})`,
          {
            httpStatus: 200,
            retryable: true,
          },
        );
      if (typeof b['Error Message'] === 'string')
        throw new IntegrationError(
          'INTEGRATION_VENDOR_ERROR',
          this.name,
          `vendor rejected the request (HTTP 200 Error Message: ${this.scrub(b['Error Message'])})`,
          {
            httpStatus: 200,
          },
        );
      throw new IntegrationError('INTEGRATION_BAD_PAYLOAD', this.name, `answer has no feed (keys: ${Object.keys(b).join(', ') || 'none'})`, {
        httpStatus: 200,
      });
    }
    const articles: ScoredArticle[] = [];
    let skipped = 0;
    for (const raw of b.feed as unknown[]) {
      const a = scoreAlphaVantageEntry(raw, q, this.s.timeZone);
      if (a) articles.push(a);
      else skipped++;
    }
    return { articles, requests: 1, truncated: b.feed.length >= this.s.limit, skipped };
  }
}
