// When the feed polls: evenly spread slots in the weekday window, as many as the daily budget allows.

import { etClockToUtc, etDateKey, weekdayOf } from '../common/etTime.ts';
import { MINUTE_MS } from '../../domain/index.ts';

/** Settings of the plan. */
export interface PollPlanSettings {
  readonly windowStartEt: string;
  readonly windowEndEt: string;
  /** Polls per day of each instrument (Infinity = no budget: every minIntervalMs). */
  readonly pollsPerDay: number;
  readonly minIntervalMs: number;
}

/**
 * Polls of one instrument per day under a daily budget: floor((requestsPerDay − reserve) / instruments).
 * Example: 25 requests, 2 reserved, 1 instrument → 23 polls; 4 instruments → 5 polls each.
 */
export function pollsPerInstrument(requestsPerDay: number, reserve: number, instruments: number): number {
  return Math.max(0, Math.floor((requestsPerDay - reserve) / Math.max(1, instruments)));
}

/**
 * The poll instants (UTC ms) of ET date `dateEt`: start + k · interval for k = 0, 1, ... while before the
 * window end and k < pollsPerDay, interval = max(minInterval, window / pollsPerDay). Weekends have none.
 * Example: 09:00-15:30 with 23 polls → every 16.96 minutes from 09:00.
 */
export function pollSlots(dateEt: string, s: PollPlanSettings): number[] {
  const wd = weekdayOf(dateEt);
  if (wd === 0 || wd === 6 || s.pollsPerDay <= 0) return [];
  const start = etClockToUtc(dateEt, s.windowStartEt);
  const end = etClockToUtc(dateEt, s.windowEndEt);
  const interval = Math.max(s.minIntervalMs, Number.isFinite(s.pollsPerDay) ? (end - start) / s.pollsPerDay : 0, MINUTE_MS);
  const out: number[] = [];
  for (let k = 0; k < s.pollsPerDay; k++) {
    const t = Math.round(start + k * interval);
    if (t >= end) break;
    out.push(t);
  }
  return out;
}

/** The latest slot at or before `nowMs` today (ET), or null before the first one. */
export function currentSlot(nowMs: number, s: PollPlanSettings): number | null {
  let slot: number | null = null;
  for (const t of pollSlots(etDateKey(nowMs), s)) {
    if (t > nowMs) break;
    slot = t;
  }
  return slot;
}
