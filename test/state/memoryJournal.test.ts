// Runs the Journal contract against MemoryJournal (the backtest journal).

import { describe } from 'vitest';
import { MemoryJournal } from '../../src/state/index.ts';
import { runJournalContract } from './journalContract.ts';

describe('MemoryJournal', () => {
  runJournalContract({ newJournal: async () => new MemoryJournal() });
});
