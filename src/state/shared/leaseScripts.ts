// The leader lease's Redis key layout and its Lua scripts (acquire with fencing token and restart
// quarantine, compare-and-set renew and release, standby heartbeat); see leaderLease.ts for the reasoning.

import { LUA_NOW, luaRunId, RedisScript } from './redisScript.ts';

/** Every key of one lease, all under `keyPrefix`. */
export interface LeaseKeys {
  /** The lease itself: the holder's unique value, with PX ttl. */
  readonly holder: string;
  /** Fencing token counter (INCR); never expires, only grows. */
  readonly token: string;
  /** run_id of the server that last wrote `token` (a different one means the counter may be stale). */
  readonly tokenRunId: string;
  /** run_id of the server this key space was last seen on; a mismatch starts a quarantine. */
  readonly boot: string;
  /** Present (PX ttl) while no lease may be granted after a restart or fail-over. */
  readonly quarantine: string;
  /** Hash: the holder's host, pid, machineId, memberId, token, acquiredAtMs, renewedAtMs, ttlMs, runId. */
  readonly meta: string;
  /** Hash: memberId → "<seenMs> <json info>" heartbeat of every standby. */
  readonly members: string;
}

/** Key names of the lease under `keyPrefix` (e.g. `txbot:leader`). */
export function leaseKeys(keyPrefix: string): LeaseKeys {
  return {
    holder: `${keyPrefix}:holder`,
    token: `${keyPrefix}:token`,
    tokenRunId: `${keyPrefix}:token_run_id`,
    boot: `${keyPrefix}:boot`,
    quarantine: `${keyPrefix}:quarantine`,
    meta: `${keyPrefix}:meta`,
    members: `${keyPrefix}:members`,
  };
}

/** KEYS holder, token, tokenRunId, boot, quarantine, meta, members. ARGV value, ttlMs, runId override, host, pid, machineId, memberId. */
export const ACQUIRE_SCRIPT = new RedisScript(
  'lease.acquire',
  `${luaRunId(3)}
local ttl = tonumber(ARGV[2])
if redis.call('GET', KEYS[4]) ~= run_id then
  redis.call('SET', KEYS[4], run_id)
  redis.call('SET', KEYS[5], run_id, 'PX', ttl)
  return {'QUARANTINED', ttl, run_id}
end
local q = redis.call('PTTL', KEYS[5])
if q > 0 then return {'QUARANTINED', q, run_id} end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ttl) then
  return {'HELD', redis.call('PTTL', KEYS[1]), run_id}
end
${LUA_NOW}
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last == 0 or redis.call('GET', KEYS[3]) ~= run_id then
  if last < now_us then redis.call('SET', KEYS[2], string.format('%d', now_us)) end
  redis.call('SET', KEYS[3], run_id)
end
local token = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[6])
redis.call('HSET', KEYS[6], 'value', ARGV[1], 'host', ARGV[4], 'pid', ARGV[5], 'machineId', ARGV[6], 'memberId', ARGV[7],
  'token', token, 'acquiredAtMs', now_ms, 'renewedAtMs', now_ms, 'ttlMs', ttl, 'runId', run_id)
redis.call('HDEL', KEYS[7], ARGV[7])
return {'GRANTED', token, run_id}`,
);

/** KEYS holder, meta. ARGV value, ttlMs, run_id seen at acquire, runId override. */
export const RENEW_SCRIPT = new RedisScript(
  'lease.renew',
  `${luaRunId(4)}
if run_id ~= ARGV[3] then return {'RESTARTED', 0, run_id} end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'NOT_HOLDER', redis.call('PTTL', KEYS[1]), run_id} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
${LUA_NOW}
redis.call('HSET', KEYS[2], 'renewedAtMs', now_ms)
return {'RENEWED', tonumber(ARGV[2]), run_id}`,
);

/** KEYS holder, meta. ARGV value. 1 when this holder's lease was deleted, 0 when it was not the holder. */
export const RELEASE_SCRIPT = new RedisScript(
  'lease.release',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('HGET', KEYS[2], 'value') == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`,
);

/** KEYS members. ARGV memberId, info JSON, pruneMs. Records "<now_ms> <json>", drops entries older than pruneMs. */
export const HEARTBEAT_SCRIPT = new RedisScript(
  'lease.heartbeat',
  `${LUA_NOW}
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now_ms) .. ' ' .. ARGV[2])
local prune = tonumber(ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local seen = tonumber(string.match(all[i + 1], '^(%d+)'))
  if seen == nil or now_ms - seen > prune then redis.call('HDEL', KEYS[1], all[i]) end
end
return now_ms`,
);
