// PostgreSQL journal (pg): the same schema and behaviour as the SQLite one on a shared server,
// one connection, statements prepared by name, optionally inside its own schema.

import pg from 'pg';
import { JournalError } from './journalError.ts';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.ts';
import type { SqlDriver, SqlExecutor } from './sqlDriver.ts';
import { requireTxbotJournal } from './schemaCheck.ts';
import { migrate, SqlJournal } from './sqlJournal.ts';
import type { Row } from './sqlRows.ts';

/** How to reach the PostgreSQL journal. */
export interface PostgresJournalOptions {
  /** postgres://user@host:port/database; a password is better given as PGPASSWORD. */
  readonly connectionString: string;
  /** Schema holding the tables (created when missing); default `public`. Lowercase letters, digits, `_`. */
  readonly schema?: string;
  /** Connect timeout in ms; default 5000. */
  readonly connectTimeoutMs?: number;
  /** application_name shown in pg_stat_activity; default txbot-journal. */
  readonly applicationName?: string;
  /** Readers: a read-only session that never creates the schema or migrates, and refuses a store that is not a txbot journal. */
  readonly readOnly?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const PG_INT8_OID = 20;
const MAX_PARAMS_PER_STATEMENT = 60_000;

/** host:port/database[/schema] of a connection string, never its password. */
export function describePostgresTarget(connectionString: string, schema?: string): string {
  try {
    const u = new URL(connectionString);
    return `postgres ${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || '/'}${schema ? ` schema ${schema}` : ''}`;
  } catch {
    return `postgres (unparsable URL)${schema ? ` schema ${schema}` : ''}`;
  }
}

/** `?` placeholders to `$1, $2, ...` (the journal's SQL has no `?` inside literals). */
function numberPlaceholders(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Whether a pg error is about the connection (no SQLSTATE, or one saying the session is gone) rather than the statement. */
function isConnectionError(e: unknown): boolean {
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  if (!(e instanceof Error)) return false;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  // SQLSTATE classes that mean the session is gone: 08 connection exception, 57P01-57P03 (the server
  // terminated the backend or is shutting down; arrives as a query error when a query was in flight).
  return code.startsWith('08') || /^57P0[123]$/.test(code);
}

/** Opens a connected client with the search path set; throws JOURNAL_UNAVAILABLE when it cannot. */
type ClientFactory = () => Promise<pg.Client>;

/**
 * SqlDriver over one pg.Client; BIGINT columns come back as numbers (UTC ms fit in 2^53). After a
 * connection failure the failing call raises JOURNAL_UNAVAILABLE and the next call (outside a
 * transaction) reconnects; nothing is retried, since only the caller knows whether a retry is safe.
 */
class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly nowMsSql = '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT';
  readonly migrationLockSql = 'SELECT pg_advisory_xact_lock(hashtext(current_schema()))';
  private readonly names = new Map<string, { name: string; text: string }>();
  private broken: Error | null = null;
  private inTransaction = false;
  private closed = false;
  /** Session settings (set_config) re-applied on every new connection. */
  private readonly settings = new Map<string, string>();

  constructor(
    private client: pg.Client,
    readonly where: string,
    private readonly openClient: ClientFactory,
  ) {
    this.watch(client);
  }

  /** An idle connection that dies emits 'error'; keep it for the next call instead of crashing. */
  private watch(client: pg.Client): void {
    client.on('error', (e) => {
      if (client === this.client) this.broken = e;
    });
  }

  private async reconnect(): Promise<void> {
    const old = this.client;
    await old.end().catch(() => undefined);
    this.client = await this.openClient();
    this.watch(this.client);
    // Named prepared statements live per connection.
    this.names.clear();
    this.broken = null;
    for (const [name, value] of this.settings) await this.client.query('SELECT set_config($1, $2, false)', [name, value]);
  }

  /** Sets a session setting now and on every reconnection ('' = unset). */
  async setSetting(name: string, value: string): Promise<void> {
    this.settings.set(name, value);
    await this.query({ text: 'SELECT set_config($1, $2, false)', values: [name, value] });
  }

  private prepared(sql: string): { name: string; text: string } {
    let p = this.names.get(sql);
    if (!p) {
      p = { name: `txbot_${this.names.size + 1}`, text: numberPlaceholders(sql) };
      this.names.set(sql, p);
    }
    return p;
  }

  private async query(config: pg.QueryConfig | string): Promise<pg.QueryResult> {
    if (this.broken) {
      if (this.inTransaction || this.closed) throw this.unavailable(this.broken);
      await this.reconnect();
    }
    try {
      return await this.client.query(config as pg.QueryConfig);
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      this.broken = e as Error;
      throw this.unavailable(e);
    }
  }

  private unavailable(e: unknown): JournalError {
    const why = e instanceof Error ? e.message : String(e);
    return new JournalError('JOURNAL_UNAVAILABLE', `${this.where}: the journal connection failed (${why})`, {
      hint: 'the next journal call reconnects; check the PostgreSQL server',
      cause: e,
    });
  }

  async all(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const p = this.prepared(sql);
    return (await this.query({ name: p.name, text: p.text, values: params as unknown[] })).rows as Row[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    const p = this.prepared(sql);
    return (await this.query({ name: p.name, text: p.text, values: params as unknown[] })).rowCount ?? 0;
  }

  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    const perChunk = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / columns.length));
    for (let start = 0; start < rows.length; start += perChunk) {
      const chunk = rows.slice(start, start + perChunk);
      const tuples = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await this.query({ text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values: chunk.flat() });
    }
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // SqlJournal serializes calls, so this connection runs nothing else until COMMIT/ROLLBACK.
    await this.query('BEGIN');
    this.inTransaction = true;
    try {
      const result = await fn(this);
      await this.query('COMMIT');
      return result;
    } catch (e) {
      if (!this.broken) await this.client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }
}

/** PostgreSQL-backed Journal (see Journal for the contract). Open with `PostgresJournal.connect(...)`. */
export class PostgresJournal extends SqlJournal {
  private constructor(private readonly pgDriver: PostgresDriver) {
    super(pgDriver);
  }

  /**
   * Rows written from now on carry this writer's machine id and fencing token (columns machine_id and
   * fencing_token; null = none, rows get NULL). A shared session sets it when it becomes leader.
   */
  async setWriter(writer: { readonly machineId: string; readonly fencingToken: number } | null): Promise<void> {
    await this.pgDriver.setSetting('txbot.machine_id', writer?.machineId ?? '');
    await this.pgDriver.setSetting('txbot.fencing_token', writer ? String(writer.fencingToken) : '');
  }

  /**
   * Connects, selects (creating if needed) the schema and applies pending migrations. Throws
   * JOURNAL_UNAVAILABLE when the server cannot be reached, INVALID_RECORD for a bad schema name.
   */
  static async connect(options: PostgresJournalOptions): Promise<PostgresJournal> {
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new JournalError('INVALID_RECORD', `journal: postgres schema must be lowercase letters, digits and _ (got ${JSON.stringify(schema)})`);
    }
    const where = describePostgresTarget(options.connectionString, schema);
    const openClient = clientFactory(options, where);
    const driver = new PostgresDriver(await openClient(), where, openClient);
    try {
      if (options.readOnly) {
        await driver.exec('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
        await requireTxbotJournal(driver, POSTGRES_MIGRATIONS);
        return new PostgresJournal(driver);
      }
      if (schema !== undefined) {
        // Two processes creating the same schema at once collide on pg_namespace; the lock orders them.
        await driver.transaction(async (tx) => {
          await tx.all('SELECT pg_advisory_xact_lock(hashtext(?))', [schema]);
          await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        });
      }
      await migrate(driver, POSTGRES_MIGRATIONS);
    } catch (e) {
      await driver.close();
      throw e;
    }
    return new PostgresJournal(driver);
  }
}

const parseInt8AsNumber = ((oid: number, format?: 'text' | 'binary') =>
  oid === PG_INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

/** Connects a client (search path = the schema, which may not exist yet) or throws JOURNAL_UNAVAILABLE. */
function clientFactory(options: PostgresJournalOptions, where: string): ClientFactory {
  return async () => {
    const client = new pg.Client({
      connectionString: options.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      application_name: options.applicationName ?? 'txbot-journal',
      types: { getTypeParser: parseInt8AsNumber },
    });
    try {
      await client.connect();
      if (options.schema !== undefined) await client.query(`SET search_path TO "${options.schema}"`);
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      const why = e instanceof Error ? e.message || (e as Error & { code?: string }).code || e.name : String(e);
      throw new JournalError('JOURNAL_UNAVAILABLE', `${where}: cannot connect to the journal database (${why})`, {
        hint: 'check that PostgreSQL is running and journal.postgres_url (password via PGPASSWORD)',
        cause: e,
      });
    }
  };
}
