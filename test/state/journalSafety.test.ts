// Journals that are not what txbot expects: another program's SQLite file, a missing table, a corrupt
// page, text in a numeric column, a locked or read-only file. Readers never modify them; every failure
// is a JournalError (exit 5) naming the file and the cause, never a stack trace.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { JournalError, PostgresJournal, SqliteJournal } from '../../src/state/index.ts';
import { hashPath, hasStackTrace, runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';
import { MONDAY_10_ET_MS, tradeRecord } from './journalFixtures.ts';
import { PG_TEST_URL, SKIP_PG, schemaPool } from './postgresSupport.ts';

const tmp = useTempDir('txbot-journal-safety-');

/** Another application's SQLite database (rollback journal mode, one table). */
function foreignDb(name: string): string {
  const path = join(tmp.dir, name);
  const db = new Database(path);
  db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada')");
  db.close();
  return path;
}

async function journalWithTrade(name: string): Promise<string> {
  const path = join(tmp.dir, name);
  const j = await SqliteJournal.open(path);
  await j.recordTrade(tradeRecord('t-1', MONDAY_10_ET_MS, 42.5));
  await j.close();
  return path;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof JournalError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a JournalError');
}

const tablesOf = (path: string): string[] => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name).sort();
  } finally {
    db.close();
  }
};

describe('journal readers (journal show, summary) never modify what they read', () => {
  it('journal show refuses another program SQLite file with exit 5 and leaves it byte for byte unchanged', async () => {
    const path = foreignDb('shop.db');
    const before = hashPath(path);
    const filesBefore = readdirSync(tmp.dir).sort();
    const r = await runCli(['journal', 'show', '--journal', path], { cwd: tmp.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/shop\.db: not a txbot journal \(it has tables customers but no schema_version\)/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(hashPath(path)).toBe(before);
    expect(tablesOf(path)).toEqual(['customers']);
    expect(readdirSync(tmp.dir).sort()).toEqual(filesBefore);
  });

  it('summary refuses it too, unchanged', async () => {
    const path = foreignDb('shop2.db');
    const before = hashPath(path);
    const r = await runCli(['summary', '--journal', path], { cwd: tmp.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('not a txbot journal');
    expect(hashPath(path)).toBe(before);
  });

  it('a journal without its trades table is refused with exit 5 naming the table, not a crash', async () => {
    const path = await journalWithTrade('no-trades.db');
    const db = new Database(path);
    db.exec('DROP TABLE trades');
    db.close();
    const r = await runCli(['journal', 'show', '--journal', path], { cwd: tmp.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/no-trades\.db: the journal lacks table\(s\) trades/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('a journal with a corrupt page is refused with exit 5 saying it is corrupt', async () => {
    const path = await journalWithTrade('corrupt.db');
    const db = new Database(path);
    db.pragma('journal_mode = DELETE');
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const trades = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'trades'").get() as { rootpage: number };
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, (trades.rootpage - 1) * pageSize, trades.rootpage * pageSize);
    writeFileSync(path, bytes);
    const r = await runCli(['journal', 'show', '--journal', path, '--day', '2026-01-05'], { cwd: tmp.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/corrupt\.db: the journal file is corrupt/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('text in a numeric column is an INVALID_RECORD naming table, row and column, never NaN', async () => {
    const path = await journalWithTrade('text-in-number.db');
    const db = new Database(path);
    db.exec("UPDATE trades SET pnl_usd = 'forty-two'");
    db.close();
    const r = await runCli(['journal', 'show', '--journal', path, '--day', '2026-01-05'], { cwd: tmp.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/journal table trades row \d+: column pnl_usd holds the text "forty-two" \(expected a finite number\)/);
    expect(r.stdout).not.toContain('NaN');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('reads a valid journal read-only: the day is shown and the file is unchanged', async () => {
    const path = await journalWithTrade('good.db');
    const before = hashPath(path);
    const r = await runCli(['journal', 'show', '--journal', path, '--day', '2026-01-05', '--json'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { trades: unknown[] }).trades).toHaveLength(1);
    expect(hashPath(path)).toBe(before);
  });
});

describe('journal writers', () => {
  it('refuse to turn another program SQLite file into a journal (JOURNAL_NOT_TXBOT, no tables added)', async () => {
    const path = foreignDb('app.db');
    const before = hashPath(path);
    const e = await codeOf(SqliteJournal.open(path));
    expect(e.code).toBe('JOURNAL_NOT_TXBOT');
    expect(tablesOf(path)).toEqual(['customers']);
    expect(hashPath(path)).toBe(before);
  });

  it('name a lock held by another process instead of blaming the file format', async () => {
    const path = join(tmp.dir, 'locked.db');
    const holder = new Database(path);
    holder.exec('CREATE TABLE x (a)');
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec('INSERT INTO x VALUES (1)');
    try {
      const e = await codeOf(SqliteJournal.open(path));
      expect(e.code).toBe('JOURNAL_UNAVAILABLE');
      expect(e.message).toMatch(/locked\.db: the journal is locked by another process while .+ \(SQLITE_BUSY/);
      expect(e.message).not.toContain('must be a txbot SQLite journal');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

/** Makes `path` unwritable even for root (immutable attribute), or null when the platform cannot. */
function makeImmutable(path: string): (() => void) | null {
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', path], { stdio: 'ignore' });
  } catch {
    return null;
  }
}

describe('a read-only journal file', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it('is reported as not writable when a session opens it, and still readable by journal show', async (ctx) => {
    const path = await journalWithTrade('readonly.db');
    const undo = process.getuid?.() === 0 ? makeImmutable(path) : (execFileSync('chmod', ['0444', path]), () => undefined);
    if (!undo) ctx.skip('chattr +i is not available and the tests run as root, so no file can be made read-only');
    cleanups.push(undo!);
    const e = await codeOf(SqliteJournal.open(path));
    expect(e.code).toBe('JOURNAL_UNAVAILABLE');
    expect(e.message).toMatch(/readonly\.db: the journal cannot be written \(read-only file, folder or file system\)/);
    const r = await runCli(['journal', 'show', '--journal', path, '--day', '2026-01-05', '--json'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(existsSync(path)).toBe(true);
  });
});

describe.skipIf(SKIP_PG)('PostgreSQL readers', () => {
  const pool = schemaPool('txbot_ro');
  afterAll(() => pool.dropAll());

  it('refuse a schema that holds no txbot journal without creating it or any table', async () => {
    const schema = pool.next();
    const e = await codeOf(PostgresJournal.connect({ connectionString: PG_TEST_URL, schema, readOnly: true }));
    expect(e.code).toBe('JOURNAL_NOT_TXBOT');
    const client = new pg.Client({ connectionString: PG_TEST_URL });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(found.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('read a migrated journal in a read-only session (writes fail)', async () => {
    const schema = pool.next();
    const writer = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema });
    await writer.recordTrade(tradeRecord('pg-1', MONDAY_10_ET_MS, 7));
    await writer.close();
    const reader = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema, readOnly: true });
    try {
      expect((await reader.tradesForDay('2026-01-05')).map((t) => t.tradeId)).toEqual(['pg-1']);
      await expect(reader.recordTrade(tradeRecord('pg-2', MONDAY_10_ET_MS, 1))).rejects.toThrow(/read-only/);
    } finally {
      await reader.close();
    }
  });
});
