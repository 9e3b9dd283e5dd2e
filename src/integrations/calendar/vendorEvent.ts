// A vendor's calendar entry in our terms (instant, title, currency, impact) and the impact → tier mapping.

import type { CalendarEvent } from '../../strategy/index.ts';

/** Impact levels of both vendors: ForexFactory's strings, Trading Economics importance 3/2/1. */
export type Impact = 'high' | 'medium' | 'low' | 'holiday' | 'non_economic';

/** One entry of a vendor calendar. */
export interface VendorEvent {
  /** Release instant, UTC epoch ms. */
  readonly tsMs: number;
  readonly title: string;
  /** Currency code (USD, EUR, ...). */
  readonly currency: string;
  readonly impact: Impact;
  /** False when only the date is known (Trading Economics DateSpan 1): no minute to black out around. */
  readonly timeKnown: boolean;
}

/** What one vendor fetch produced: the entries and the span of time they are complete for. */
export interface VendorSnapshot {
  readonly source: string;
  readonly events: readonly VendorEvent[];
  /** The copy is authoritative for [coverFromMs, coverToMs). */
  readonly coverFromMs: number;
  readonly coverToMs: number;
  readonly fetchedAtMs: number;
  /** Entries dropped as malformed (logged by the caller). */
  readonly skipped: number;
  /** Impact strings we do not know, counted as high (fail closed). */
  readonly unknownImpacts: readonly string[];
}

/** A calendar vendor client: one fetch of the current window. Throws IntegrationError. */
export interface CalendarClient {
  readonly name: 'forexfactory' | 'tradingeconomics';
  fetchSnapshot(nowMs: number): Promise<VendorSnapshot>;
}

/** Config `filters.calendar.tier_by_impact`: a tier per impact, null = dropped. `high` is never null. */
export interface TierByImpact {
  readonly high: string;
  readonly medium: string | null;
  readonly low: string | null;
  readonly holiday: string | null;
  readonly non_economic: string | null;
}

const FF_IMPACTS: Readonly<Record<string, Impact>> = {
  high: 'high',
  medium: 'medium',
  low: 'low',
  holiday: 'holiday',
  'non-economic': 'non_economic',
};

/** ForexFactory impact text → Impact; unknown strings give null (the caller counts them as high). */
export function impactOfText(text: string): Impact | null {
  return FF_IMPACTS[text.trim().toLowerCase()] ?? null;
}

/**
 * Vendor entries of the configured currencies with a known time, as calendar events of the mapped
 * tier (entries whose impact maps to null are dropped). Names carry the vendor and currency.
 */
export function toCalendarEvents(
  events: readonly VendorEvent[],
  source: string,
  currencies: readonly string[],
  tiers: TierByImpact,
): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  for (const e of events) {
    if (!e.timeKnown || !currencies.includes(e.currency)) continue;
    const tier = tiers[e.impact];
    if (tier === null) continue;
    out.push({ tsMs: e.tsMs, name: `${e.title} [${source} ${e.currency}]`, tier });
  }
  return out;
}
