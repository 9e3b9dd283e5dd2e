// PgModelSync against the real PostgreSQL: idempotent migration, publish/fetch with sha256 checks,
// LISTEN/NOTIFY subscriptions (with reconnection), fencing of stale publishers, concurrent publishers.

import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PgModelSync, SharedStateError, type ModelVersionNotice } from '../../../src/state/shared/index.ts';
import { PG_TEST_URL, requirePostgres, schemaPool, SKIP_PG } from '../postgresSupport.ts';
import { delay, waitFor } from './support/redisSupport.ts';

const MODEL = JSON.stringify({ nStates: 5, means: [0.001, -0.002], note: 'régime ✓' });

describe.skipIf(SKIP_PG)('PgModelSync', () => {
  const schemas = schemaPool('txbot_msync');
  const opened: PgModelSync[] = [];
  const channel = `txbot_msync_${process.pid}_${randomBytes(3).toString('hex')}`;
  const open = async (schema: string, machineId = 'machine-a'): Promise<PgModelSync> => {
    const sync = await PgModelSync.open({ connection: PG_TEST_URL, schema, channel, machineId, reconnectDelayMs: 100 });
    opened.push(sync);
    return sync;
  };
  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ connectionString: PG_TEST_URL });
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(requirePostgres);
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  afterAll(() => schemas.dropAll());

  it('creates its tables idempotently (opening twice, and two machines at once)', async () => {
    const schema = schemas.next();
    await Promise.all([open(schema), open(schema, 'machine-b')]);
    await open(schema);

    const tables = await sql<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
    expect(tables.map((t) => t.table_name)).toEqual(['model_current', 'model_versions']);
  });

  it('publishes numbered versions and fetches the current one with its sha256, author and token', async () => {
    const sync = await open(schemas.next());
    expect(await sync.fetchCurrent('MNQ-hmm')).toBeNull();

    const first = await sync.publish('MNQ-hmm', MODEL, { fencingToken: 7 });
    const second = await sync.publish('MNQ-hmm', Buffer.from('{"v":2}'), { fencingToken: 7, createdBy: 'retrainer' });
    const current = await sync.fetchCurrent('MNQ-hmm');

    expect(first).toEqual({ ok: true, version: 1, sha256: createHash('sha256').update(MODEL).digest('hex') });
    expect(second).toMatchObject({ ok: true, version: 2 });
    expect(current).toMatchObject({ modelName: 'MNQ-hmm', version: 2, createdBy: 'retrainer', fencingToken: 7 });
    expect(current!.body.toString()).toBe('{"v":2}');
    expect(current!.createdAtMs).toBeGreaterThan(1_700_000_000_000);
    const v1 = await sync.fetchVersion('MNQ-hmm', 1);
    expect(v1.body.toString('utf8')).toBe(MODEL);
    expect(v1.createdBy).toBe('machine-a');
    await expect(sync.fetchVersion('MNQ-hmm', 9)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('notifies a subscriber on another connection of each new version, and not of other schemas', async () => {
    const schema = schemas.next();
    const publisher = await open(schema, 'publisher');
    const subscriber = await open(schema, 'subscriber');
    const elsewhere = await open(schemas.next(), 'elsewhere');
    const heard: ModelVersionNotice[] = [];
    await subscriber.subscribe((n) => void heard.push(n));

    const p1 = await publisher.publish('MES-hmm', MODEL, { fencingToken: 3 });
    await elsewhere.publish('MES-hmm', 'other schema', { fencingToken: 3 });
    const p2 = await publisher.publish('MES-hmm', `${MODEL} `, { fencingToken: 4 });
    await waitFor(() => heard.length >= 2, 'two notices', 5_000);
    await delay(200);

    expect(heard).toEqual([
      { modelName: 'MES-hmm', version: 1, sha256: p1.ok && p1.sha256, fencingToken: 3 },
      { modelName: 'MES-hmm', version: 2, sha256: p2.ok && p2.sha256, fencingToken: 4 },
    ]);
    const fetched = await subscriber.fetchCurrent('MES-hmm');
    expect(fetched!.sha256).toBe(heard[1].sha256);
  });

  it('refuses a model whose stored body no longer matches its sha256', async () => {
    const schema = schemas.next();
    const sync = await open(schema);
    await sync.publish('MNQ-hmm', MODEL, { fencingToken: 1 });
    await sql(`UPDATE "${schema}".model_versions SET body = convert_to('{"evilPayload":true}', 'UTF8')`);

    const err = await sync.fetchCurrent('MNQ-hmm').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SharedStateError);
    expect((err as SharedStateError).code).toBe('MODEL_SHA_MISMATCH');
    expect((err as Error).message).toMatch(/model MNQ-hmm version 1 .*body sha256 is [0-9a-f]{64}, the row says [0-9a-f]{64}/);
    expect((err as Error).message).not.toContain('evilPayload');
  });

  it('refuses a publish with a lower fencing token than the current version and stores nothing', async () => {
    const schema = schemas.next();
    const sync = await open(schema);
    await sync.publish('MNQ-hmm', MODEL, { fencingToken: 10 });

    const stale = await sync.publish('MNQ-hmm', 'from a deposed leader', { fencingToken: 9 });

    expect(stale).toMatchObject({ ok: false, code: 'FENCED_WRITE_REJECTED', token: 9, highestToken: 10 });
    expect((await sync.fetchCurrent('MNQ-hmm'))!.version).toBe(1);
    expect(await sql(`SELECT version FROM "${schema}".model_versions`)).toHaveLength(1);
  });

  it('gives concurrent publishers distinct consecutive versions', async () => {
    const schema = schemas.next();
    const a = await open(schema, 'a');
    const b = await open(schema, 'b');

    const results = await Promise.all([...Array(6).keys()].map((i) => (i % 2 ? a : b).publish('MNQ-hmm', `body ${i}`, { fencingToken: 5 })));

    expect(results.map((r) => (r.ok ? r.version : 0)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await a.fetchCurrent('MNQ-hmm'))!.version).toBe(6);
  });

  it('reconnects a dropped LISTEN connection and reports a version published while it was down', async () => {
    const schema = schemas.next();
    const publisher = await open(schema, 'publisher');
    const subscriber = await open(schema, 'subscriber');
    const heard: ModelVersionNotice[] = [];
    await subscriber.subscribe((n) => void heard.push(n));
    const listeners = await sql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'txbot-model-listener' AND query LIKE $1`,
      [`%"${schema}".model_current%`],
    );
    expect(listeners).toHaveLength(1);

    await sql('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [listeners.map((l) => l.pid)]);
    await publisher.publish('MNQ-hmm', MODEL, { fencingToken: 2 });
    await waitFor(() => heard.length > 0, 'the version after reconnection', 5_000);
    await publisher.publish('MNQ-hmm', `${MODEL}\n`, { fencingToken: 2 });
    await waitFor(() => heard.length > 1, 'a notice on the new connection', 5_000);
    await delay(200);

    expect(heard.map((n) => n.version)).toEqual([1, 2]);
  });
});
