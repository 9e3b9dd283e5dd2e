// The minimal SQL access SqlJournal needs, implemented once for better-sqlite3 and once for pg.
// SQL is written with `?` placeholders; the PostgreSQL driver rewrites them to `$1, $2, ...`.

import type { Row } from './sqlRows.ts';

/** Statement execution on one connection (inside or outside a transaction). */
export interface SqlExecutor {
  /** Rows of a query. */
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `INSERT INTO table (columns) VALUES (...)` for each parameter row (one statement or a prepared loop). */
  insertRows(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void>;
  /** Runs several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A connection the journal owns; callers serialize their use of it (SqlJournal does). */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for messages (a file path or host/database/schema; never a password). */
  readonly where: string;
  /** SQL expression for the store's current time in UTC epoch ms (keeps Date.now out of the journal). */
  readonly nowMsSql: string;
  /** A statement taking a lock for the rest of the transaction, so two processes never migrate at once; null when the transaction itself is exclusive. */
  readonly migrationLockSql: string | null;
  /** Runs `fn` in a transaction: committed (durably) when the promise resolves, rolled back if it rejects. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
