// Who leads and who stands by, readable from any machine: the holder's metadata hash and the standby
// heartbeats, with ages measured on the Redis server's clock (no cross-machine clock skew).

import type { Redis } from 'ioredis';
import { HEARTBEAT_SCRIPT, leaseKeys, type LeaseKeys } from './leaseScripts.ts';
import type { LeaseHolderInfo } from './leaderLease.ts';
import { SharedStateError } from './sharedStateError.ts';

/** The current leader as recorded at its acquisition. */
export interface LeaderInfo {
  readonly host: string;
  readonly pid: number;
  readonly machineId: string;
  readonly memberId: string;
  readonly token: number;
  /** Server ms since the last renewal (TTL − remaining time to live). */
  readonly leaseAgeMs: number;
  /** Server wall ms (UTC epoch) of the acquisition. */
  readonly acquiredAtMs: number;
}

/** A standby's last heartbeat. */
export interface StandbyInfo {
  readonly host: string;
  readonly pid: number;
  readonly machineId: string;
  readonly memberId: string;
  /** Server ms since its last heartbeat. */
  readonly lastSeenAgeMs: number;
}

/** `status()`: the leader (null when nobody holds the lease) and the live standbys. */
export interface LeaderStatus {
  readonly leader: LeaderInfo | null;
  readonly standbys: readonly StandbyInfo[];
}

/** Writes this standby's heartbeat and drops heartbeats older than `pruneAfterMs`. */
export async function writeHeartbeat(redis: Redis, keys: LeaseKeys, holder: LeaseHolderInfo, pruneAfterMs: number): Promise<void> {
  const info = JSON.stringify({ host: holder.host, pid: holder.pid, machineId: holder.machineId });
  await HEARTBEAT_SCRIPT.run(redis, [keys.members], [holder.memberId, info, Math.round(pruneAfterMs)]);
}

/** Removes a member's heartbeat (an elector that stops). */
export async function removeHeartbeat(redis: Redis, keys: LeaseKeys, memberId: string): Promise<void> {
  await redis.hdel(keys.members, memberId);
}

/**
 * Reads the lease's status in one MULTI. Standbys whose last heartbeat is older than `staleAfterMs`
 * (default 5 000 ms) are left out, and so is the leader's own entry.
 */
export async function readLeaderStatus(redis: Redis, keyPrefix: string, options: { staleAfterMs?: number } = {}): Promise<LeaderStatus> {
  const keys = leaseKeys(keyPrefix);
  const staleAfterMs = options.staleAfterMs ?? 5_000;
  const replies = await redis.multi().time().get(keys.holder).pttl(keys.holder).hgetall(keys.meta).hgetall(keys.members).exec();
  if (!replies) throw new SharedStateError('REDIS_REPLY_UNEXPECTED', `lease ${keyPrefix}: status transaction was aborted`);
  for (const [err] of replies) if (err) throw err;
  const [time, holderValue, pttlMs, meta, members] = replies.map(([, v]) => v) as [
    [string, string],
    string | null,
    number,
    Record<string, string>,
    Record<string, string>,
  ];
  const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const leader =
    holderValue !== null && meta.value === holderValue
      ? {
          host: meta.host,
          pid: Number(meta.pid),
          machineId: meta.machineId,
          memberId: meta.memberId,
          token: Number(meta.token),
          leaseAgeMs: pttlMs >= 0 ? Math.max(0, Number(meta.ttlMs) - pttlMs) : nowMs - Number(meta.renewedAtMs),
          acquiredAtMs: Number(meta.acquiredAtMs),
        }
      : null;
  const standbys: StandbyInfo[] = [];
  for (const [memberId, entry] of Object.entries(members)) {
    const space = entry.indexOf(' ');
    const seenMs = Number(entry.slice(0, space));
    if (memberId === leader?.memberId || !(nowMs - seenMs <= staleAfterMs)) continue;
    const info = parseInfo(entry.slice(space + 1));
    if (info) standbys.push({ ...info, memberId, lastSeenAgeMs: Math.max(0, nowMs - seenMs) });
  }
  standbys.sort((a, b) => a.memberId.localeCompare(b.memberId));
  return { leader, standbys };
}

function parseInfo(json: string): { host: string; pid: number; machineId: string } | null {
  try {
    const v = JSON.parse(json) as { host?: unknown; pid?: unknown; machineId?: unknown };
    if (typeof v.host !== 'string' || typeof v.pid !== 'number' || typeof v.machineId !== 'string') return null;
    return { host: v.host, pid: v.pid, machineId: v.machineId };
  } catch {
    return null;
  }
}
