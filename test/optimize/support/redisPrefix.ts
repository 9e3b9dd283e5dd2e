// A unique BullMQ key prefix per test on the shared Redis, and removal of exactly those keys afterwards (never FLUSHALL).

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TXBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh prefix such as "txbot-test-opt-3f9a1c2b". */
export function uniquePrefix(label = 'opt'): string {
  return `txbot-test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix:` (SCAN + UNLINK); returns how many were removed. */
export async function deletePrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
