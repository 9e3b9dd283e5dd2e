// Whether a SQL store holds a txbot journal: the schema_version table, a known version and every table
// the migrations create; checked before reading (readers) and before migrating a SQLite file (writers).

import { JournalError } from './journalError.ts';
import { latestVersion, type Migration } from './migrations/migration.ts';
import type { SqlExecutor, SqlDriver } from './sqlDriver.ts';

/** Table names the migrations create, in order. */
export function migrationTables(migrations: readonly Migration[]): string[] {
  return migrations.flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((x) => x[1]!.toLowerCase()));
}

/** Tables of the store (SQLite: the main database; PostgreSQL: the current schema). */
export async function listTables(driver: Pick<SqlDriver, 'dialect'> & SqlExecutor): Promise<string[]> {
  const rows =
    driver.dialect === 'sqlite'
      ? await driver.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await driver.all('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()');
  return rows.map((r) => String(r.name).toLowerCase()).sort();
}

function shown(tables: readonly string[]): string {
  return tables.length > 8 ? `${tables.slice(0, 8).join(', ')}, ... (${tables.length} tables)` : tables.join(', ');
}

/** JOURNAL_NOT_TXBOT for a store holding `tables` but no schema_version. */
export function notTxbotJournal(where: string, tables: readonly string[]): JournalError {
  return new JournalError(
    'JOURNAL_NOT_TXBOT',
    `${where}: not a txbot journal (${tables.length ? `it has tables ${shown(tables)} but no schema_version` : 'it has no tables'}); left unchanged`,
    { hint: 'point journal.sqlite_path (or --journal) at a txbot journal; a new journal is created only in a new file' },
  );
}

/**
 * Throws unless the store is a complete txbot journal at exactly the latest schema version:
 * JOURNAL_NOT_TXBOT (no schema_version, or tables missing), JOURNAL_SCHEMA_TOO_NEW, JOURNAL_SCHEMA_OLD.
 */
export async function requireTxbotJournal(driver: SqlDriver, migrations: readonly Migration[]): Promise<void> {
  const tables = await listTables(driver);
  if (!tables.includes('schema_version')) throw notTxbotJournal(driver.where, tables);
  const rows = await driver.all('SELECT MAX(version) AS v FROM schema_version');
  const version = rows[0]?.v === null || rows[0]?.v === undefined ? 0 : Number(rows[0].v);
  const latest = latestVersion(migrations);
  if (version > latest)
    throw new JournalError(
      'JOURNAL_SCHEMA_TOO_NEW',
      `${driver.where}: journal schema version ${version} is newer than this txbot supports (expected at most ${latest})`,
      {
        hint: 'upgrade txbot, or point it at another journal',
      },
    );
  if (version < latest)
    throw new JournalError(
      'JOURNAL_SCHEMA_OLD',
      `${driver.where}: journal schema version ${version} is older than this txbot's ${latest}; readers do not migrate`,
      {
        hint: 'run a paper or live session on it once (that migrates it), then read it again',
      },
    );
  const missing = migrationTables(migrations).filter((t) => !tables.includes(t));
  if (missing.length)
    throw new JournalError('JOURNAL_NOT_TXBOT', `${driver.where}: the journal lacks table(s) ${missing.join(', ')} (found ${shown(tables)})`, {
      hint: 'the file was changed outside txbot; restore it from a backup',
    });
}
