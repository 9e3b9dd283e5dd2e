// ForexFactory weekly export client (ff_calendar_thisweek.json, keyless): fetch and parse into VendorEvents.

import { fetchVendorJson } from '../common/fetchVendor.ts';
import { IntegrationError } from '../common/integrationError.ts';
import type { Scrubber } from '../common/scrubber.ts';
import { addDays, etClockToUtc, etDateKey, weekdayOf } from '../common/etTime.ts';
import { impactOfText, type CalendarClient, type VendorEvent, type VendorSnapshot } from './vendorEvent.ts';

/** Path of this week's export under the base URL. */
export const FF_THIS_WEEK_PATH = '/ff_calendar_thisweek.json';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** [Sunday 00:00 ET, next Sunday 00:00 ET) of the week containing `tsMs`: the span the weekly export covers. */
export function forexFactoryWeek(tsMs: number): { fromMs: number; toMs: number } {
  const today = etDateKey(tsMs);
  const sunday = addDays(today, -weekdayOf(today));
  return { fromMs: etClockToUtc(sunday, '00:00'), toMs: etClockToUtc(addDays(sunday, 7), '00:00') };
}

/**
 * Parses the export: an array of {title, country (currency), date (ISO 8601 with offset), impact,
 * forecast, previous}. Malformed entries are skipped and counted; unknown impacts count as high.
 * Throws INTEGRATION_BAD_PAYLOAD when the body is not an array, when every entry is malformed, or when
 * no entry falls in this week (the vendor served another week).
 */
export function parseForexFactory(body: unknown, fetchedAtMs: number): VendorSnapshot {
  if (!Array.isArray(body))
    throw new IntegrationError('INTEGRATION_BAD_PAYLOAD', 'forexfactory', `expected an array of events, got ${body === null ? 'null' : typeof body}`);
  const week = forexFactoryWeek(fetchedAtMs);
  const events: VendorEvent[] = [];
  const unknownImpacts: string[] = [];
  let skipped = 0;
  for (const raw of body as unknown[]) {
    const r = (raw ?? {}) as Record<string, unknown>;
    const title = typeof r.title === 'string' ? r.title.trim() : '';
    const country = typeof r.country === 'string' ? r.country.trim().toUpperCase() : '';
    const date = typeof r.date === 'string' ? r.date.trim() : '';
    const impactText = typeof r.impact === 'string' ? r.impact : '';
    const tsMs = ISO_WITH_OFFSET.test(date) ? Date.parse(date) : Number.NaN;
    if (!title || !country || !Number.isFinite(tsMs)) {
      skipped++;
      continue;
    }
    let impact = impactOfText(impactText);
    if (impact === null) {
      unknownImpacts.push(impactText);
      impact = 'high';
    }
    events.push({ tsMs, title, currency: country, impact, timeKnown: true });
  }
  if (body.length > 0 && events.length === 0)
    throw new IntegrationError(
      'INTEGRATION_BAD_PAYLOAD',
      'forexfactory',
      `all ${body.length} entries are malformed (need title, country, ISO date with offset)`,
    );
  if (events.length > 0 && !events.some((e) => e.tsMs >= week.fromMs && e.tsMs < week.toMs))
    throw new IntegrationError(
      'INTEGRATION_BAD_PAYLOAD',
      'forexfactory',
      `no entry falls in the week of ${etDateKey(week.fromMs)}: the export is for another week`,
      {
        retryable: true,
      },
    );
  return { source: 'forexfactory', events, coverFromMs: week.fromMs, coverToMs: week.toMs, fetchedAtMs, skipped, unknownImpacts };
}

/** Fetches this week's export from `baseUrl`. */
export class ForexFactoryClient implements CalendarClient {
  readonly name = 'forexfactory' as const;
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly scrub: Scrubber,
  ) {}

  async fetchSnapshot(nowMs: number): Promise<VendorSnapshot> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${FF_THIS_WEEK_PATH}`;
    const body = await fetchVendorJson({ source: this.name, url, timeoutMs: this.timeoutMs, scrub: this.scrub });
    return parseForexFactory(body, nowMs);
  }
}
