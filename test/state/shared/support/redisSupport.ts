// Test access to the shared Redis server: its URL, a loud reachability check, a unique key prefix per
// test with cleanup (never FLUSHALL: other suites use the server), and the time seams tests drive.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { leaseKeys } from '../../../../src/state/shared/leaseScripts.ts';
import type { MonotonicClock, TimerHandle, Timers } from '../../../../src/state/shared/monotonicClock.ts';

/** Server the tests use: TXBOT_TEST_REDIS_URL, else the CI default. */
export const REDIS_TEST_URL = process.env.TXBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Throws a clear error when Redis does not answer (CI starts it; a silent skip would hide that). */
export async function requireRedis(): Promise<void> {
  const r = new Redis(REDIS_TEST_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new Error(
      `Redis is not reachable at ${REDIS_TEST_URL} (${(e as Error).message}). Start it (.ci/run does) before running test/state/shared.`,
      { cause: e },
    );
  } finally {
    r.disconnect();
  }
}

/** Unique key prefixes for one test file, clients it opened, and `cleanup()` deleting every key under them. */
export function redisTestSpace(name: string): { prefix(): string; client(): Redis; cleanup(): Promise<void> } {
  const run = `txbot-test:${name}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const clients: Redis[] = [];
  let n = 0;
  return {
    prefix: () => `${run}:${++n}`,
    client() {
      const r = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
      r.on('error', () => undefined);
      clients.push(r);
      return r;
    },
    async cleanup() {
      const r = new Redis(REDIS_TEST_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await r.scan(cursor, 'MATCH', `${run}:*`, 'COUNT', 500);
          cursor = next;
          if (keys.length) await r.del(...keys);
        } while (cursor !== '0');
      } finally {
        r.disconnect();
        for (const c of clients.splice(0)) c.disconnect();
      }
    },
  };
}

/** The shared server's run_id (INFO server). */
export async function serverRunId(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /run_id:(\w+)/.exec(info)![1];
}

/**
 * Marks a fresh key space as already in use on this server (its `boot` key holds the run_id), so a test
 * that is not about the first-use quarantine does not wait one TTL before the first grant.
 */
export async function markKeySpaceBooted(redis: Redis, keyPrefix: string, runId?: string): Promise<void> {
  await redis.set(leaseKeys(keyPrefix).boot, runId ?? (await serverRunId(redis)));
}

/** A run_id provider whose value a test changes to simulate a Redis restart or fail-over. */
export class SimulatedRunId {
  private n = 0;
  current = `simrun${randomBytes(4).toString('hex')}x0`;
  readonly provider = (): string => this.current;
  restart(): string {
    this.current = this.current.replace(/x\d+$/, `x${++this.n}`);
    return this.current;
  }
}

/** A monotonic clock that moves only when told. */
export class ManualMonotonicClock implements MonotonicClock {
  constructor(private now = 1_000) {}
  nowMs(): number {
    return this.now;
  }
  advanceBy(ms: number): void {
    this.now += ms;
  }
}

interface HeldTimer {
  dueSeq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Real timers that can be frozen like a SIGSTOPped process: while paused, due callbacks are held and run
 * on `resume()` (overdue, in due order). The monotonic clock keeps running, as it does for a stopped process.
 */
export class PausableTimers implements Timers {
  private paused = false;
  private held: HeldTimer[] = [];
  private seq = 0;

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const entry: HeldTimer = { dueSeq: 0, fn, cancelled: false };
    const handle = setTimeout(
      () => {
        if (entry.cancelled) return;
        if (this.paused) {
          entry.dueSeq = this.seq++;
          this.held.push(entry);
        } else fn();
      },
      Math.max(0, delayMs),
    );
    return { handle, entry };
  }

  clearTimeout(h: TimerHandle): void {
    const { handle, entry } = h as { handle: NodeJS.Timeout; entry: HeldTimer };
    entry.cancelled = true;
    clearTimeout(handle);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const due = this.held.splice(0).sort((a, b) => a.dueSeq - b.dueSeq);
    for (const e of due) if (!e.cancelled) e.fn();
  }
}

/** Resolves once `cond()` is truthy, checking every `everyMs`; rejects after `timeoutMs` naming `what`. */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 10): Promise<NonNullable<T>> {
  const start = performance.now();
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves after `ms` of real time (tests of a real TTL cannot avoid it). */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
