// A Lua script run by EVALSHA with a fallback to EVAL when the server does not know it yet (first use,
// after a restart or SCRIPT FLUSH); the script body is sent at most once per miss.

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SharedStateError } from './sharedStateError.ts';

/** A named Lua script. `run` returns the raw reply; callers parse it with the helpers below. */
export class RedisScript {
  readonly sha1: string;

  constructor(
    readonly name: string,
    readonly lua: string,
  ) {
    this.sha1 = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha1, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/** The reply as an array, or REDIS_REPLY_UNEXPECTED naming the script. */
export function replyArray(script: RedisScript, reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw unexpected(script, reply);
  return reply;
}

/** Element `i` of a reply as a finite number (integer replies arrive as numbers, bulk strings as text). */
export function replyNumber(script: RedisScript, reply: unknown[], i: number): number {
  const v = reply[i];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw unexpected(script, reply);
  return n;
}

/** Element `i` of a reply as a string. */
export function replyString(script: RedisScript, reply: unknown[], i: number): string {
  const v = reply[i];
  if (typeof v !== 'string') throw unexpected(script, reply);
  return v;
}

function unexpected(script: RedisScript, reply: unknown): SharedStateError {
  return new SharedStateError('REDIS_REPLY_UNEXPECTED', `redis script ${script.name}: unexpected reply ${JSON.stringify(reply)}`);
}

/**
 * Lua prelude that sets `run_id` to the server's run id (INFO server, read inside the script so it is
 * atomic with the script's writes) unless ARGV[`argIndex`] overrides it (tests simulating a restart).
 */
export function luaRunId(argIndex: number): string {
  return `local run_id = ARGV[${argIndex}]
if run_id == '' then
  run_id = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
end`;
}

/** Lua prelude that sets `now_ms` and `now_us` from the server's TIME (one clock for every machine). */
export const LUA_NOW = `local t = redis.call('TIME')
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now_ms = math.floor(now_us / 1000)`;
