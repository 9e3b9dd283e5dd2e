// Reads the economic-calendar CSV (datetime_et,event,tier) once into an in-memory CalendarSource.

import { isAbsolute, resolve } from 'node:path';
import { DataError, localToUtc, naiveLocalMs } from '../domain/index.ts';
import { sharedDataFile } from '../data/index.ts';
import { InMemoryCalendar, type CalendarEvent } from '../strategy/index.ts';
import { readCsvRows } from './csvTable.ts';

/** File name of the FOMC/CPI/NFP/PPI/JOLTS calendar in the shared data folder. */
export const SHARED_CALENDAR_FILE = 'us_econ_calendar_fomc_cpi_nfp_ppi_jolts_2017-2027_ET.csv';

const DATETIME_ET = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/**
 * Parses the calendar CSV: `datetime_et` "YYYY-MM-DD HH:MM" in America/New_York (DST-correct),
 * `event` a name, `tier` e.g. big | normal. Throws DataError (code CALENDAR_FILE_INVALID) naming
 * file, line, value and expectation.
 */
export function readCalendarCsv(file: string): InMemoryCalendar {
  const { rows, col } = readCsvRows(file, ['datetime_et', 'event', 'tier'], 'CALENDAR_FILE_INVALID');
  const events: CalendarEvent[] = [];
  for (const r of rows) {
    const text = r.cells[col.datetime_et!] ?? '';
    const m = DATETIME_ET.exec(text);
    const tsMs = m ? localToUtc('America/New_York', naiveLocalMs(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!)) : null;
    if (tsMs === null || Number.isNaN(tsMs))
      throw new DataError('CALENDAR_FILE_INVALID', `${file} line ${r.lineNo}: datetime_et must be "YYYY-MM-DD HH:MM" ET (got "${text}")`);
    const name = r.cells[col.event!] ?? '';
    const tier = r.cells[col.tier!] ?? '';
    if (!name || !tier)
      throw new DataError('CALENDAR_FILE_INVALID', `${file} line ${r.lineNo}: event and tier must be non-empty (got event="${name}" tier="${tier}")`);
    events.push({ tsMs, name, tier });
  }
  return new InMemoryCalendar(events);
}

/** Config `filters.news.calendar_file` resolved against `baseDir`, or the shared file when null (null if absent). */
export function resolveCalendarFile(configured: string | null, baseDir: string): string | null {
  if (configured !== null) return isAbsolute(configured) ? configured : resolve(baseDir, configured);
  return sharedDataFile(SHARED_CALENDAR_FILE);
}
