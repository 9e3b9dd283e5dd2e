// Flat-time rule: after 15:10 CT (configurable) and before the 17:00 CT Globex reopen no position may be held.

import { MINUTE_MS } from '../../domain/index.ts';
import { clockMs, flatTimeAt, localMsOfDay } from '../filters/sessionWindow.ts';
import type { RiskSettings } from './types.ts';

/** Globex reopens 17:00 CT (18:00 ET), which starts the next Topstep trading day. */
const REOPEN_MINUTE_CT = 17 * 60;

/**
 * Whether `tsMs` is in [flat_time, 17:00 CT) in the flat zone (America/Chicago by default,
 * DST-correct; on an early-close day the early close): positions must be closed and no entries opened
 * until the next trading day.
 */
export function isAfterFlatTime(tsMs: number, s: Pick<RiskSettings, 'flatTime' | 'flatTimeZone' | 'earlyCloseTime'>): boolean {
  const flat = clockMs(flatTimeAt(tsMs, s.flatTime, s.flatTimeZone, s.earlyCloseTime ?? null), 'session.flat_time');
  const t = localMsOfDay(s.flatTimeZone, tsMs);
  return t >= flat && localMsOfDay('America/Chicago', tsMs) < REOPEN_MINUTE_CT * MINUTE_MS;
}
