// The shape of one numbered schema migration and the checks every backend applies before running them.

import { JournalError } from '../journalError.ts';

/** One schema step: applied once, in version order, recorded in the schema_version table. */
export interface Migration {
  /** 1, 2, 3, ... without gaps. */
  readonly version: number;
  readonly name: string;
  /** Statements separated by semicolons; run inside one transaction. */
  readonly sql: string;
}

/** The highest version of a migration list. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length ? migrations[migrations.length - 1]!.version : 0;
}

/**
 * The migrations still to apply to a store at `currentVersion`; throws JOURNAL_SCHEMA_TOO_NEW
 * when the store was written by a newer txbot (its version is above every known migration).
 */
export function pendingMigrations(migrations: readonly Migration[], currentVersion: number, where: string): Migration[] {
  const latest = latestVersion(migrations);
  if (currentVersion > latest) {
    throw new JournalError(
      'JOURNAL_SCHEMA_TOO_NEW',
      `${where}: journal schema version ${currentVersion} is newer than this txbot supports (expected at most ${latest})`,
      {
        hint: 'upgrade txbot, or point it at another journal',
      },
    );
  }
  return migrations.filter((m) => m.version > currentVersion);
}

/** SQL creating the schema_version table (valid on SQLite and PostgreSQL). */
export const SCHEMA_VERSION_DDL =
  'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ts_ms BIGINT NOT NULL)';
