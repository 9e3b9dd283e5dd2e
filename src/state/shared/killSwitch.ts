// The shared kill switch: any machine writes a kill request (key + pub/sub notification in one script);
// the leader hears it on the channel, with a poll of the key as the fallback for a lost notification.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../../log/index.ts';
import { systemTimers, type TimerHandle, type Timers } from './monotonicClock.ts';
import { LUA_NOW, RedisScript } from './redisScript.ts';
import { requirePositiveMs, SharedStateError } from './sharedStateError.ts';

/** A kill request as stored and published. */
export interface KillRequest {
  readonly id: string;
  readonly reason: string;
  readonly requestedBy: { readonly host: string; readonly pid: number; readonly machineId: string };
  /** Redis server wall ms (UTC epoch) of the request. */
  readonly requestedAtMs: number;
}

/** The request key and the notification channel under `keyPrefix`. */
export function killKeys(keyPrefix: string): { readonly request: string; readonly channel: string } {
  return { request: `${keyPrefix}:kill_request`, channel: `${keyPrefix}:kill_events` };
}

/** KEYS request. ARGV channel, request JSON without the time. Stores and publishes the request with the server time. */
const REQUEST_KILL_SCRIPT = new RedisScript(
  'kill.request',
  `${LUA_NOW}
local req = cjson.decode(ARGV[2])
req.requestedAtMs = now_ms
local text = cjson.encode(req)
redis.call('SET', KEYS[1], text)
redis.call('PUBLISH', ARGV[1], text)
return text`,
);

/** Writes a kill request (from any machine, no lease needed) and notifies the leader. */
export async function requestKill(redis: Redis, keyPrefix: string, reason: string, requestedBy?: KillRequest['requestedBy']): Promise<KillRequest> {
  if (reason.trim() === '') throw new SharedStateError('INVALID_STATE_OPTION', 'requestKill: the reason must not be empty');
  const by = requestedBy ?? { host: hostname(), pid: process.pid, machineId: process.env.TXBOT_MACHINE_ID || hostname() };
  const keys = killKeys(keyPrefix);
  const body = JSON.stringify({ id: randomBytes(8).toString('hex'), reason, requestedBy: by });
  const text = await REQUEST_KILL_SCRIPT.run(redis, [keys.request], [keys.channel, body]);
  return parseKillRequest(String(text), keys.request);
}

/** The stored kill request, or null. */
export async function readKillRequest(redis: Redis, keyPrefix: string): Promise<KillRequest | null> {
  const key = killKeys(keyPrefix).request;
  const text = await redis.get(key);
  return text === null ? null : parseKillRequest(text, key);
}

/** Parses a stored or published request; REDIS_REPLY_UNEXPECTED (naming `where`) when malformed. */
export function parseKillRequest(text: string, where: string): KillRequest {
  let v: Partial<KillRequest>;
  try {
    v = JSON.parse(text) as Partial<KillRequest>;
  } catch {
    v = {};
  }
  const by = v.requestedBy;
  if (typeof v.id !== 'string' || typeof v.reason !== 'string' || typeof v.requestedAtMs !== 'number' || typeof by?.host !== 'string')
    throw new SharedStateError('REDIS_REPLY_UNEXPECTED', `${where}: malformed kill request ${JSON.stringify(text.slice(0, 200))}`);
  return {
    id: v.id,
    reason: v.reason,
    requestedAtMs: v.requestedAtMs,
    requestedBy: { host: by.host, pid: Number(by.pid), machineId: String(by.machineId) },
  };
}

/** Options of `watchKillRequests`. */
export interface KillWatchOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Called once per request id not yet acknowledged; errors are logged. */
  readonly onKill: (request: KillRequest) => void | Promise<void>;
  /** Whether a request was already handled (e.g. acknowledged in the fenced state); default never. */
  readonly isAcknowledged?: (id: string) => boolean | Promise<boolean>;
  /** Poll period of the fallback; default 1 000 ms. */
  readonly pollMs?: number;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/** A running watch; `stop()` unsubscribes and ends the poll. */
export interface KillWatch {
  stop(): Promise<void>;
}

/** Subscribes to kill notifications, checks the stored request at once and then every `pollMs`. */
export async function watchKillRequests(options: KillWatchOptions): Promise<KillWatch> {
  const keys = killKeys(options.keyPrefix);
  const pollMs = requirePositiveMs('pollMs', options.pollMs ?? 1_000);
  const timers = options.timers ?? systemTimers;
  const log = (options.logger ?? silentLogger()).child({ component: 'kill-watch', keyPrefix: options.keyPrefix });
  let lastId: string | null = null;
  let stopped = false;
  let timer: TimerHandle | null = null;

  const consider = async (request: KillRequest | null, via: string): Promise<void> => {
    if (!request || stopped || request.id === lastId) return;
    lastId = request.id; // set before any await so the channel and the poll cannot both deliver it
    try {
      if (options.isAcknowledged && (await options.isAcknowledged(request.id))) return;
      log.warn({ id: request.id, reason: request.reason, requestedBy: request.requestedBy, via }, 'kill request received');
      await options.onKill(request);
    } catch (e) {
      log.error({ err: e, id: request.id }, 'the kill request handler threw');
    }
  };
  const poll = async (): Promise<void> => {
    try {
      await consider(await readKillRequest(options.redis, options.keyPrefix), 'poll');
    } catch (e) {
      log.warn({ err: e }, 'kill request poll failed');
    }
    if (!stopped) timer = timers.setTimeout(() => void poll(), pollMs);
  };

  const subscriber = options.redis.duplicate();
  subscriber.on('error', (e: unknown) => log.warn({ err: e }, 'kill subscriber connection error'));
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== keys.channel) return;
    let request: KillRequest;
    try {
      request = parseKillRequest(text, keys.channel);
    } catch (e) {
      return log.warn({ err: e }, 'ignoring a malformed kill notification');
    }
    void consider(request, 'pubsub');
  });
  try {
    await subscriber.subscribe(keys.channel);
  } catch (e) {
    subscriber.disconnect();
    throw e;
  }
  await poll();

  return {
    async stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
