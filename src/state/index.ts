// Public surface of the state module: the journal interface, its records and its three backends.

export type { Journal, JournalKind } from './journal.ts';
export * from './types.ts';
export { JournalError, type JournalErrorCode } from './journalError.ts';
export { nextIntentStatus, isOpenIntent, type IntentEvent } from './intentLifecycle.ts';
export { summarizeDay, tradingDateOfTrade } from './journalRecords.ts';
export { MemoryJournal } from './memoryJournal.ts';
export { SqliteJournal, type SqliteJournalOptions } from './sqliteJournal.ts';
export { PostgresJournal, describePostgresTarget, type PostgresJournalOptions } from './postgresJournal.ts';
export { openJournal, sqliteJournalPath, type OpenJournalOptions } from './openJournal.ts';
export { lastTrainingTimeMs, setLastTrainingTimeMs } from './meta.ts';
export { DecisionBuffer, type DecisionBufferOptions } from './decisionBuffer.ts';
export { LocalModelStore, NODE_STORE_FS, type StoreFs, type LocalModelStoreOptions } from './localModelStore.ts';
export { loadModelFile } from './modelFiles.ts';
// Shared (multi-machine) state: leader lease and elector, fenced risk state, kill switch, model sync.
export * from './shared/index.ts';
