// The one wiring point choosing the Journal backend from config (`journal.kind`): memory, sqlite or postgres.

import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import { JournalError } from './journalError.ts';
import type { Journal } from './journal.ts';
import { MemoryJournal } from './memoryJournal.ts';
import { PostgresJournal } from './postgresJournal.ts';
import { SqliteJournal } from './sqliteJournal.ts';

/** Where relative paths resolve and how strict opening is. */
export interface OpenJournalOptions {
  /** Folder a relative `sqlite_path` resolves against (the config file's folder). */
  readonly baseDir: string;
  /** Fail with JOURNAL_NOT_FOUND rather than create a missing SQLite file (readers). Default false. */
  readonly mustExist?: boolean;
  /** Readers: open read-only, never create or migrate; refuse a store that is not a txbot journal. Default false. */
  readonly readOnly?: boolean;
  /** PostgreSQL schema (default public). */
  readonly postgresSchema?: string;
}

/** The SQLite file a config points at, resolved against `baseDir`. */
export function sqliteJournalPath(journalConfig: Config['journal'], baseDir: string): string {
  const p = journalConfig.sqlite_path;
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/**
 * Opens the journal `journalConfig` selects.
 * @example const journal = await openJournal(config.journal, { baseDir: loaded.baseDir });
 */
export async function openJournal(journalConfig: Config['journal'], options: OpenJournalOptions): Promise<Journal> {
  switch (journalConfig.kind) {
    case 'memory':
      return new MemoryJournal();
    case 'sqlite':
      return SqliteJournal.open(sqliteJournalPath(journalConfig, options.baseDir), { mustExist: options.mustExist, readOnly: options.readOnly });
    case 'postgres': {
      const url = journalConfig.postgres_url;
      if (!url) {
        throw new JournalError('JOURNAL_UNAVAILABLE', 'journal.postgres_url: required when journal.kind is postgres (got null)', {
          hint: 'set journal.postgres_url or TXBOT__JOURNAL__POSTGRES_URL',
        });
      }
      return PostgresJournal.connect({ connectionString: url, schema: options.postgresSchema, readOnly: options.readOnly });
    }
  }
}
