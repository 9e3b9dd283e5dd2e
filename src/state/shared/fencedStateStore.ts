// A Redis hash whose every write carries the writer's fencing token: one Lua script applies the write
// only if no higher token was seen for the key space (nor issued by the lease), so a deposed leader's
// late write is refused with a typed rejection instead of overwriting its successor's state.

import type { Redis } from 'ioredis';
import { RedisScript, replyArray, replyNumber } from './redisScript.ts';
import { SharedStateError } from './sharedStateError.ts';

/** One field operation of a fenced write. */
export type FencedOp = { readonly op: 'set'; readonly field: string; readonly value: string } | { readonly op: 'del'; readonly field: string };

/** A fenced write's outcome. A rejection means "you are no longer the leader": stop acting. */
export type FencedWriteResult =
  | { readonly ok: true; readonly token: number }
  | { readonly ok: false; readonly code: 'FENCED_WRITE_REJECTED'; readonly token: number; readonly highestToken: number; readonly detail: string };

/** Options of a FencedStateStore. */
export interface FencedStateStoreOptions {
  readonly redis: Redis;
  /** Prefix of the store's keys, e.g. `txbot:risk:<account>`. */
  readonly keyPrefix: string;
  /**
   * The lease's token counter key (LeaderLease.keys.token). When given, a write is also refused when a
   * higher token has been *issued*, so a deposed leader is fenced off before its successor writes.
   */
  readonly leaseTokenKey?: string;
}

/** KEYS high, data[, lease token]. ARGV token, then (op, field, value) triples. {1, token} or {0, highest}. */
const FENCED_WRITE_SCRIPT = new RedisScript(
  'fenced.write',
  `local token = tonumber(ARGV[1])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
local high = stored
if #KEYS >= 3 then
  local issued = tonumber(redis.call('GET', KEYS[3]) or '0')
  if issued > high then high = issued end
end
if token < high then return {0, high} end
if token > stored then redis.call('SET', KEYS[1], ARGV[1]) end
for i = 2, #ARGV, 3 do
  if ARGV[i] == 'set' then redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
  elseif ARGV[i] == 'del' then redis.call('HDEL', KEYS[2], ARGV[i + 1])
  else return redis.error_reply('fenced.write: unknown op ' .. ARGV[i]) end
end
return {1, token}`,
);

/** Fenced writes and plain reads of one key space; reads work from any machine. */
export class FencedStateStore {
  readonly keys: { readonly data: string; readonly highestToken: string };
  private readonly redis: Redis;
  private readonly leaseTokenKey?: string;

  constructor(options: FencedStateStoreOptions) {
    this.redis = options.redis;
    this.keys = { data: `${options.keyPrefix}:data`, highestToken: `${options.keyPrefix}:fence` };
    this.leaseTokenKey = options.leaseTokenKey;
  }

  /** Applies every op atomically if `token` is not below the highest token seen; otherwise changes nothing. */
  async write(token: number, ops: readonly FencedOp[]): Promise<FencedWriteResult> {
    if (!Number.isSafeInteger(token) || token <= 0)
      throw new SharedStateError('INVALID_STATE_OPTION', `fenced write to ${this.keys.data}: token must be a positive integer (got ${token})`);
    const args: (string | number)[] = [String(token)];
    for (const op of ops) args.push(op.op, op.field, op.op === 'set' ? op.value : '');
    const keys = this.leaseTokenKey ? [this.keys.highestToken, this.keys.data, this.leaseTokenKey] : [this.keys.highestToken, this.keys.data];
    const reply = replyArray(FENCED_WRITE_SCRIPT, await FENCED_WRITE_SCRIPT.run(this.redis, keys, args));
    if (replyNumber(FENCED_WRITE_SCRIPT, reply, 0) === 1) return { ok: true, token };
    const highestToken = replyNumber(FENCED_WRITE_SCRIPT, reply, 1);
    return {
      ok: false,
      code: 'FENCED_WRITE_REJECTED',
      token,
      highestToken,
      detail: `${this.keys.data}: write with fencing token ${token} refused, token ${highestToken} is newer (another machine leads)`,
    };
  }

  /** One field, or null. */
  read(field: string): Promise<string | null> {
    return this.redis.hget(this.keys.data, field);
  }

  /** Every field. */
  readAll(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.data);
  }

  /** Highest token that has written here (0 before the first write). */
  async highestToken(): Promise<number> {
    return Number((await this.redis.get(this.keys.highestToken)) ?? 0);
  }
}
