// Test access to the PostgreSQL server: its URL, a reachability check that fails loudly (or skips
// when TXBOT_SKIP_PG=1), and unique per-run schemas dropped afterwards.

import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** Server the tests use: TXBOT_TEST_PG_URL, else the CI default (trust auth, database test). */
export const PG_TEST_URL = process.env.TXBOT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the PostgreSQL tests are deliberately skipped. */
export const SKIP_PG = process.env.TXBOT_SKIP_PG === '1';
export const SKIP_PG_REASON = 'TXBOT_SKIP_PG=1: PostgreSQL journal tests skipped on request';

/** Why the server cannot be used (a message naming the URL and the fix), or null when it answers. */
export async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return (
      `PostgreSQL is not reachable at ${PG_TEST_URL.replace(/:[^:@/]*@/, ':***@')} (${(e as Error).message || (e as { code?: string }).code}). ` +
      'Start it (CI does) or set TXBOT_SKIP_PG=1 to skip the PostgreSQL journal tests.'
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Throws a clear error when the server cannot be reached (CI starts it; a silent skip would hide that). */
export async function requirePostgres(): Promise<void> {
  const problem = await postgresProblem();
  if (problem) throw new Error(problem);
}

/** Hands out unique schema names for this run and drops them all in `dropAll`. */
export function schemaPool(prefix: string): { next(): string; dropAll(): Promise<void> } {
  const run = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const made: string[] = [];
  return {
    next() {
      const name = `${run}_${made.length + 1}`;
      made.push(name);
      return name;
    },
    async dropAll() {
      if (!made.length) return;
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      try {
        for (const s of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
