// Tests of the integration config keys: defaults, and the cross-field rule that no key silently does nothing.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { checkConfigRules } from '../../src/config/rules.ts';

const problems = (filters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  checkConfigRules(parseConfig({ filters, ...extra })).filter((p) => p.startsWith('filters.'));

describe('integration config', () => {
  it('defaults to the no-network sources', () => {
    const f = parseConfig({}).filters;
    expect([f.calendar.source, f.sentiment.source, f.vix.source]).toEqual(['file', 'none', 'file']);
    expect(f.sentiment.alphavantage.requests_per_day).toBe(25);
    expect(problems({})).toEqual([]);
  });

  it('rejects a live calendar whose high tier never blacks out', () => {
    expect(problems({ calendar: { source: 'forexfactory' }, news: { calendar_tiers: ['normal'] } })).toEqual([
      'filters.news.calendar_tiers: must include big (filters.calendar.tier_by_impact.high) when filters.calendar.source is forexfactory, or no vendor event blacks out (got ["normal"])',
    ]);
  });

  it('rejects an empty poll window, a reserve that leaves no poll, and an Alpha Vantage instrument with no query', () => {
    expect(
      problems({
        sentiment: {
          source: 'alphavantage',
          poll_window_et: { start: '15:00', end: '09:00' },
          alphavantage: { requests_per_day: 2, reserve_requests: 2 },
          instruments: { MNQ: { tickers: [], topics: [] } },
        },
      }),
    ).toEqual([
      'filters.sentiment.poll_window_et.end: must be after start 15:00 (got 09:00)',
      'filters.sentiment.alphavantage.reserve_requests: must be below requests_per_day 2 or no poll is left (got 2)',
      'filters.sentiment.instruments.MNQ: needs tickers or topics for alphavantage (got none)',
    ]);
  });
});
