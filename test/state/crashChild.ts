// Child process of the crash-durability test: journals intents, reports it on stdout, then idles
// until the parent SIGKILLs it. Usage: node --import tsx crashChild.ts sqlite <file> | postgres <url> <schema>

import { PostgresJournal, SqliteJournal, type Journal } from '../../src/state/index.ts';
import { intentInput } from './journalFixtures.ts';

/** Intents written before reporting. */
export const CRASH_INTENT_COUNT = 25;

async function main(): Promise<void> {
  const [kind, target, schema] = process.argv.slice(2);
  const journal: Journal =
    kind === 'postgres' ? await PostgresJournal.connect({ connectionString: target!, schema }) : await SqliteJournal.open(target!);
  for (let n = 1; n <= CRASH_INTENT_COUNT; n++) await journal.recordIntent(intentInput(n, { reason: `crash test ${n} ✓` }));
  process.stdout.write(`RECORDED ${CRASH_INTENT_COUNT}\n`);
  // Stay alive (journal open, nothing closed or flushed) until killed.
  setInterval(() => undefined, 60_000);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: unknown) => {
    process.stderr.write(`crashChild: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
