// Time-zone arithmetic for the exchange clock: US Eastern/Central with US DST rules, UTC, fixed offsets.
// Hand-written (no Intl in the hot path) so a million bars convert in milliseconds.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Time zones the project understands: US Eastern, US Central, UTC or a fixed offset like "+02:00". */
export type ZoneName = 'America/New_York' | 'America/Chicago' | 'UTC' | string;

/** Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil: { year, month (1-12), day }. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Day of week for days since epoch: 0 = Sunday .. 6 = Saturday. */
export function weekdayOfDays(days: number): number {
  return ((days % 7) + 11) % 7;
}

/** Day number of the n-th (1-based) given weekday of a month; n = -1 means the last one. */
function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = daysFromCivil(year, month, 1);
    const delta = (weekday - weekdayOfDays(first) + 7) % 7;
    return first + delta + (n - 1) * 7;
  }
  const nextMonth = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  const last = nextMonth - 1;
  return last - ((weekdayOfDays(last) - weekday + 7) % 7);
}

const dstCache = new Map<number, readonly [number, number]>();

/**
 * US daylight-saving window of a year as local-standard-time day numbers and the 02:00 switch:
 * returns [startDay, endDay] where DST starts at 02:00 standard on startDay and ends at 02:00
 * daylight (01:00 standard) on endDay. Rules: 2007+ second Sunday of March to first Sunday of
 * November; 1987-2006 first Sunday of April to last Sunday of October.
 */
function usDstDays(year: number): readonly [number, number] {
  let v = dstCache.get(year);
  if (!v) {
    v =
      year >= 2007
        ? [nthWeekdayOfMonth(year, 3, 0, 2), nthWeekdayOfMonth(year, 11, 0, 1)]
        : [nthWeekdayOfMonth(year, 4, 0, 1), nthWeekdayOfMonth(year, 10, 0, -1)];
    dstCache.set(year, v);
  }
  return v;
}

/** Whether US DST is in force at `utcMs` for a zone whose standard offset is `stdOffsetMin`. */
function usDstInForce(utcMs: number, stdOffsetMin: number): boolean {
  const stdLocalMs = utcMs + stdOffsetMin * MINUTE_MS;
  const days = Math.floor(stdLocalMs / DAY_MS);
  const { year } = civilFromDays(days);
  const [startDay, endDay] = usDstDays(year);
  const startMs = startDay * DAY_MS + 2 * HOUR_MS; // 02:00 standard
  const endMs = endDay * DAY_MS + 1 * HOUR_MS; // 02:00 daylight = 01:00 standard
  return stdLocalMs >= startMs && stdLocalMs < endMs;
}

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** Largest UTC offset in use anywhere (UTC+14:00, Line Islands; the lowest is UTC-12:00). */
export const MAX_OFFSET_MINUTES = 14 * 60;

/** Parses a zone name; returns the standard offset and whether US DST applies, or null if unknown (offsets beyond ±14:00 included). */
export function parseZone(zone: ZoneName): { stdOffsetMin: number; usDst: boolean } | null {
  if (zone === 'America/New_York' || zone === 'US/Eastern' || zone === 'ET') return { stdOffsetMin: -300, usDst: true };
  if (zone === 'America/Chicago' || zone === 'US/Central' || zone === 'CT') return { stdOffsetMin: -360, usDst: true };
  if (zone === 'UTC' || zone === 'Z' || zone === 'Etc/UTC') return { stdOffsetMin: 0, usDst: false };
  const m = FIXED_OFFSET.exec(zone);
  if (m) {
    const mins = Number(m[2]) * 60 + Number(m[3]);
    if (Number(m[3]) > 59 || mins > MAX_OFFSET_MINUTES) return null;
    return { stdOffsetMin: m[1] === '-' ? -mins : mins, usDst: false };
  }
  return null;
}

function requireZone(zone: ZoneName): { stdOffsetMin: number; usDst: boolean } {
  const z = parseZone(zone);
  if (!z) throw new RangeError(`unknown time zone "${zone}" (expected America/New_York, America/Chicago, UTC or an offset like +02:00)`);
  return z;
}

const offsetCache = new Map<string, { hour: number; offset: number }>();

/**
 * Offset of local time from UTC in minutes at instant `utcMs` (e.g. -240 for EDT). US DST changes
 * fall on whole UTC hours, so the offset is memoized per zone for the last hour asked about.
 */
export function zoneOffsetMinutes(zone: ZoneName, utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  let c = offsetCache.get(zone);
  if (c && c.hour === hour) return c.offset;
  const z = requireZone(zone);
  const offset = z.usDst && usDstInForce(utcMs, z.stdOffsetMin) ? z.stdOffsetMin + 60 : z.stdOffsetMin;
  if (!c) {
    c = { hour, offset };
    offsetCache.set(zone, c);
  } else {
    c.hour = hour;
    c.offset = offset;
  }
  return offset;
}

/** Local wall-clock fields of an instant. `minuteOfDay` is hour*60+minute; `days` is the local day number. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  minuteOfDay: number;
  days: number;
}

/** Converts an instant to local wall-clock fields in `zone`. */
export function toLocalParts(zone: ZoneName, utcMs: number): LocalParts {
  const localMs = utcMs + zoneOffsetMinutes(zone, utcMs) * MINUTE_MS;
  const days = Math.floor(localMs / DAY_MS);
  const msOfDay = localMs - days * DAY_MS;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(msOfDay / HOUR_MS);
  const minute = Math.floor((msOfDay % HOUR_MS) / MINUTE_MS);
  const second = Math.floor((msOfDay % MINUTE_MS) / 1000);
  return { year, month, day, hour, minute, second, weekday: weekdayOfDays(days), minuteOfDay: hour * 60 + minute, days };
}

/**
 * Candidate instants for a local wall-clock time: one normally, two in the repeated fall-back
 * hour (earlier first), none in the skipped spring-forward hour.
 */
export function localToUtcCandidates(zone: ZoneName, localMsNaive: number): number[] {
  const z = requireZone(zone);
  if (!z.usDst) return [localMsNaive - z.stdOffsetMin * MINUTE_MS];
  const out: number[] = [];
  for (const off of [z.stdOffsetMin + 60, z.stdOffsetMin]) {
    const utc = localMsNaive - off * MINUTE_MS;
    if (zoneOffsetMinutes(zone, utc) === off) out.push(utc);
  }
  return out;
}

/** Naive local epoch ms (wall clock read as if UTC) for calendar fields. */
export function naiveLocalMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + ms;
}

/**
 * Converts a local wall-clock time to an instant. In the repeated hour `prefer` picks the earlier
 * (daylight) or later (standard) instant; in the skipped hour returns null.
 */
export function localToUtc(zone: ZoneName, localMsNaive: number, prefer: 'earlier' | 'later' = 'earlier'): number | null {
  const c = localToUtcCandidates(zone, localMsNaive);
  if (c.length === 0) return null;
  return prefer === 'earlier' ? c[0]! : c[c.length - 1]!;
}

const dateKeyCache = new Map<number, string>();

/** "YYYY-MM-DD" for a day number (memoized: the same few thousand days recur). */
export function dateKeyOfDays(days: number): string {
  let key = dateKeyCache.get(days);
  if (key === undefined) {
    const { year, month, day } = civilFromDays(days);
    key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (dateKeyCache.size > 100_000) dateKeyCache.clear();
    dateKeyCache.set(days, key);
  }
  return key;
}

/** Day number of a "YYYY-MM-DD" string, or NaN when malformed. */
export function daysOfDateKey(key: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  const days = daysFromCivil(y, mo, d);
  const back = civilFromDays(days);
  return back.month === mo && back.day === d ? days : Number.NaN;
}

/** Parses "HH:MM" into minutes after midnight, or NaN. */
export function minutesOfClock(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return Number.NaN;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  return h < 24 && mi < 60 ? h * 60 + mi : Number.NaN;
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
/** The last local hour formatted: "YYYY-MM-DDTHH:" and the offset suffix (the same hour recurs bar after bar). */
const isoHour = { zone: '', localHour: Number.NaN, off: Number.NaN, prefix: '', suffix: '' };

/** ISO 8601 string of an instant with the zone's offset, e.g. 2023-03-08T09:30:00-05:00. */
export function formatIsoInZone(zone: ZoneName, utcMs: number): string {
  const off = zoneOffsetMinutes(zone, utcMs);
  const localMs = utcMs + off * MINUTE_MS;
  const localHour = Math.floor(localMs / HOUR_MS);
  const c = isoHour;
  if (c.localHour !== localHour || c.off !== off || c.zone !== zone) {
    const p = toLocalParts(zone, utcMs);
    const a = Math.abs(off);
    const pad = (n: number) => String(n).padStart(2, '0');
    c.zone = zone;
    c.localHour = localHour;
    c.off = off;
    c.prefix = `${dateKeyOfDays(p.days)}T${pad(p.hour)}:`;
    c.suffix = `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }
  const inHour = localMs - localHour * HOUR_MS;
  const minute = Math.floor(inHour / MINUTE_MS);
  const second = Math.floor((inHour - minute * MINUTE_MS) / 1000);
  return `${c.prefix}${PAD2[minute]}:${PAD2[second]}${c.suffix}`;
}
