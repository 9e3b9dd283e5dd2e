// The default live journal: one SQLite file (better-sqlite3) in WAL mode with synchronous = FULL,
// so every write is on disk when its promise resolves.

import { accessSync, constants as fsConstants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { JournalError } from './journalError.ts';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.ts';
import type { SqlDriver, SqlExecutor } from './sqlDriver.ts';
import { migrate, SqlJournal } from './sqlJournal.ts';
import { listTables, notTxbotJournal, requireTxbotJournal } from './schemaCheck.ts';
import { sqliteCode, sqliteFileFailure } from './sqliteErrors.ts';
import type { Row } from './sqlRows.ts';

/** How to open a SQLite journal. */
export interface SqliteJournalOptions {
  /** Fail with JOURNAL_NOT_FOUND instead of creating a missing file (readers such as `journal show`). Default false. */
  readonly mustExist?: boolean;
  /**
   * Readers: open the existing file read-only (implies mustExist), never migrate, and refuse a file that
   * is not a complete txbot journal at the current schema version. Writes then fail. Default false.
   */
  readonly readOnly?: boolean;
}

/** SqlDriver over one better-sqlite3 connection; statements are prepared once and cached by text. */
class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  // unixepoch('subsec') needs SQLite 3.42; julianday works on every version.
  readonly nowMsSql = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";
  // BEGIN IMMEDIATE already excludes other writers.
  readonly migrationLockSql = null;
  private readonly statements = new Map<string, Database.Statement>();
  /** Write statements and transactions since the last checkpoint (SqliteJournal.maintain). */
  writes = 0;

  constructor(
    private readonly db: Database.Database,
    readonly where: string,
  ) {}

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs `fn`, turning failures of the file (locked, corrupt, table missing, ...) into JournalError. */
  private guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw sqliteFileFailure(this.where, doing, e) ?? e;
    }
  }

  async all(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.guard('reading', () => this.stmt(sql).all(...params) as Row[]);
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    this.writes++;
    return this.guard('writing', () => this.stmt(sql).run(...params).changes);
  }

  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    this.writes++;
    this.guard('writing', () => {
      const s = this.stmt(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const r of rows) s.run(...r);
    });
  }

  async exec(sql: string): Promise<void> {
    this.guard('writing', () => this.db.exec(sql));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // SqlJournal serializes calls, so no other statement runs on this connection between BEGIN and COMMIT.
    this.guard('starting a transaction', () => this.db.exec('BEGIN IMMEDIATE'));
    try {
      const result = await fn(this);
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Turns an open/migrate failure into a JournalError saying which file and why. */
function openFailure(path: string, e: unknown): JournalError {
  if (e instanceof JournalError) return e;
  const code = sqliteCode(e);
  if (code === 'SQLITE_CANTOPEN' && !existsSync(path)) {
    return new JournalError('JOURNAL_NOT_FOUND', `${path}: journal file not found`, {
      hint: 'check journal.sqlite_path in the config or pass --journal PATH',
      cause: e,
    });
  }
  const known = sqliteFileFailure(path, 'opening the journal', e);
  if (known) return known;
  const why = e instanceof Error ? e.message : String(e);
  return new JournalError('JOURNAL_UNREADABLE', `${path}: cannot open the SQLite journal (${code || 'error'}: ${why})`, {
    hint: 'the file must be a txbot SQLite journal',
    cause: e,
  });
}

/** Throws JOURNAL_UNAVAILABLE when this process may not write the journal file. */
function requireWritable(path: string): void {
  try {
    accessSync(path, fsConstants.W_OK);
  } catch (e) {
    throw openFailure(
      path,
      Object.assign(new Error(`the file cannot be opened for writing (${(e as NodeJS.ErrnoException).code ?? 'error'})`), {
        code: 'SQLITE_READONLY',
      }),
    );
  }
}

/**
 * SQLite's own checkpoint runs inside the commit that fills the WAL past its threshold (1000 pages by
 * default): an intent committed then waited for the copy into the database file and its fsync (bench:live:
 * 107 of 2,836 commits over 1 ms, up to 19 ms). The journal checkpoints in `maintain()` instead, after
 * this many writes; the automatic checkpoint stays as a backstop at AUTO_CHECKPOINT_PAGES.
 */
const CHECKPOINT_AFTER_WRITES = 100;
/** wal_autocheckpoint backstop (pages, ~40 MB of 4 KB pages) for a session that never calls maintain(). */
const AUTO_CHECKPOINT_PAGES = 10_000;

/** SQLite-backed Journal (see Journal for the contract). Open with `SqliteJournal.open(path)`. */
export class SqliteJournal extends SqlJournal {
  /** Where the journal file lives. */
  readonly path: string;

  private constructor(
    private readonly sqlite: SqliteDriver,
    private readonly db: Database.Database,
    path: string,
  ) {
    super(sqlite);
    this.path = path;
  }

  /** Checkpoints the WAL (PASSIVE: never waits for readers) once CHECKPOINT_AFTER_WRITES writes piled up. */
  maintain(): Promise<void> {
    return this.serial(async () => {
      if (this.sqlite.writes < CHECKPOINT_AFTER_WRITES || !this.db.open || this.db.readonly) return;
      this.sqlite.writes = 0;
      this.db.pragma('wal_checkpoint(PASSIVE)');
    });
  }

  /** The connection's durability settings as SQLite reports them (expected: wal, FULL). */
  durabilitySettings(): { journalMode: string; synchronous: string } {
    const names = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
    const sync = Number(this.db.pragma('synchronous', { simple: true }));
    return { journalMode: String(this.db.pragma('journal_mode', { simple: true })), synchronous: names[sync] ?? String(sync) };
  }

  /**
   * Opens (creating unless `mustExist`) the journal file, sets WAL + synchronous = FULL and applies
   * pending migrations. Throws JOURNAL_NOT_FOUND, JOURNAL_UNREADABLE or JOURNAL_SCHEMA_TOO_NEW.
   */
  static async open(path: string, options: SqliteJournalOptions = {}): Promise<SqliteJournal> {
    const mustExist = options.mustExist === true || options.readOnly === true;
    if (mustExist && path !== ':memory:' && !existsSync(path))
      throw openFailure(path, Object.assign(new Error('no such file'), { code: 'SQLITE_CANTOPEN' }));
    if (path !== ':memory:' && existsSync(path) && statSync(path).isDirectory())
      throw new JournalError('JOURNAL_NOT_FOUND', `${path}: is a folder, not a journal file`, {
        hint: 'give the path of the journal file, e.g. .txbot/journal.db',
      });
    let db: Database.Database | undefined;
    try {
      if (options.readOnly) {
        db = new Database(path, { readonly: true, fileMustExist: true });
        db.pragma('busy_timeout = 2000');
        db.pragma('query_only = ON');
        const driver = new SqliteDriver(db, path);
        await requireTxbotJournal(driver, SQLITE_MIGRATIONS);
        return new SqliteJournal(driver, db, path);
      }
      if (!mustExist && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { fileMustExist: mustExist });
      // Before any pragma that writes: a SQLite file of another program is refused, not converted.
      const tables = await listTables(new SqliteDriver(db, path));
      if (tables.length > 0 && !tables.includes('schema_version')) throw notTxbotJournal(path, tables);
      // SQLite quietly opens a file it cannot write read-only; the first write would fail mid-session.
      if (path !== ':memory:') requireWritable(path);
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      const driver = new SqliteDriver(db, path);
      await migrate(driver, SQLITE_MIGRATIONS);
      return new SqliteJournal(driver, db, path);
    } catch (e) {
      if (db?.open) db.close();
      throw openFailure(path, e);
    }
  }
}
