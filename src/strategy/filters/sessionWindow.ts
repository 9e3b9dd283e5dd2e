// Entry-window filter: no new entries before the configured start, at/after the cutoff, or close to the flat time.

import { DAY_MS, minutesOfClock, MINUTE_MS, zoneOffsetMinutes, isEarlyCloseDay, type ZoneName } from '../../domain/index.ts';

/** Settings: config `filters.session_windows` plus `session.timezone`, `session.flat_time`, `session.flat_timezone`. */
export interface SessionWindowConfig {
  /** "HH:MM" in `timeZone`: entries allowed from this minute on (inclusive). */
  readonly entryStart: string;
  /** "HH:MM" in `timeZone`: entries allowed strictly before this minute. */
  readonly entryCutoff: string;
  readonly timeZone: ZoneName;
  /** "HH:MM" in `flatTimeZone` by which positions must be flat (Topstep 15:10 CT). */
  readonly flatTime: string;
  readonly flatTimeZone: ZoneName;
  /** No entries in [flat − N minutes, flat). */
  readonly noEntryMinutesBeforeFlat: number;
  /** Flat time on CME early-close days (flatTimeZone); null/absent = not modelled. */
  readonly earlyCloseTime?: string | null;
}

/** Outcome of a window check: allowed, or a stable code with the facts. */
export type WindowCheck =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: 'BEFORE_ENTRY_START' | 'AFTER_ENTRY_CUTOFF' | 'NEAR_FLAT_TIME'; readonly detail: string };

/** Milliseconds since local midnight of an instant in a zone (DST-correct; offsets memoized in domain/time). */
export function localMsOfDay(zone: ZoneName, tsMs: number): number {
  const local = tsMs + zoneOffsetMinutes(zone, tsMs) * MINUTE_MS;
  return local - Math.floor(local / DAY_MS) * DAY_MS;
}

const clockMemo = new Map<string, number>();

/** "HH:MM" in ms after midnight (memoized); RangeError naming the config key when malformed. */
export function clockMs(hhmm: string, key: string): number {
  let v = clockMemo.get(hhmm);
  if (v === undefined) {
    const m = minutesOfClock(hhmm);
    if (Number.isNaN(m)) throw new RangeError(`${key} must be "HH:MM" (got "${hhmm}")`);
    v = m * MINUTE_MS;
    clockMemo.set(hhmm, v);
  }
  return v;
}

/**
 * The flat time that applies at `tsMs`: `earlyCloseTime` on a CME early-close date (local date in
 * `zone`, see domain/earlyClose.ts) when it is earlier, else `flatTime`. earlyCloseTime null = not modelled.
 */
export function flatTimeAt(tsMs: number, flatTime: string, zone: ZoneName, earlyCloseTime: string | null): string {
  if (earlyCloseTime === null) return flatTime;
  if (!isEarlyCloseDay(Math.floor((tsMs + zoneOffsetMinutes(zone, tsMs) * MINUTE_MS) / DAY_MS))) return flatTime;
  return clockMs(earlyCloseTime, 'session.early_close_time') < clockMs(flatTime, 'session.flat_time') ? earlyCloseTime : flatTime;
}

function fmt(ms: number): string {
  const m = Math.floor(ms / MINUTE_MS);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Whether a new entry may be opened at decision instant `tsMs`: local time in
 * [entryStart, entryCutoff) and outside [flat − N min, flat) (flat in its own zone, e.g. CT,
 * so the ET equivalent follows both zones' DST). Boundaries: exactly entryStart is allowed,
 * exactly entryCutoff and exactly flat − N minutes are not.
 */
export function checkEntryWindow(tsMs: number, cfg: SessionWindowConfig): WindowCheck {
  const t = localMsOfDay(cfg.timeZone, tsMs);
  const start = clockMs(cfg.entryStart, 'filters.session_windows.entry_start');
  const cutoff = clockMs(cfg.entryCutoff, 'filters.session_windows.entry_cutoff');
  if (t < start) return { allowed: false, code: 'BEFORE_ENTRY_START', detail: `time=${fmt(t)} entry_start=${cfg.entryStart}` };
  if (t >= cutoff) return { allowed: false, code: 'AFTER_ENTRY_CUTOFF', detail: `time=${fmt(t)} entry_cutoff=${cfg.entryCutoff}` };
  const tf = localMsOfDay(cfg.flatTimeZone, tsMs);
  const flatTime = cfg.earlyCloseTime ? flatTimeAt(tsMs, cfg.flatTime, cfg.flatTimeZone, cfg.earlyCloseTime) : cfg.flatTime;
  const flat = clockMs(flatTime, 'session.flat_time');
  const noEntryFrom = flat - cfg.noEntryMinutesBeforeFlat * MINUTE_MS;
  if (tf >= noEntryFrom) {
    return {
      allowed: false,
      code: 'NEAR_FLAT_TIME',
      detail: `time=${fmt(tf)} ${cfg.flatTimeZone} flat_time=${flatTime}${flatTime !== cfg.flatTime ? ' (early close)' : ''} no_entry_minutes_before_flat=${cfg.noEntryMinutesBeforeFlat}`,
    };
  }
  return { allowed: true };
}
