// Runs the Journal contract against SqliteJournal (a fresh file per test in a temp folder), plus
// the SQLite-only facts: WAL + synchronous FULL, reopening keeps data, open errors are JournalErrors.

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntentStatus, SqliteJournal } from '../../src/state/index.ts';
import { runJournalContract } from './journalContract.ts';
import { errorCode, intentInput } from './journalFixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'txbot-journal-'));
let fileNo = 0;
const freshPath = () => join(dir, `journal-${++fileNo}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteJournal', () => {
  runJournalContract({ newJournal: () => SqliteJournal.open(freshPath()) });

  it('runs in WAL mode with synchronous = FULL', async () => {
    const j = await SqliteJournal.open(freshPath());
    expect(j.durabilitySettings()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    await j.close();
  });

  it('keeps everything across close and reopen, creating missing folders on first open', async () => {
    const path = join(dir, 'nested', 'deeper', 'journal.db');
    const first = await SqliteJournal.open(path);
    await first.recordIntent(intentInput(1));
    await first.markSent('intent-1', 5);
    await first.close();
    const second = await SqliteJournal.open(path, { mustExist: true });
    expect((await second.intent('intent-1'))?.status).toBe(IntentStatus.SENT);
    await second.close();
  });

  it('raises JOURNAL_NOT_FOUND for a missing file when it must exist', async () => {
    expect(await errorCode(SqliteJournal.open(join(dir, 'absent.db'), { mustExist: true }))).toBe('JOURNAL_NOT_FOUND');
  });

  it('raises JOURNAL_UNREADABLE for a file that is not a SQLite database', async () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'date,open,high,low,close\n'.repeat(200));
    expect(await errorCode(SqliteJournal.open(path, { mustExist: true }))).toBe('JOURNAL_UNREADABLE');
  });

  it('checkpoints its WAL in maintain() (off the order path), so the WAL is reused instead of growing', async () => {
    const walSizes = async (maintain: boolean): Promise<number[]> => {
      const path = freshPath();
      const j = await SqliteJournal.open(path);
      const sizes: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 150; i++)
          await j.recordEvent({ tsMs: round * 1000 + i, level: 'info', component: 'test', message: `event ${round}.${i}` });
        if (maintain) await j.maintain();
        sizes.push(statSync(`${path}-wal`).size);
      }
      await j.close();
      return sizes;
    };
    const kept = await walSizes(true);
    const grown = await walSizes(false);
    // After a checkpoint the next writes start the WAL over: it stays the size of one round.
    expect(kept[2]).toBe(kept[0]);
    // Without maintain() nothing checkpoints below the 10,000-page backstop: the WAL keeps growing.
    expect(grown[2]).toBeGreaterThan(2 * grown[0]!);
  });
});
