// Trading Economics calendar client (/calendar/country/{countries}/{from}/{to}?c=KEY): fetch and parse into VendorEvents.

import { dateKeyOfDays, DAY_MS } from '../../domain/index.ts';
import { fetchVendorJson } from '../common/fetchVendor.ts';
import { IntegrationError } from '../common/integrationError.ts';
import type { Scrubber } from '../common/scrubber.ts';
import type { CalendarClient, Impact, VendorEvent, VendorSnapshot } from './vendorEvent.ts';

/** Trading Economics country name per currency of config `filters.calendar.currencies`. */
export const COUNTRY_OF_CURRENCY: Readonly<Record<string, string>> = {
  USD: 'united states',
  EUR: 'euro area',
  GBP: 'united kingdom',
  JPY: 'japan',
  CNY: 'china',
  CAD: 'canada',
  AUD: 'australia',
  NZD: 'new zealand',
  CHF: 'switzerland',
};
const CURRENCY_OF_COUNTRY = new Map(Object.entries(COUNTRY_OF_CURRENCY).map(([cur, country]) => [country, cur]));

/** Days before/after today the query spans. */
const DAYS_BACK = 1;
const DAYS_AHEAD = 7;

const IMPORTANCE: Readonly<Record<number, Impact>> = { 1: 'low', 2: 'medium', 3: 'high' };
const DATE_NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?$/;
const DATE_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** `Date` in UTC: without a zone (the documented form) it is read as UTC; an explicit Z or offset is honoured. */
export function parseTradingEconomicsDate(text: string): number {
  const t = text.trim();
  if (DATE_NO_ZONE.test(t)) return Date.parse(`${t}Z`);
  if (DATE_WITH_ZONE.test(t)) return Date.parse(t);
  return Number.NaN;
}

function asNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/** The UTC day window [from, to] the client asks for at `nowMs`, as YYYY-MM-DD, and the span it covers. */
export function tradingEconomicsWindow(nowMs: number): { from: string; to: string; fromMs: number; toMs: number } {
  const today = Math.floor(nowMs / DAY_MS);
  const fromDay = today - DAYS_BACK;
  const toDay = today + DAYS_AHEAD;
  return { from: dateKeyOfDays(fromDay), to: dateKeyOfDays(toDay), fromMs: fromDay * DAY_MS, toMs: (toDay + 1) * DAY_MS };
}

/**
 * Parses the answer: an array of {Date (UTC, no Z), Country, Event, Category, Importance 1-3 (number or
 * string), DateSpan (1 = date only), Currency}. Unknown importance counts as high. Throws
 * INTEGRATION_VENDOR_ERROR for an object with a `Message` (scrubbed: vendors echo keys) and
 * INTEGRATION_BAD_PAYLOAD for other non-arrays.
 */
export function parseTradingEconomics(body: unknown, fetchedAtMs: number, scrub: Scrubber = (t) => t): VendorSnapshot {
  if (!Array.isArray(body)) {
    const msg =
      body && typeof body === 'object' ? ((body as Record<string, unknown>).Message ?? (body as Record<string, unknown>).message) : undefined;
    if (typeof msg === 'string') throw new IntegrationError('INTEGRATION_VENDOR_ERROR', 'tradingeconomics', `vendor error: ${scrub(msg)}`);
    throw new IntegrationError(
      'INTEGRATION_BAD_PAYLOAD',
      'tradingeconomics',
      `expected an array of events, got ${body === null ? 'null' : typeof body}`,
    );
  }
  const win = tradingEconomicsWindow(fetchedAtMs);
  const events: VendorEvent[] = [];
  const unknownImpacts: string[] = [];
  let skipped = 0;
  for (const raw of body as unknown[]) {
    const r = (raw ?? {}) as Record<string, unknown>;
    const tsMs = typeof r.Date === 'string' ? parseTradingEconomicsDate(r.Date) : Number.NaN;
    const title = typeof r.Event === 'string' && r.Event.trim() ? r.Event.trim() : typeof r.Category === 'string' ? r.Category.trim() : '';
    const country = typeof r.Country === 'string' ? r.Country.trim().toLowerCase() : '';
    const currency = CURRENCY_OF_COUNTRY.get(country) ?? (typeof r.Currency === 'string' ? r.Currency.trim().toUpperCase() : '');
    if (!Number.isFinite(tsMs) || !title || !currency) {
      skipped++;
      continue;
    }
    let impact = IMPORTANCE[asNumber(r.Importance)];
    if (impact === undefined) {
      unknownImpacts.push(String(r.Importance));
      impact = 'high';
    }
    events.push({ tsMs, title, currency, impact, timeKnown: asNumber(r.DateSpan) !== 1 });
  }
  if (body.length > 0 && events.length === 0)
    throw new IntegrationError('INTEGRATION_BAD_PAYLOAD', 'tradingeconomics', `all ${body.length} entries are malformed (need Date, Event, Country)`);
  return { source: 'tradingeconomics', events, coverFromMs: win.fromMs, coverToMs: win.toMs, fetchedAtMs, skipped, unknownImpacts };
}

/** Fetches the calendar of the configured currencies' countries, from yesterday to a week ahead. */
export class TradingEconomicsClient implements CalendarClient {
  readonly name = 'tradingeconomics' as const;
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly currencies: readonly string[],
    /** Lowest importance that maps to a tier (1-3); 3 asks the API for importance=3 only. */
    private readonly minImportance: number,
    private readonly timeoutMs: number,
    private readonly scrub: Scrubber,
  ) {}

  async fetchSnapshot(nowMs: number): Promise<VendorSnapshot> {
    const win = tradingEconomicsWindow(nowMs);
    const countries = this.currencies.map((c) => encodeURIComponent(COUNTRY_OF_CURRENCY[c] ?? c.toLowerCase())).join(',');
    // the API filters one importance level; below 3 everything is fetched and mapped locally
    const importance = this.minImportance >= 3 ? '&importance=3' : '';
    const url =
      `${this.baseUrl.replace(/\/+$/, '')}/calendar/country/${countries}/${win.from}/${win.to}` +
      `?c=${encodeURIComponent(this.apiKey)}${importance}&f=json`;
    const body = await fetchVendorJson({ source: this.name, url, timeoutMs: this.timeoutMs, scrub: this.scrub });
    return parseTradingEconomics(body, nowMs, this.scrub);
  }
}
