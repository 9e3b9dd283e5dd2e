// Parses the timestamp texts found in bar files into naive-local or absolute epoch milliseconds.

import { MAX_OFFSET_MINUTES, naiveLocalMs } from '../domain/index.ts';

/** Result of parsing one timestamp text: `absolute` when it carried Z/offset/epoch, else naive local. */
export interface ParsedTimestamp {
  ms: number;
  absolute: boolean;
}

function digits(s: string, start: number, len: number): number {
  let v = 0;
  for (let i = start; i < start + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

function validDate(y: number, mo: number, d: number): boolean {
  if (!(mo >= 1 && mo <= 12 && d >= 1)) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= dim;
}

/**
 * Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]" (also with T), optionally followed by Z or
 * ±HH:MM / ±HHMM; "MM/DD/YYYY[ HH:MM[:SS]]"; or epoch seconds (10 digits) / milliseconds (13 digits).
 * Returns null when the text is not a valid timestamp.
 */
export function parseTimestamp(raw: string): ParsedTimestamp | null {
  const s = raw.trim();
  const n = s.length;
  if (n === 10 || n === 13) {
    if (/^\d+$/.test(s)) return { ms: n === 10 ? Number(s) * 1000 : Number(s), absolute: true };
  }
  let y: number, mo: number, d: number, pos: number;
  if (n >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    y = digits(s, 0, 4);
    mo = digits(s, 5, 2);
    d = digits(s, 8, 2);
    pos = 10;
  } else if (n >= 10 && s.charCodeAt(2) === 47 && s.charCodeAt(5) === 47) {
    mo = digits(s, 0, 2);
    d = digits(s, 3, 2);
    y = digits(s, 6, 4);
    pos = 10;
  } else {
    return null;
  }
  if (!validDate(y, mo, d)) return null;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  if (pos < n) {
    const sep = s.charCodeAt(pos);
    if (sep !== 32 && sep !== 84) return null; // ' ' or 'T'
    h = digits(s, pos + 1, 2);
    if (s.charCodeAt(pos + 3) !== 58) return null;
    mi = digits(s, pos + 4, 2);
    pos += 6;
    if (pos < n && s.charCodeAt(pos) === 58) {
      sec = digits(s, pos + 1, 2);
      pos += 3;
      if (pos < n && s.charCodeAt(pos) === 46) {
        let j = pos + 1;
        let frac = '';
        while (j < n && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) frac += s[j++];
        if (frac.length === 0) return null;
        ms = Math.round(Number(`0.${frac}`) * 1000);
        pos = j;
      }
    }
    if (!(h <= 23 && mi <= 59 && sec <= 59)) return null;
  }
  const local = naiveLocalMs(y, mo, d, h, mi, sec, ms);
  if (Number.isNaN(local)) return null;
  if (pos === n) return { ms: local, absolute: false };
  const rest = s.slice(pos);
  if (rest === 'Z' || rest === 'z') return { ms: local, absolute: true };
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(rest);
  if (!m || Number(m[3]) > 59 || Number(m[2]) * 60 + Number(m[3]) > MAX_OFFSET_MINUTES) return null;
  const off = (Number(m[2]) * 60 + Number(m[3])) * (m[1] === '-' ? -1 : 1);
  return { ms: local - off * 60_000, absolute: true };
}
