// Schema migrations: numbered without gaps, the same logical schema on SQLite and PostgreSQL,
// applied once however often a journal is opened, and a newer schema refused.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresJournal, SqliteJournal } from '../../src/state/index.ts';
import { latestVersion, pendingMigrations } from '../../src/state/migrations/migration.ts';
import { POSTGRES_MIGRATIONS } from '../../src/state/migrations/postgres.ts';
import { SQLITE_MIGRATIONS } from '../../src/state/migrations/sqlite.ts';
import { errorCode, intentInput } from './journalFixtures.ts';
import { PG_TEST_URL, requirePostgres, schemaPool, SKIP_PG } from './postgresSupport.ts';

const dir = mkdtempSync(join(tmpdir(), 'txbot-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Columns = Record<string, string[]>;

function sqliteColumns(path: string): Columns {
  const db = new Database(path, { readonly: true });
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
    name: string;
  }[];
  const out: Columns = {};
  for (const { name } of tables) out[name] = (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name).sort();
  db.close();
  return out;
}

describe('migration lists', () => {
  it('number SQLite and PostgreSQL migrations 1..n without gaps, with the same names', () => {
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(SQLITE_MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('pending migrations are those above the current version; a newer store is JOURNAL_SCHEMA_TOO_NEW', async () => {
    expect(pendingMigrations(SQLITE_MIGRATIONS, 0, 'x')).toEqual([...SQLITE_MIGRATIONS]);
    expect(pendingMigrations(SQLITE_MIGRATIONS, latestVersion(SQLITE_MIGRATIONS), 'x')).toEqual([]);
    expect(await errorCode(Promise.resolve().then(() => pendingMigrations(SQLITE_MIGRATIONS, 999, 'x')))).toBe('JOURNAL_SCHEMA_TOO_NEW');
  });
});

describe('SQLite migrations', () => {
  it('are applied once when a journal is opened twice, keeping its data', async () => {
    const path = join(dir, 'twice.db');
    const first = await SqliteJournal.open(path);
    await first.recordIntent(intentInput(1));
    await first.close();
    const second = await SqliteJournal.open(path);
    expect((await second.openIntents()).map((i) => i.intentId)).toEqual(['intent-1']);
    await second.close();
    const db = new Database(path, { readonly: true });
    const versions = db.prepare('SELECT version, name FROM schema_version ORDER BY version').all();
    db.close();
    expect(versions).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('refuse a journal written by a newer schema with JOURNAL_SCHEMA_TOO_NEW', async () => {
    const path = join(dir, 'newer.db');
    await (await SqliteJournal.open(path)).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_version (version, name, applied_ts_ms) VALUES (?, ?, ?)').run(latestVersion(SQLITE_MIGRATIONS) + 1, 'future', 1);
    db.close();
    expect(await errorCode(SqliteJournal.open(path))).toBe('JOURNAL_SCHEMA_TOO_NEW');
  });
});

describe.skipIf(SKIP_PG)('PostgreSQL migrations', () => {
  const schemas = schemaPool('txbot_migr');
  beforeAll(requirePostgres);
  afterAll(() => schemas.dropAll());

  async function pgRows<T>(sql: string, params: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: PG_TEST_URL });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('are applied once when two journals open the same schema at once, and again later', async () => {
    const schema = schemas.next();
    const [a, b] = await Promise.all([1, 2].map(() => PostgresJournal.connect({ connectionString: PG_TEST_URL, schema })));
    await a!.recordIntent(intentInput(1));
    await Promise.all([a!.close(), b!.close()]);
    const c = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema });
    expect((await c.openIntents()).map((i) => i.intentId)).toEqual(['intent-1']);
    await c.close();
    const versions = await pgRows<{ version: number; name: string }>(`SELECT version, name FROM "${schema}".schema_version ORDER BY version`, []);
    expect(versions).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('create the same tables and columns as the SQLite migrations', async () => {
    const schema = schemas.next();
    await (await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema })).close();
    const path = join(dir, 'parity.db');
    await (await SqliteJournal.open(path)).close();
    const rows = await pgRows<{ table_name: string; column_name: string }>(
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
      [schema],
    );
    const pgColumns: Columns = {};
    for (const r of rows) (pgColumns[r.table_name] ??= []).push(r.column_name);
    for (const k of Object.keys(pgColumns)) pgColumns[k]!.sort();
    expect(pgColumns).toEqual(sqliteColumns(path));
  });
});
