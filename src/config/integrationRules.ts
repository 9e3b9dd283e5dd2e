// Cross-field rules of the integration sources (live calendar, sentiment feed, live VIX); run with config/rules.ts.

import type { Config } from './schema.ts';
import { minutesOfClock } from '../domain/index.ts';
import { describeValue } from './describeValue.ts';

/** Problems that would make an integration key silently do nothing. */
export function integrationsCoherent(c: Config): string[] {
  const out: string[] = [];
  const f = c.filters;
  const highTier = f.calendar.tier_by_impact.high;
  if (f.calendar.source !== 'file' && !f.news.calendar_tiers.includes(highTier))
    out.push(
      `filters.news.calendar_tiers: must include ${highTier} (filters.calendar.tier_by_impact.high) when filters.calendar.source is ${f.calendar.source}, or no vendor event blacks out (got ${describeValue(f.news.calendar_tiers)})`,
    );
  const s = f.sentiment;
  if (minutesOfClock(s.poll_window_et.start) >= minutesOfClock(s.poll_window_et.end))
    out.push(`filters.sentiment.poll_window_et.end: must be after start ${s.poll_window_et.start} (got ${s.poll_window_et.end})`);
  if (s.alphavantage.reserve_requests >= s.alphavantage.requests_per_day)
    out.push(
      `filters.sentiment.alphavantage.reserve_requests: must be below requests_per_day ${s.alphavantage.requests_per_day} or no poll is left (got ${s.alphavantage.reserve_requests})`,
    );
  if (s.source === 'alphavantage') {
    for (const inst of c.instruments) {
      const q = s.instruments[inst.symbol];
      if (q && q.tickers.length === 0 && q.topics.length === 0)
        out.push(`filters.sentiment.instruments.${inst.symbol}: needs tickers or topics for alphavantage (got none)`);
    }
  }
  return out;
}
