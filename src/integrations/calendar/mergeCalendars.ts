// Union of vendor events and the shipped CSV by (name, minute), with same-day time disagreements reported.

import { MINUTE_MS, formatIsoInZone } from '../../domain/index.ts';
import type { CalendarEvent } from '../../strategy/index.ts';
import { etDateKey, ET_ZONE } from '../common/etTime.ts';
import { eventKey } from './eventKey.ts';

/** A CSV event and the vendor's same-named event(s) on the same ET day at another minute. */
export interface CalendarConflict {
  readonly key: string;
  readonly dateEt: string;
  readonly fileTimeEt: string;
  readonly vendorTimesEt: readonly string[];
}

/** The merged events and the disagreements found. */
export interface MergedCalendar {
  readonly events: readonly CalendarEvent[];
  readonly conflicts: readonly CalendarConflict[];
}

const TIER_RANK: Readonly<Record<string, number>> = { big: 2, normal: 1 };
const rank = (tier: string): number => TIER_RANK[tier] ?? 3;
const hhmmEt = (tsMs: number): string => formatIsoInZone(ET_ZONE, tsMs).slice(11, 16);

/**
 * Merges vendor and file events. Two events are the same when their canonical name (eventKey) and
 * minute agree: they become one event, named after the file's entry (else the first vendor title), with the
 * stronger tier (unknown tiers rank highest: fail closed). A file event whose key the vendor lists on the
 * same ET day only at other minutes is a conflict: both are kept (both black out) and it is reported.
 */
export function mergeCalendars(vendor: readonly CalendarEvent[], file: readonly CalendarEvent[]): MergedCalendar {
  const byKeyMinute = new Map<string, CalendarEvent>();
  const vendorMinutesByKeyDay = new Map<string, number[]>();
  const put = (e: CalendarEvent, key: string) => {
    const id = `${key}@${Math.floor(e.tsMs / MINUTE_MS)}`;
    const prev = byKeyMinute.get(id);
    if (!prev) byKeyMinute.set(id, e);
    else if (rank(e.tier) > rank(prev.tier)) byKeyMinute.set(id, { ...prev, tier: e.tier });
  };
  for (const e of file) put(e, eventKey(e.name));
  for (const e of vendor) {
    const key = eventKey(e.name.replace(/ \[[^\]]*\]$/, ''));
    put(e, key);
    const kd = `${key}@${etDateKey(e.tsMs)}`;
    const list = vendorMinutesByKeyDay.get(kd) ?? [];
    list.push(e.tsMs);
    vendorMinutesByKeyDay.set(kd, list);
  }
  const conflicts: CalendarConflict[] = [];
  for (const f of file) {
    const key = eventKey(f.name);
    const dateEt = etDateKey(f.tsMs);
    const times = vendorMinutesByKeyDay.get(`${key}@${dateEt}`);
    if (!times) continue;
    const minute = Math.floor(f.tsMs / MINUTE_MS);
    if (times.some((t) => Math.floor(t / MINUTE_MS) === minute)) continue;
    conflicts.push({ key, dateEt, fileTimeEt: hhmmEt(f.tsMs), vendorTimesEt: [...new Set(times.map(hhmmEt))].sort() });
  }
  const events = [...byKeyMinute.values()].sort((a, b) => a.tsMs - b.tsMs);
  return { events, conflicts };
}
