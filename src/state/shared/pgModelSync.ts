// Model versions shared through PostgreSQL: every published version (body, sha256, author machine,
// fencing token) plus one current-version row per model, switched in one transaction with a NOTIFY;
// subscribers LISTEN (modelListener.ts), readers verify the sha256 before use.

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { silentLogger, type Logger } from '../../log/index.ts';
import type { FencedWriteResult } from './fencedStateStore.ts';
import { ModelListener, type ModelVersionNotice } from './modelListener.ts';
import { systemTimers, type Timers } from './monotonicClock.ts';
import { maskUrlPassword } from './stateUrl.ts';
import { SharedStateError } from './sharedStateError.ts';

/** Options of a PgModelSync. */
export interface PgModelSyncOptions {
  /** A connection string or a pg config (see `pgConfigFromUrl`). */
  readonly connection: string | pg.ClientConfig;
  /** Schema of the tables (created when missing); default `public`. */
  readonly schema?: string;
  /** NOTIFY channel; default `txbot_model_sync`. Payloads name the schema, so schemas may share it. */
  readonly channel?: string;
  /** `created_by` of published versions; default TXBOT_MACHINE_ID, else the host name. */
  readonly machineId?: string;
  /** Delay before a dropped LISTEN connection is reopened; default 1 000 ms. */
  readonly reconnectDelayMs?: number;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/** A stored model version whose body matched its sha256. */
export interface ModelVersion {
  readonly modelName: string;
  readonly version: number;
  readonly body: Buffer;
  readonly sha256: string;
  /** UTC epoch ms (database clock). */
  readonly createdAtMs: number;
  readonly createdBy: string;
  readonly fencingToken: number;
}

/** `publish()` outcome: the new version, or a fencing rejection (a newer leader has published). */
export type PublishResult = { readonly ok: true; readonly version: number; readonly sha256: string } | Extract<FencedWriteResult, { ok: false }>;

/** A running subscription. */
export interface ModelSubscription {
  stop(): Promise<void>;
}

export type { ModelVersionNotice };

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the schema and tables when missing (idempotent, safe to run from several machines at once). */
export async function migrateModelSync(client: pg.ClientBase, schema = 'public'): Promise<void> {
  const s = ident('schema', schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`txbot_model_sync:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${s}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${s}".model_versions (
      model_name TEXT NOT NULL,
      version BIGINT NOT NULL CHECK (version > 0),
      body BYTEA NOT NULL,
      sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      created_by TEXT NOT NULL,
      fencing_token BIGINT NOT NULL CHECK (fencing_token > 0),
      PRIMARY KEY (model_name, version))`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${s}".model_current (
      model_name TEXT PRIMARY KEY,
      version BIGINT NOT NULL,
      fencing_token BIGINT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      FOREIGN KEY (model_name, version) REFERENCES "${s}".model_versions (model_name, version))`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Publish, fetch and subscribe to model versions on one PostgreSQL database. */
export class PgModelSync {
  readonly schema: string;
  readonly channel: string;
  private readonly pool: pg.Pool;
  private readonly config: pg.ClientConfig;
  private readonly machineId: string;
  private readonly log: Logger;
  private readonly timers: Timers;
  private readonly reconnectDelayMs: number;
  private readonly subscriptions = new Set<ModelSubscription>();

  private constructor(options: PgModelSyncOptions) {
    this.schema = ident('schema', options.schema ?? 'public');
    this.channel = ident('channel', options.channel ?? 'txbot_model_sync');
    this.config = typeof options.connection === 'string' ? { connectionString: options.connection } : options.connection;
    this.machineId = options.machineId ?? (process.env.TXBOT_MACHINE_ID || hostname());
    this.timers = options.timers ?? systemTimers;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
    this.log = (options.logger ?? silentLogger()).child({ component: 'pg-model-sync', target: this.describe() });
    this.pool = new pg.Pool({ ...this.config, max: 2 });
    this.pool.on('error', (e) => this.log.warn({ err: e }, 'idle model-sync connection failed'));
  }

  /** Connects, runs the migration and returns the store. */
  static async open(options: PgModelSyncOptions): Promise<PgModelSync> {
    const sync = new PgModelSync(options);
    try {
      const client = await sync.pool.connect();
      try {
        await migrateModelSync(client, sync.schema);
      } finally {
        client.release();
      }
    } catch (e) {
      await sync.pool.end().catch(() => undefined);
      throw e;
    }
    return sync;
  }

  /**
   * Stores `body` as the next version of `modelName` and makes it current, in one transaction that
   * NOTIFYs subscribers on commit. Refused (nothing stored) when the current version was published
   * with a higher fencing token.
   */
  async publish(modelName: string, body: Buffer | string, options: { fencingToken: number; createdBy?: string }): Promise<PublishResult> {
    const token = options.fencingToken;
    if (!Number.isSafeInteger(token) || token <= 0)
      throw new SharedStateError('INVALID_STATE_OPTION', `publish ${modelName}: fencingToken must be a positive integer (got ${token})`);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const s = this.schema;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`txbot_model_publish:${s}:${modelName}`]);
      const cur = await client.query<{ fencing_token: string }>(`SELECT fencing_token FROM "${s}".model_current WHERE model_name = $1 FOR UPDATE`, [
        modelName,
      ]);
      const highestToken = cur.rows.length ? Number(cur.rows[0].fencing_token) : 0;
      if (token < highestToken) {
        await client.query('ROLLBACK');
        const detail = `model ${modelName}: publish with fencing token ${token} refused, the current version was published with token ${highestToken}`;
        return { ok: false, code: 'FENCED_WRITE_REJECTED', token, highestToken, detail };
      }
      const next = await client.query<{ v: string }>(`SELECT COALESCE(MAX(version), 0) + 1 AS v FROM "${s}".model_versions WHERE model_name = $1`, [
        modelName,
      ]);
      const version = Number(next.rows[0].v);
      await client.query(
        `INSERT INTO "${s}".model_versions (model_name, version, body, sha256, created_by, fencing_token) VALUES ($1, $2, $3, $4, $5, $6)`,
        [modelName, version, bytes, sha256, options.createdBy ?? this.machineId, token],
      );
      await client.query(
        `INSERT INTO "${s}".model_current (model_name, version, fencing_token) VALUES ($1, $2, $3)
         ON CONFLICT (model_name) DO UPDATE SET version = EXCLUDED.version, fencing_token = EXCLUDED.fencing_token, updated_at = now()`,
        [modelName, version, token],
      );
      const notice = { schema: s, modelName, version, sha256, fencingToken: token };
      await client.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(notice)]);
      await client.query('COMMIT');
      this.log.info({ modelName, version, sha256, token }, 'model version published');
      return { ok: true, version, sha256 };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** The current version of `modelName` (null when none), its sha256 verified: MODEL_SHA_MISMATCH otherwise. */
  async fetchCurrent(modelName: string): Promise<ModelVersion | null> {
    return this.fetchWhere(modelName, `v.version = (SELECT version FROM "${this.schema}".model_current WHERE model_name = $1)`, []);
  }

  /** One stored version (sha256 verified); MODEL_NOT_FOUND when it does not exist. */
  async fetchVersion(modelName: string, version: number): Promise<ModelVersion> {
    const found = await this.fetchWhere(modelName, 'v.version = $2', [version]);
    if (!found) throw new SharedStateError('MODEL_NOT_FOUND', `model ${modelName} version ${version}: not in ${this.describe()}`);
    return found;
  }

  /**
   * Calls `onNewVersion` (one call at a time, errors logged) whenever a model's current version
   * changes. A dropped LISTEN connection is reopened after `reconnectDelayMs`; versions published
   * meanwhile are then reported from the current-version table.
   */
  async subscribe(onNewVersion: (notice: ModelVersionNotice) => void | Promise<void>): Promise<ModelSubscription> {
    const listener = new ModelListener({
      config: this.config,
      channel: this.channel,
      schema: this.schema,
      reconnectDelayMs: this.reconnectDelayMs,
      timers: this.timers,
      log: this.log,
      currentVersions: (client) => this.currentVersions(client),
      onNewVersion,
    });
    await listener.start();
    const sub: ModelSubscription = {
      stop: async () => {
        this.subscriptions.delete(sub);
        await listener.stop();
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  /** Ends every subscription and the pool. */
  async close(): Promise<void> {
    for (const sub of [...this.subscriptions]) await sub.stop();
    await this.pool.end();
  }

  private async currentVersions(client: pg.ClientBase): Promise<ModelVersionNotice[]> {
    const r = await client.query<{ model_name: string; version: string; sha256: string; fencing_token: string }>(
      `SELECT c.model_name, c.version, v.sha256, c.fencing_token FROM "${this.schema}".model_current c
       JOIN "${this.schema}".model_versions v ON v.model_name = c.model_name AND v.version = c.version`,
    );
    return r.rows.map((row) => ({
      modelName: row.model_name,
      version: Number(row.version),
      sha256: row.sha256,
      fencingToken: Number(row.fencing_token),
    }));
  }

  private async fetchWhere(modelName: string, where: string, params: unknown[]): Promise<ModelVersion | null> {
    const r = await this.pool.query<{ version: string; body: Buffer; sha256: string; created_ms: string; created_by: string; fencing_token: string }>(
      `SELECT v.version, v.body, v.sha256, (EXTRACT(EPOCH FROM v.created_at) * 1000)::BIGINT AS created_ms, v.created_by, v.fencing_token
       FROM "${this.schema}".model_versions v WHERE v.model_name = $1 AND ${where}`,
      [modelName, ...params],
    );
    if (r.rows.length === 0) return null;
    const row = r.rows[0];
    const actual = createHash('sha256').update(row.body).digest('hex');
    if (actual !== row.sha256)
      throw new SharedStateError(
        'MODEL_SHA_MISMATCH',
        `model ${modelName} version ${row.version} (${this.describe()}): body sha256 is ${actual}, the row says ${row.sha256}; refusing a corrupted or tampered model`,
        { hint: 'publish the model again from a trusted copy' },
      );
    return {
      modelName,
      version: Number(row.version),
      body: row.body,
      sha256: row.sha256,
      createdAtMs: Number(row.created_ms),
      createdBy: row.created_by,
      fencingToken: Number(row.fencing_token),
    };
  }

  private describe(): string {
    const c = this.config;
    const where = c.connectionString
      ? maskUrlPassword(c.connectionString)
      : `postgres ${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database ?? ''}`;
    return `${where} schema ${this.schema}`;
  }
}

function ident(what: string, name: string): string {
  if (!IDENT.test(name))
    throw new SharedStateError('INVALID_STATE_OPTION', `model sync ${what} ${JSON.stringify(name)} must be lowercase letters, digits and _`);
  return name;
}
