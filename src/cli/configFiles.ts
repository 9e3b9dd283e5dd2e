// `config check` beyond the schema: the files a config names (VIX history, economic calendar) must exist and parse.

import { statSync } from 'node:fs';
import { resolveConfigPath, type LoadedConfig } from '../config/index.ts';
import { TxbotError } from '../domain/index.ts';
import { readVixCsv, readCalendarCsv } from '../integrations/index.ts';

/** Problems (`key: what (got X)`) with the files a config names; notes for optional files that are absent. */
export function configFileProblems(loaded: LoadedConfig): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const f = loaded.config.filters;
  const check = (key: string, configured: string | null, read: (file: string) => unknown, what: string): void => {
    if (configured === null) return;
    const file = resolveConfigPath(loaded, configured);
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (e) {
      problems.push(`${key}: ${what} not found at ${file} (got ${JSON.stringify(configured)}; ${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    if (!isFile) {
      problems.push(`${key}: ${file} is not a file (got ${JSON.stringify(configured)})`);
      return;
    }
    try {
      read(file);
    } catch (e) {
      if (!(e instanceof TxbotError)) throw e;
      problems.push(`${key}: ${e.message}`);
    }
  };
  if (f.vix.enabled) check('filters.vix.file', f.vix.file, readVixCsv, 'the VIX file');
  else if (f.vix.file !== null) notes.push('filters.vix.file is set but filters.vix.enabled is false: the file is not used');
  check('filters.news.calendar_file', f.news.calendar_file, readCalendarCsv, 'the calendar file');
  return { problems, notes };
}
