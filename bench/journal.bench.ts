// Journal write throughput: durable intents and per-bar decisions (one by one and batched) for the
// memory, SQLite and PostgreSQL backends. Run: npx tsx bench/journal.bench.ts
// Env: TXBOT_BENCH_DIR (SQLite folder; default .txbot/bench-journal, on the disk the live journal
// uses), TXBOT_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test), TXBOT_SKIP_PG=1.

import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  DecisionBuffer,
  MemoryJournal,
  PostgresJournal,
  SqliteJournal,
  type DecisionRecord,
  type IntentInput,
  type Journal,
} from '../src/state/index.ts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const benchDir = process.env.TXBOT_BENCH_DIR ?? join(repoRoot, '.txbot', 'bench-journal');
const pgUrl = process.env.TXBOT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);

function intent(n: number): IntentInput {
  return {
    intentId: `bench-${n}`,
    customTag: `txbot-bench-${n}`,
    symbol: 'MNQ',
    side: n % 2 ? 'buy' : 'sell',
    qty: 1,
    entryType: 'limit',
    entryPrice: 21000.25,
    stopPrice: 20980.5,
    targetPrice: 21040.75,
    regime: 'BULL',
    reason: 'PULLBACK_TO_VWAP',
    createdTsMs: T0 + n,
  };
}

function decision(n: number): DecisionRecord {
  return {
    barTsMs: T0 + n * 60_000,
    symbol: 'MNQ',
    regime: 'NEUTRAL',
    confidence: 0.62,
    probs: [0.05, 0.1, 0.62, 0.13, 0.1],
    decisionCode: 'NO_SIGNAL_INSIDE_BANDS',
    decisionReason: 'close inside the bands',
  };
}

/** Runs `fn(i)` for i in [0, n) sequentially (each awaited) and returns operations per second. */
async function rate(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return n / ((performance.now() - start) / 1000);
}

interface Sizes {
  intents: number;
  decisions: number;
  batches: number;
  batchSize: number;
}

async function measure(name: string, journal: Journal, sizes: Sizes): Promise<void> {
  const intents = await rate(sizes.intents, (i) => journal.recordIntent(intent(i)));
  const single = await rate(sizes.decisions, (i) => journal.recordDecision(decision(i)));
  const batched =
    (await rate(sizes.batches, (b) =>
      journal.recordDecisions(Array.from({ length: sizes.batchSize }, (_, k) => decision(b * sizes.batchSize + k))),
    )) * sizes.batchSize;
  const buffer = new DecisionBuffer(journal);
  const buffered = await rate(sizes.decisions * 10, (i) => buffer.add(decision(i)));
  await buffer.flush();
  await journal.close();
  const f = (v: number) => Math.round(v).toLocaleString('en-US').padStart(10);
  process.stdout.write(
    `${name.padEnd(9)} intents/s ${f(intents)}  decisions/s: one per call ${f(single)}  DecisionBuffer(60) ${f(buffered)}  batch of ${sizes.batchSize} ${f(batched)}\n`,
  );
}

async function postgresUp(): Promise<boolean> {
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  process.stdout.write(`journal write throughput (sequential awaited calls; SQLite in ${benchDir})\n`);
  await measure('memory', new MemoryJournal(), { intents: 100_000, decisions: 100_000, batches: 200, batchSize: 1000 });

  rmSync(benchDir, { recursive: true, force: true });
  mkdirSync(benchDir, { recursive: true });
  await measure('sqlite', await SqliteJournal.open(join(benchDir, 'journal.db')), { intents: 2000, decisions: 2000, batches: 100, batchSize: 1000 });
  rmSync(benchDir, { recursive: true, force: true });

  if (process.env.TXBOT_SKIP_PG === '1' || !(await postgresUp())) {
    process.stdout.write('postgres   skipped (TXBOT_SKIP_PG=1 or server not reachable)\n');
    return;
  }
  const schema = `txbot_bench_${process.pid}`;
  try {
    await measure('postgres', await PostgresJournal.connect({ connectionString: pgUrl, schema }), {
      intents: 2000,
      decisions: 2000,
      batches: 50,
      batchSize: 1000,
    });
  } finally {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

await main();
