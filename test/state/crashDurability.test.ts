// Durability: a process that journals intents and is SIGKILLed right after the calls return leaves
// every intent readable on reopen (SQLite WAL + synchronous FULL; PostgreSQL commit).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntentStatus, PostgresJournal, SqliteJournal, type Journal } from '../../src/state/index.ts';
import { CRASH_INTENT_COUNT } from './crashChild.ts';
import { PG_TEST_URL, requirePostgres, schemaPool, SKIP_PG } from './postgresSupport.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** Runs crashChild with `args`, SIGKILLs it as soon as it reports, and resolves with the signal it died of. */
function runAndKill(args: string[]): Promise<NodeJS.Signals | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crashChild.ts'), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (stdout.includes('RECORDED')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!stdout.includes('RECORDED')) reject(new Error(`crashChild exited (code ${code}) before recording: ${stderr}`));
      else resolvePromise(signal);
    });
  });
}

async function expectAllIntents(journal: Journal): Promise<void> {
  const open = await journal.openIntents();
  expect(open).toHaveLength(CRASH_INTENT_COUNT);
  expect(open.every((i) => i.status === IntentStatus.INTENDED)).toBe(true);
  expect((await journal.intentByCustomTag(`txbot-${CRASH_INTENT_COUNT}`))?.reason).toBe(`crash test ${CRASH_INTENT_COUNT} ✓`);
  await journal.close();
}

describe('journal crash durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every SQLite intent whose recordIntent returned before a SIGKILL', async () => {
    const path = join(dir, 'journal.db');
    expect(await runAndKill(['sqlite', path])).toBe('SIGKILL');
    await expectAllIntents(await SqliteJournal.open(path, { mustExist: true }));
  });

  describe.skipIf(SKIP_PG)('postgres', () => {
    const schemas = schemaPool('txbot_crash');
    beforeAll(requirePostgres);
    afterAll(() => schemas.dropAll());

    it('keeps every PostgreSQL intent whose recordIntent returned before a SIGKILL', async () => {
      const schema = schemas.next();
      expect(await runAndKill(['postgres', PG_TEST_URL, schema])).toBe('SIGKILL');
      await expectAllIntents(await PostgresJournal.connect({ connectionString: PG_TEST_URL, schema }));
    });
  });
});
