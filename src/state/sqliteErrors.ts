// Turns better-sqlite3 failures caused by the file or its environment (locked, read-only, corrupt, not
// a database, missing table) into JournalError saying which file and what to do; bugs stay raw.

import { JournalError } from './journalError.ts';

/** The SQLite result code of an error (SQLITE_BUSY, ...), or ''. */
export function sqliteCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

/**
 * A JournalError for a failure of the file at `path` while `doing` (e.g. "opening", "reading"), or null
 * when the error is not about the file (constraint violations and other bugs are rethrown as they are).
 */
export function sqliteFileFailure(path: string, doing: string, e: unknown): JournalError | null {
  if (e instanceof JournalError) return e;
  const code = sqliteCode(e);
  const why = e instanceof Error ? e.message : String(e);
  const make = (c: 'JOURNAL_NOT_FOUND' | 'JOURNAL_UNREADABLE' | 'JOURNAL_UNAVAILABLE' | 'JOURNAL_NOT_TXBOT', text: string, hint: string) =>
    new JournalError(c, `${path}: ${text} while ${doing} (${code || 'error'}: ${why})`, { hint, cause: e });
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED_'))
    return make(
      'JOURNAL_UNAVAILABLE',
      'the journal is locked by another process',
      'another txbot session (or a database tool) holds it; stop that one or wait, then retry',
    );
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH')
    return make(
      'JOURNAL_UNAVAILABLE',
      'the journal cannot be written (read-only file, folder or file system)',
      'make the file and its folder writable, or use another journal.sqlite_path',
    );
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_'))
    return make(
      'JOURNAL_NOT_FOUND',
      'the journal file cannot be opened',
      'check journal.sqlite_path (or --journal), that the file exists and that its folder is accessible',
    );
  if (code === 'SQLITE_NOTADB')
    return make('JOURNAL_UNREADABLE', 'not a SQLite database', 'point journal.sqlite_path (or --journal) at a txbot journal');
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'))
    return make('JOURNAL_UNREADABLE', 'the journal file is corrupt', 'restore the journal from a backup; `sqlite3 FILE .recover` may save the rows');
  if (code === 'SQLITE_FULL') return make('JOURNAL_UNAVAILABLE', 'the disk is full', 'free disk space, then retry');
  if (code.startsWith('SQLITE_IOERR')) return make('JOURNAL_UNAVAILABLE', 'an I/O error occurred', 'check the disk and the file system, then retry');
  if (code === 'SQLITE_ERROR' && /no such (table|column)/.test(why))
    return make(
      'JOURNAL_NOT_TXBOT',
      'the journal lacks a table or column txbot needs',
      'the file was changed outside txbot; restore it from a backup',
    );
  return null;
}
