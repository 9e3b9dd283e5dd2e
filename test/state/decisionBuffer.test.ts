// DecisionBuffer: decisions reach the journal in order, in batches, and survive a failed flush.

import { describe, expect, it } from 'vitest';
import { DecisionBuffer, MemoryJournal, type DecisionRecord } from '../../src/state/index.ts';
import { decisionRecord } from './journalFixtures.ts';

describe('DecisionBuffer', () => {
  it('holds decisions until maxBuffered, then writes them as one batch in order', async () => {
    const journal = new MemoryJournal();
    const buffer = new DecisionBuffer(journal, { maxBuffered: 3 });
    await buffer.add(decisionRecord(0));
    await buffer.add(decisionRecord(1));
    expect([buffer.pending, (await journal.recentDecisions(10)).length]).toEqual([2, 0]);
    await buffer.add(decisionRecord(2));
    await buffer.add(decisionRecord(3));
    expect(buffer.pending).toBe(1);
    await buffer.flush();
    expect((await journal.recentDecisions(10)).map((d) => d.barTsMs)).toEqual([0, 1, 2, 3].map((n) => decisionRecord(n).barTsMs));
    expect(buffer.pending).toBe(0);
  });

  it('keeps a rejected batch buffered ahead of newer decisions and rethrows', async () => {
    const journal = new MemoryJournal();
    const batches: number[] = [];
    let fail = true;
    const flaky = Object.assign(Object.create(journal) as MemoryJournal, {
      async recordDecisions(ds: readonly DecisionRecord[]) {
        batches.push(ds.length);
        if (fail) throw new Error('disk full');
        return journal.recordDecisions(ds);
      },
    });
    const buffer = new DecisionBuffer(flaky, { maxBuffered: 2 });
    await buffer.add(decisionRecord(0));
    await expect(buffer.add(decisionRecord(1))).rejects.toThrow('disk full');
    await buffer.add(decisionRecord(2)).catch(() => undefined);
    fail = false;
    await buffer.flush();
    expect(batches).toEqual([2, 3, 3]);
    expect((await journal.recentDecisions(10)).map((d) => d.barTsMs)).toEqual([0, 1, 2].map((n) => decisionRecord(n).barTsMs));
  });
});
