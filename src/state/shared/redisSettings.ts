// Start-up check of the Redis settings the lease and the shared state rely on: persistence
// (appendonly) and a maxmemory policy that never evicts keys. CONFIG may be disabled or denied.

import type { Redis } from 'ioredis';

/** Stable codes of the settings warnings. */
export type RedisSettingCode = 'APPENDONLY_OFF' | 'EVICTION_POLICY' | 'CONFIG_UNAVAILABLE';

/** One warning: a code and a message naming the setting, its value and the consequence. */
export interface RedisSettingWarning {
  readonly code: RedisSettingCode;
  readonly message: string;
}

/** What CONFIG GET returned (null when unreadable) and the warnings drawn from it. */
export interface RedisSettingsReport {
  readonly appendonly: string | null;
  readonly maxmemoryPolicy: string | null;
  readonly warnings: readonly RedisSettingWarning[];
}

/** Warnings for the given values (null = could not be read). */
export function redisSettingWarnings(appendonly: string | null, maxmemoryPolicy: string | null): RedisSettingWarning[] {
  const warnings: RedisSettingWarning[] = [];
  if (appendonly !== null && appendonly !== 'yes')
    warnings.push({
      code: 'APPENDONLY_OFF',
      message: `redis appendonly is ${appendonly}: a restart loses or rolls back the shared risk state (positions, daily P&L, halt) and the lease (kept safe by the restart quarantine, at the cost of one TTL without a leader). Set appendonly yes`,
    });
  // Every policy but noeviction may drop keys; volatile-* ones drop exactly the keys with a TTL, the lease among them.
  if (maxmemoryPolicy !== null && maxmemoryPolicy !== 'noeviction')
    warnings.push({
      code: 'EVICTION_POLICY',
      message: `redis maxmemory-policy is ${maxmemoryPolicy}: under memory pressure Redis may evict the lease or the shared risk state. Set maxmemory-policy noeviction`,
    });
  return warnings;
}

/** Reads appendonly and maxmemory-policy; a disabled or denied CONFIG gives a CONFIG_UNAVAILABLE warning, not an error. */
export async function checkRedisSettings(redis: Redis): Promise<RedisSettingsReport> {
  const read = async (name: string): Promise<string | null | Error> => {
    try {
      const reply = (await redis.call('CONFIG', 'GET', name)) as unknown;
      return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  };
  const appendonly = await read('appendonly');
  const policy = await read('maxmemory-policy');
  const failure = [appendonly, policy].find((v): v is Error => v instanceof Error);
  const values = [appendonly, policy].map((v) => (typeof v === 'string' ? v : null)) as [string | null, string | null];
  const warnings = redisSettingWarnings(...values);
  if (failure)
    warnings.push({
      code: 'CONFIG_UNAVAILABLE',
      message: `redis CONFIG GET failed (${failure.message}): appendonly and maxmemory-policy not checked; make sure they are yes and noeviction`,
    });
  return { appendonly: values[0], maxmemoryPolicy: values[1], warnings };
}
