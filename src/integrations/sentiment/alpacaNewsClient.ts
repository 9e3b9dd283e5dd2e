// Alpaca News (/v1beta1/news) client: headlines without sentiment, scored locally by the lexicon, pages followed by token.

import { fetchVendorJson } from '../common/fetchVendor.ts';
import { IntegrationError } from '../common/integrationError.ts';
import type { Scrubber } from '../common/scrubber.ts';
import type { FetchedArticles, NewsClient, NewsQuery, ScoredArticle } from './article.ts';
import { lexiconScore } from './lexiconScorer.ts';

/** Largest page the API serves. */
export const ALPACA_PAGE_LIMIT = 50;

/** Settings of the client (config `filters.sentiment.alpaca` plus the keys). */
export interface AlpacaSettings {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly maxPages: number;
  readonly timeoutMs: number;
}

/** Scores one `news` entry: lexicon(headline + summary), relevance 1 / number of symbols tagged; null when unusable. */
export function scoreAlpacaEntry(raw: unknown): ScoredArticle | null {
  const e = (raw ?? {}) as Record<string, unknown>;
  const title = typeof e.headline === 'string' ? e.headline : '';
  const summary = typeof e.summary === 'string' ? e.summary : '';
  const created = typeof e.created_at === 'string' ? Date.parse(e.created_at) : Number.NaN;
  const id = typeof e.id === 'number' || typeof e.id === 'string' ? String(e.id) : '';
  if (!title || !id || !Number.isFinite(created)) return null;
  const symbols = Array.isArray(e.symbols) ? e.symbols.length : 0;
  return { id, title, publishedMs: created, score: lexiconScore(`${title}. ${summary}`), relevance: 1 / Math.max(1, symbols) };
}

/**
 * Headlines for the query's `headline_symbols` since `fromMs`, newest first, following
 * `next_page_token` up to `maxPages` pages of 50 (truncated = more remained). Keys go in the
 * APCA-API-KEY-ID / APCA-API-SECRET-KEY headers, never in the URL.
 */
export class AlpacaNewsClient implements NewsClient {
  readonly name = 'alpaca' as const;
  constructor(
    private readonly s: AlpacaSettings,
    private readonly scrub: Scrubber,
  ) {}

  async fetchArticles(q: NewsQuery, fromMs: number, toMs: number | null): Promise<FetchedArticles> {
    if (q.headlineSymbols.length === 0) return { articles: [], requests: 0, truncated: false, skipped: 0 };
    const articles: ScoredArticle[] = [];
    let skipped = 0;
    let token: string | null = null;
    let requests = 0;
    do {
      const p = new URLSearchParams({
        symbols: q.headlineSymbols.join(','),
        start: new Date(fromMs).toISOString(),
        limit: String(ALPACA_PAGE_LIMIT),
        sort: 'desc',
      });
      if (toMs !== null) p.set('end', new Date(toMs).toISOString());
      if (token) p.set('page_token', token);
      const body = await fetchVendorJson({
        source: this.name,
        url: `${this.s.baseUrl.replace(/\/+$/, '')}/v1beta1/news?${p.toString()}`,
        headers: { 'APCA-API-KEY-ID': this.s.keyId, 'APCA-API-SECRET-KEY': this.s.secretKey, accept: 'application/json' },
        timeoutMs: this.s.timeoutMs,
        scrub: this.scrub,
      });
      requests++;
      const b = (body ?? {}) as Record<string, unknown>;
      if (!Array.isArray(b.news)) {
        const msg = typeof b.message === 'string' ? `: ${this.scrub(b.message)}` : '';
        throw new IntegrationError('INTEGRATION_BAD_PAYLOAD', this.name, `answer has no news array${msg}`, { httpStatus: 200 });
      }
      for (const raw of b.news as unknown[]) {
        const a = scoreAlpacaEntry(raw);
        if (a) articles.push(a);
        else skipped++;
      }
      token = typeof b.next_page_token === 'string' && b.next_page_token !== '' ? b.next_page_token : null;
    } while (token && requests < this.s.maxPages);
    return { articles, requests, truncated: token !== null, skipped };
  }
}
