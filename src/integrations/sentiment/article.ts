// The records of the sentiment journal: scored articles and the poll that made them known.

/** News vendors of the sentiment feed. */
export type NewsVendor = 'alphavantage' | 'alpaca';

/** One article as scored for our instrument. */
export interface ScoredArticle {
  /** Vendor identity (Alpha Vantage url, Alpaca id). */
  readonly id: string;
  readonly title: string;
  /** Publication instant, UTC epoch ms. */
  readonly publishedMs: number;
  /** Sentiment in [-1, 1]: the vendor's (Alpha Vantage) or the local lexicon's (Alpaca). */
  readonly score: number;
  /** Weight in (0, 1]: the vendor's relevance to the instrument's tickers/topics, or 1 / symbols tagged. */
  readonly relevance: number;
}

/** One successful poll of one instrument: what became known at `knownAtMs`. Failed polls are not recorded. */
export interface PollRecord {
  readonly v: 1;
  readonly source: NewsVendor;
  /** Instrument root (MNQ, MES, ...). */
  readonly symbol: string;
  /** When the answer arrived (live) or the planned poll time it stands for (backfill), UTC epoch ms. */
  readonly knownAtMs: number;
  /** True when written by `txbot sentiment backfill` from the vendor's history, not seen live. */
  readonly backfilled?: boolean;
  readonly articles: readonly ScoredArticle[];
}

/** The instrument's news query (config `filters.sentiment.instruments.<root>`). */
export interface NewsQuery {
  readonly symbol: string;
  readonly tickers: readonly string[];
  readonly topics: readonly string[];
  readonly headlineSymbols: readonly string[];
}

/** What one fetch returned. */
export interface FetchedArticles {
  readonly articles: readonly ScoredArticle[];
  /** Requests made (Alpaca follows pages). */
  readonly requests: number;
  /** True when the vendor had more than was fetched (limit reached / page cap). */
  readonly truncated: boolean;
  /** Entries dropped as unusable (no score, no relevance, bad time). */
  readonly skipped: number;
}

/** A news vendor client. Throws IntegrationError; never returns partial garbage. */
export interface NewsClient {
  readonly name: NewsVendor;
  /** Articles for `query` published in [fromMs, toMs] (toMs null = up to now). */
  fetchArticles(query: NewsQuery, fromMs: number, toMs: number | null): Promise<FetchedArticles>;
}
