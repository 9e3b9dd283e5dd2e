// Runs the Journal contract against PostgresJournal on the real server, one fresh schema per test,
// all dropped afterwards. Fails (not skips) when the server is down, unless TXBOT_SKIP_PG=1.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePostgresTarget, IntentStatus, PostgresJournal } from '../../src/state/index.ts';
import { runJournalContract } from './journalContract.ts';
import { errorCode, intentInput } from './journalFixtures.ts';
import { PG_TEST_URL, postgresProblem, schemaPool, SKIP_PG, SKIP_PG_REASON } from './postgresSupport.ts';

const schemas = schemaPool('txbot_test');

describe.skipIf(SKIP_PG)('PostgresJournal', () => {
  // A down server fails every test with the reason (counted as failures, never as skips).
  let problem: string | null = null;
  beforeAll(async () => {
    problem = await postgresProblem();
  });
  afterAll(() => schemas.dropAll());

  it('reaches the PostgreSQL server', () => {
    expect(problem).toBeNull();
  });

  runJournalContract({
    newJournal: async () => {
      if (problem) throw new Error(problem);
      return PostgresJournal.connect({ connectionString: PG_TEST_URL, schema: schemas.next() });
    },
    propertyRuns: 15,
  });

  it('keeps everything across close and reconnect to the same schema', async () => {
    const schema = schemas.next();
    const first = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema });
    await first.recordIntent(intentInput(1));
    await first.markSent('intent-1', 5);
    await first.close();
    const second = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema });
    expect((await second.intent('intent-1'))?.status).toBe(IntentStatus.SENT);
    await second.close();
  });

  it('reconnects on the next call after the server dropped the connection, data intact', async () => {
    const applicationName = `txbot_test_drop_${process.pid}`;
    const j = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema: schemas.next(), applicationName });
    await j.recordIntent(intentInput(1));
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    const killed = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    await admin.end();
    expect(killed.rows).toEqual([{ ok: true }]);
    // The first call may learn of the drop itself (JOURNAL_UNAVAILABLE) or find it already noted and reconnect.
    const first = await j.intent('intent-1').catch((e: { code?: string }) => e.code);
    expect(first === 'JOURNAL_UNAVAILABLE' || (first as { intentId?: string } | null)?.intentId === 'intent-1').toBe(true);
    await j.recordIntent(intentInput(2));
    expect((await j.openIntents()).map((i) => i.intentId)).toEqual(['intent-1', 'intent-2']);
    await j.close();
  });

  it('stamps rows with the writer (machine id, fencing token) set by setWriter, also after a reconnection; NULL without one', async () => {
    const schema = schemas.next();
    const applicationName = `txbot_test_writer_${process.pid}`;
    const j = await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema, applicationName });
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    try {
      await j.recordIntent(intentInput(1));
      await j.setWriter({ machineId: 'office', fencingToken: 42 });
      await j.recordIntent(intentInput(2));
      await j.recordEvent({ tsMs: 1, level: 'info', component: 'test', message: 'as leader 42' });
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      // The first calls may learn of the drop themselves (JOURNAL_UNAVAILABLE); a later one reconnects.
      let stored = false;
      for (let i = 0; i < 5 && !stored; i++)
        stored = await j.recordIntent(intentInput(4)).then(
          () => true,
          () => false,
        );
      expect(stored).toBe(true);
      await j.setWriter(null);
      await j.recordIntent(intentInput(5));
      const rows = await admin.query<{ intent_id: string; machine_id: string | null; fencing_token: string | null }>(
        `SELECT intent_id, machine_id, fencing_token FROM "${schema}".intents ORDER BY seq`,
      );
      const by = new Map(rows.rows.map((r) => [r.intent_id, `${r.machine_id}:${r.fencing_token}`]));
      expect(by.get('intent-1')).toBe('null:null');
      expect(by.get('intent-2')).toBe('office:42');
      expect(by.get('intent-4')).toBe('office:42');
      expect(by.get('intent-5')).toBe('null:null');
      const ev = await admin.query(`SELECT machine_id, fencing_token FROM "${schema}".events`);
      expect(ev.rows).toEqual([{ machine_id: 'office', fencing_token: '42' }]);
    } finally {
      await admin.end();
      await j.close();
    }
  });

  it('raises JOURNAL_UNAVAILABLE, naming host and port but no password, when nothing listens', async () => {
    const p = PostgresJournal.connect({ connectionString: 'postgres://u:s3cret-pw@127.0.0.1:1/test', connectTimeoutMs: 2000 });
    expect(await errorCode(p)).toBe('JOURNAL_UNAVAILABLE');
    const message = await p.catch((e: Error) => e.message);
    expect(message).toContain('127.0.0.1:1/test');
    expect(message).not.toContain('s3cret-pw');
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    expect(await errorCode(PostgresJournal.connect({ connectionString: PG_TEST_URL, schema: 'x"; DROP SCHEMA public; --' }))).toBe('INVALID_RECORD');
  });

  it('describes a target without its password', () => {
    expect(describePostgresTarget('postgres://bob:pw@db.example:6543/trading', 'live')).toBe('postgres db.example:6543/trading schema live');
  });
});

describe.skipIf(!SKIP_PG)('PostgresJournal (skipped)', () => {
  it.skip(SKIP_PG_REASON, () => undefined);
});
