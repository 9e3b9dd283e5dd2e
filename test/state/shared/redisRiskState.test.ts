// Fenced shared risk state against the real Redis: token-ordered writes, atomic rejection, fencing by
// the lease's issued token, reads from another connection, and the kill switch (pub/sub and poll).

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FencedStateStore, killKeys, LeaderLease, RedisRiskState, type KillRequest } from '../../../src/state/shared/index.ts';
import { delay, markKeySpaceBooted, redisTestSpace, requireRedis, waitFor } from './support/redisSupport.ts';

const space = redisTestSpace('risk');
afterAll(() => space.cleanup());

describe('FencedStateStore', () => {
  let redis: Redis;
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
  });

  it('accepts writes with the highest token seen so far and refuses a lower one with a typed result', async () => {
    const store = new FencedStateStore({ redis, keyPrefix: space.prefix() });

    expect(await store.write(5, [{ op: 'set', field: 'x', value: 'five' }])).toEqual({ ok: true, token: 5 });
    expect(await store.write(5, [{ op: 'set', field: 'y', value: 'again five' }])).toEqual({ ok: true, token: 5 });
    expect(await store.write(7, [{ op: 'set', field: 'x', value: 'seven' }])).toEqual({ ok: true, token: 7 });
    const stale = await store.write(6, [{ op: 'set', field: 'x', value: 'six' }]);

    expect(stale).toMatchObject({ ok: false, code: 'FENCED_WRITE_REJECTED', token: 6, highestToken: 7 });
    expect(stale.ok === false && stale.detail).toContain('token 7 is newer');
    expect(await store.readAll()).toEqual({ x: 'seven', y: 'again five' });
    expect(await store.highestToken()).toBe(7);
  });

  it('applies all ops of a write or none of them', async () => {
    const store = new FencedStateStore({ redis, keyPrefix: space.prefix() });
    await store.write(3, [
      { op: 'set', field: 'a', value: '1' },
      { op: 'set', field: 'b', value: '2' },
    ]);

    const refused = await store.write(2, [
      { op: 'del', field: 'a' },
      { op: 'set', field: 'c', value: '3' },
    ]);
    await store.write(3, [
      { op: 'del', field: 'b' },
      { op: 'set', field: 'd', value: '4' },
    ]);

    expect(refused.ok).toBe(false);
    expect(await store.readAll()).toEqual({ a: '1', d: '4' });
  });

  it("refuses a deposed leader's write as soon as a higher token is issued, before the successor writes anything", async () => {
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, keyPrefix);
    const holder = (n: string) => ({ host: 'h', pid: 1, machineId: n, memberId: n });
    const old = new LeaderLease({ redis, keyPrefix, holder: holder('old'), ttlMs: 200, marginMs: 50 });
    const successor = new LeaderLease({ redis, keyPrefix, holder: holder('new'), ttlMs: 5_000 });
    const store = new FencedStateStore({ redis, keyPrefix: `${keyPrefix}:state`, leaseTokenKey: old.keys.token });
    await old.acquire();
    expect((await store.write(old.token!, [{ op: 'set', field: 'f', value: 'old' }])).ok).toBe(true);
    await delay(250);
    await successor.acquire();

    const late = await store.write(old.token!, [{ op: 'set', field: 'f', value: 'late' }]);

    expect(late).toMatchObject({ ok: false, highestToken: successor.token });
    expect(await store.read('f')).toBe('old');
    expect((await store.write(successor.token!, [{ op: 'set', field: 'f', value: 'new' }])).ok).toBe(true);
  });

  it('rejects a token that is not a positive integer before reaching Redis', async () => {
    const store = new FencedStateStore({ redis, keyPrefix: space.prefix() });
    await expect(store.write(0, [])).rejects.toThrow(/positive integer \(got 0\)/);
    await expect(store.write(1.5, [])).rejects.toThrow(/positive integer/);
  });
});

describe('RedisRiskState', () => {
  let redis: Redis;
  let other: Redis;
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
    other = space.client();
  });

  it('stores daily P&L, positions, regimes and the halt flag, readable from another connection', async () => {
    const keyPrefix = space.prefix();
    const writer = new RedisRiskState({ redis, keyPrefix });
    const reader = new RedisRiskState({ redis: other, keyPrefix });

    const result = await writer.apply(11, [
      { kind: 'dailyPnl', value: { tradingDate: '2026-01-05', pnlUsd: -412.5 } },
      { kind: 'position', symbol: 'MNQ', value: { qty: -2, avgPrice: 21012.25 } },
      { kind: 'position', symbol: 'MES', value: { qty: 1, avgPrice: 6010.5 } },
      { kind: 'regime', symbol: 'MNQ', value: { regime: 'BEAR', confidence: 0.71, barTsMs: 1_767_625_800_000 } },
      { kind: 'halt', value: { halted: false, reason: '' } },
    ]);
    await writer.setPosition(11, 'MES', { qty: 0, avgPrice: 0 });
    const snap = await reader.snapshot();

    expect(result.ok).toBe(true);
    expect(snap).toEqual({
      dailyPnl: { tradingDate: '2026-01-05', pnlUsd: -412.5 },
      positions: { MNQ: { qty: -2, avgPrice: 21012.25 } },
      regimes: { MNQ: { regime: 'BEAR', confidence: 0.71, barTsMs: 1_767_625_800_000 } },
      halt: { halted: false, reason: '' },
      pendingKill: null,
      killAcknowledgedId: null,
      highestToken: 11,
    });
  });

  it('refuses a stale token for every kind of update and keeps the newer state', async () => {
    const risk = new RedisRiskState({ redis, keyPrefix: space.prefix() });
    await risk.setHalt(20, { halted: true, reason: 'DAILY_LOSS_LIMIT' });

    const results = await Promise.all([
      risk.setDailyPnl(19, { tradingDate: '2026-01-05', pnlUsd: 100 }),
      risk.setPosition(19, 'MNQ', { qty: 1, avgPrice: 1 }),
      risk.setRegime(19, 'MNQ', { regime: 'BULL', confidence: 0.9, barTsMs: 1 }),
      risk.setHalt(19, { halted: false, reason: 'stale' }),
      risk.acknowledgeKill(19, 'k'),
    ]);

    expect(results.every((r) => !r.ok && r.code === 'FENCED_WRITE_REJECTED' && r.highestToken === 20)).toBe(true);
    const snap = await risk.snapshot();
    expect(snap.halt).toEqual({ halted: true, reason: 'DAILY_LOSS_LIMIT' });
    expect(snap.positions).toEqual({});
    expect(snap.dailyPnl).toBeNull();
  });

  it('validates updates before writing', async () => {
    const risk = new RedisRiskState({ redis, keyPrefix: space.prefix() });
    await expect(risk.setPosition(1, 'MN Q', { qty: 1, avgPrice: 1 })).rejects.toThrow(/symbol "MN Q"/);
    await expect(risk.setPosition(1, 'MNQ', { qty: 1.5, avgPrice: 1 })).rejects.toThrow(/qty must be an integer/);
    await expect(risk.setDailyPnl(1, { tradingDate: '5/1/2026', pnlUsd: 1 })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(risk.setRegime(1, 'MNQ', { regime: 'MOON' as never, confidence: 1, barTsMs: 1 })).rejects.toThrow(/unknown regime "MOON"/);
    await expect(risk.setDailyPnl(1, { tradingDate: '2026-01-05', pnlUsd: NaN })).rejects.toThrow(/finite/);
  });

  it('delivers a kill request written on another connection through pub/sub, once, then skips it after acknowledgement', async () => {
    const keyPrefix = space.prefix();
    const leaderSide = new RedisRiskState({ redis, keyPrefix });
    const otherMachine = new RedisRiskState({ redis: other, keyPrefix });
    const heard: KillRequest[] = [];
    const watch = await leaderSide.watchKill((r) => void heard.push(r), { pollMs: 60_000 });
    try {
      const t0 = performance.now();
      const sent = await otherMachine.requestKill('operator: flatten now', { host: 'ops-laptop', pid: 42, machineId: 'ops' });
      await waitFor(() => heard.length > 0, 'the kill notification', 2_000);

      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(heard[0]).toEqual(sent);
      expect(sent.requestedBy).toEqual({ host: 'ops-laptop', pid: 42, machineId: 'ops' });
      expect(sent.requestedAtMs).toBeGreaterThan(1_700_000_000_000);
      expect((await otherMachine.snapshot()).pendingKill).toEqual(sent);
      expect((await leaderSide.acknowledgeKill(3, sent.id)).ok).toBe(true);
    } finally {
      await watch.stop();
    }
    const again: KillRequest[] = [];
    const later = await leaderSide.watchKill((r) => void again.push(r), { pollMs: 50 });
    await delay(200);
    await later.stop();

    expect(heard).toHaveLength(1);
    expect(again).toHaveLength(0);
    expect((await otherMachine.snapshot()).pendingKill).toBeNull();
  });

  it('finds a kill request whose notification was lost by polling the key', async () => {
    const keyPrefix = space.prefix();
    const risk = new RedisRiskState({ redis, keyPrefix });
    const heard: KillRequest[] = [];
    const watch = await risk.watchKill((r) => void heard.push(r), { pollMs: 100 });
    try {
      const request = {
        id: 'lostnotice',
        reason: 'written without PUBLISH',
        requestedBy: { host: 'h', pid: 1, machineId: 'm' },
        requestedAtMs: 1_767_625_800_000,
      };
      await other.set(killKeys(keyPrefix).request, JSON.stringify(request)); // no PUBLISH: only the poll can find it
      await waitFor(() => heard.length > 0, 'the poll to find the request', 2_000);
      await delay(300);

      expect(heard).toEqual([request]);
    } finally {
      await watch.stop();
    }
  });

  it('reports a kill request pending since before the watch started', async () => {
    const keyPrefix = space.prefix();
    const risk = new RedisRiskState({ redis, keyPrefix });
    const sent = await risk.requestKill('requested while no leader ran');
    const heard: KillRequest[] = [];

    const watch = await risk.watchKill((r) => void heard.push(r), { pollMs: 60_000 });
    await watch.stop();

    expect(heard).toEqual([sent]);
  });
});
