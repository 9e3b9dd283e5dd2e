// News blackout filter: ± N minutes around configured daily ET times and around dated calendar events.

import { MINUTE_MS } from '../../domain/index.ts';
import { clockMs, localMsOfDay } from './sessionWindow.ts';

/** One scheduled release (FOMC, CPI, ...), instant in UTC epoch ms. */
export interface CalendarEvent {
  readonly tsMs: number;
  readonly name: string;
  /** e.g. big | normal (data/README §5). */
  readonly tier: string;
}

/**
 * Source of dated events. The first implementation is an in-memory table read from the CSV
 * (integrations/calendar.ts); a live API client plugs in here later.
 */
// PLUG: live_calendar
export interface CalendarSource {
  /** Events with fromMs <= tsMs <= toMs, ascending. Must be pure over its loaded table. */
  eventsBetween(fromMs: number, toMs: number): readonly CalendarEvent[];
}

/** A calendar over a fixed list of events (sorted on construction). */
export class InMemoryCalendar implements CalendarSource {
  private readonly events: readonly CalendarEvent[];
  constructor(events: readonly CalendarEvent[]) {
    this.events = [...events].sort((a, b) => a.tsMs - b.tsMs);
  }
  get size(): number {
    return this.events.length;
  }
  eventsBetween(fromMs: number, toMs: number): readonly CalendarEvent[] {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.tsMs < fromMs) lo = mid + 1;
      else hi = mid;
    }
    const out: CalendarEvent[] = [];
    for (let i = lo; i < this.events.length && this.events[i]!.tsMs <= toMs; i++) out.push(this.events[i]!);
    return out;
  }
}

/** A calendar with no events (blackouts then come from the daily times only). */
export const EMPTY_CALENDAR: CalendarSource = { eventsBetween: () => [] };

/** Settings: config `filters.news`. */
export interface BlackoutConfig {
  /** Daily "HH:MM" times in America/New_York treated as events. */
  readonly highImpactTimesEt: readonly string[];
  readonly minutesBefore: number;
  readonly minutesAfter: number;
  /** Calendar tiers that trigger a blackout (others are ignored). */
  readonly calendarTiers: readonly string[];
}

/** Result: not in blackout, or the event that causes it. */
export type BlackoutCheck =
  { readonly blackout: false } | { readonly blackout: true; readonly code: 'NEWS_BLACKOUT'; readonly event: string; readonly detail: string };

/**
 * Whether `tsMs` lies in [event − before, event + after) of any configured daily ET time or any
 * calendar event of a configured tier. Exactly `before` minutes ahead of an event is inside; exactly
 * `after` minutes past it is outside. Daily times wrap around midnight correctly.
 */
export function isBlackoutPeriod(tsMs: number, cfg: BlackoutConfig, calendar: CalendarSource = EMPTY_CALENDAR): BlackoutCheck {
  const beforeMs = cfg.minutesBefore * MINUTE_MS;
  const afterMs = cfg.minutesAfter * MINUTE_MS;
  const t = localMsOfDay('America/New_York', tsMs);
  const dayMs = 1440 * MINUTE_MS;
  for (const hhmm of cfg.highImpactTimesEt) {
    const ev = clockMs(hhmm, 'filters.news.high_impact_times_et');
    // signed distance from the event, folded into (−12h, 12h]
    let d = t - ev;
    if (d > dayMs / 2) d -= dayMs;
    if (d <= -dayMs / 2) d += dayMs;
    if (d >= -beforeMs && d < afterMs)
      return {
        blackout: true,
        code: 'NEWS_BLACKOUT',
        event: `daily ${hhmm} ET`,
        detail: `event=daily ${hhmm} ET offset_min=${(d / MINUTE_MS).toFixed(1)} window=-${cfg.minutesBefore}/+${cfg.minutesAfter}`,
      };
  }
  for (const e of calendar.eventsBetween(tsMs - afterMs, tsMs + beforeMs)) {
    const d = tsMs - e.tsMs;
    if (!cfg.calendarTiers.includes(e.tier) || !(d >= -beforeMs && d < afterMs)) continue;
    return {
      blackout: true,
      code: 'NEWS_BLACKOUT',
      event: e.name,
      detail: `event=${e.name} tier=${e.tier} offset_min=${(d / MINUTE_MS).toFixed(1)} window=-${cfg.minutesBefore}/+${cfg.minutesAfter}`,
    };
  }
  return { blackout: false };
}
