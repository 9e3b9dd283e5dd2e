// The wiring factory: journal.kind picks the backend; relative SQLite paths resolve against the config folder.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import { openJournal, sqliteJournalPath } from '../../src/state/index.ts';
import { errorCode } from './journalFixtures.ts';
import { PG_TEST_URL, schemaPool, SKIP_PG } from './postgresSupport.ts';

type JournalConfig = Config['journal'];
const dir = mkdtempSync(join(tmpdir(), 'txbot-open-journal-'));
const schemas = schemaPool('txbot_open');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const config = (over: Partial<JournalConfig>): JournalConfig => ({ kind: 'sqlite', sqlite_path: 'state/journal.db', postgres_url: null, ...over });

describe('openJournal', () => {
  it('opens a MemoryJournal for kind memory', async () => {
    const j = await openJournal(config({ kind: 'memory' }), { baseDir: dir });
    expect(j.kind).toBe('memory');
    await j.close();
  });

  it('creates the SQLite file at sqlite_path relative to baseDir', async () => {
    const j = await openJournal(config({}), { baseDir: dir });
    expect(j.kind).toBe('sqlite');
    await j.close();
    expect(sqliteJournalPath(config({}), dir)).toBe(join(dir, 'state', 'journal.db'));
    expect(existsSync(join(dir, 'state', 'journal.db'))).toBe(true);
  });

  it('keeps an absolute sqlite_path as given and refuses a missing file when it must exist', async () => {
    const absent = join(dir, 'absent', 'journal.db');
    expect(sqliteJournalPath(config({ sqlite_path: absent }), '/elsewhere')).toBe(absent);
    expect(await errorCode(openJournal(config({ sqlite_path: absent }), { baseDir: dir, mustExist: true }))).toBe('JOURNAL_NOT_FOUND');
    expect(existsSync(absent)).toBe(false);
  });

  it('requires postgres_url for kind postgres', async () => {
    expect(await errorCode(openJournal(config({ kind: 'postgres' }), { baseDir: dir }))).toBe('JOURNAL_UNAVAILABLE');
  });

  it.skipIf(SKIP_PG)('connects to PostgreSQL for kind postgres', async () => {
    const j = await openJournal(config({ kind: 'postgres', postgres_url: PG_TEST_URL }), { baseDir: dir, postgresSchema: schemas.next() });
    expect(j.kind).toBe('postgres');
    await j.close();
  });
});
