// The standby/leader cycle of a shared session on the real Redis and PostgreSQL, around a stand-in session:
// the session starts only once the lease is won, with an open order gate; the first leader publishes its
// model, a retrain swap is published with the leader's token (same sha256 in the store); a kill request
// from another client reaches the session and is acknowledged; a fenced write refused (a newer token was
// issued) stops the session with its brackets left and closes the gate; a leader that loses its lease writes
// its last state once more as it stands down: it lands while no newer token exists, and is refused (fenced,
// logged at warn) once another machine leads.

import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { validateConfig } from '../../src/config/index.ts';
import { createLogger, silentLogger } from '../../src/log/logger.ts';
import { regimeModelToJson, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import { leaseKeys, MemoryJournal, PgModelSync, requestKill } from '../../src/state/index.ts';
import { openSharedState, sharedKeyPrefixes, type SharedState } from '../../src/app/sharedState.ts';
import { SharedSessionRunner, type LeaderHooks } from '../../src/app/leaderSession.ts';
import type { LiveSession } from '../../src/app/liveSession.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { markKeySpaceBooted, REDIS_TEST_URL, redisTestSpace, requireRedis, waitFor } from '../state/shared/support/redisSupport.ts';
import { PG_TEST_URL, postgresProblem } from '../state/postgresSupport.ts';

const space = redisTestSpace('leadersession');
let redis: Redis;
let pgProblem: string | null;

beforeAll(async () => {
  await requireRedis();
  redis = space.client();
  pgProblem = await postgresProblem();
});
afterAll(() => space.cleanup());

/** A stand-in for the live session: records kills, stops and the retrain-swap listener. */
function fakeSession() {
  const calls: string[] = [];
  let halted = false;
  let dayPnlUsd = -12.5;
  let retrainListener: ((m: RegimeModel) => void) | null = null;
  const session = {
    runner: {
      get halted() {
        return halted;
      },
      kill: (reason: string) => {
        calls.push(`kill ${reason}`);
        halted = true;
        return Promise.resolve();
      },
      restoreKill: (reason: string) => {
        calls.push(`restoreKill ${reason}`);
        halted = true;
        return Promise.resolve();
      },
      status: () => ({ tsMs: Date.parse('2024-05-31T15:00:00Z'), halted, regime: 'BULL', confidence: 0.8, dayPnlUsd }),
    },
    broker: { position: null },
    clock: { nowMs: () => Date.parse('2024-05-31T15:00:00Z') },
    regime: {
      onRetrainSwap: (l: (m: RegimeModel) => void) => {
        retrainListener = l;
        return () => (retrainListener = null);
      },
      requestSwap: () => calls.push('requestSwap'),
    },
    stop: (onStop: string) => {
      calls.push(`stop ${onStop}`);
      return Promise.resolve();
    },
  };
  return {
    session: session as unknown as LiveSession,
    calls,
    retrainSwap: (m: RegimeModel) => retrainListener!(m),
    /** A new session starts not halted. */
    fresh: () => (halted = false),
    /** The day P&L the session reports from now on. */
    setDayPnl: (usd: number) => (dayPnlUsd = usd),
  };
}

/** A JSON logger at warn whose records are kept in memory. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; records: () => Record<string, unknown>[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'warn', pretty: false, destination });
  const records = () =>
    text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, records };
}

describe('SharedSessionRunner', () => {
  it('stands by, leads with an open gate, publishes models with its token, obeys a remote kill, and stands down when fenced off', async (ctx) => {
    if (pgProblem) return ctx.skip(pgProblem);
    const keyPrefix = space.prefix();
    const prefixes = sharedKeyPrefixes(keyPrefix);
    await markKeySpaceBooted(redis, prefixes.lease);
    const config = validateConfig(
      {
        state: { kind: 'redis', url: REDIS_TEST_URL, key_prefix: keyPrefix, model_sync_url: PG_TEST_URL },
        leader: { ttl_ms: 2000, renew_ms: 500, poll_ms: 400, margin_ms: 400 },
      },
      'test',
    );
    const shared: SharedState = await openSharedState(config, silentLogger());
    const store = await PgModelSync.open({ connection: PG_TEST_URL });
    const { model, series } = syntheticSetup();
    const lines: string[] = [];
    const fake = fakeSession();
    const hooks: LeaderHooks[] = [];
    let retrainedModel: RegimeModel | null = null;
    const runner = new SharedSessionRunner({
      shared,
      journal: new MemoryJournal(),
      symbol: 'MNQ',
      fileModel: model,
      onStop: 'flatten',
      logger: silentLogger(),
      print: (l) => lines.push(l),
      startSession: (m, h) => {
        // The first session trades the --model file; later ones the current shared model (the retrained one).
        expect(regimeModelToJson(m)).toBe(regimeModelToJson(hooks.length === 0 ? model : retrainedModel!));
        // Leading when the session starts: the gate is open.
        expect(h.orderGate()).toBeNull();
        hooks.push(h);
        fake.fresh();
        return Promise.resolve(fake.session);
      },
    });
    try {
      await runner.start();
      expect(lines.filter((l) => !l.startsWith('warning: '))[0]).toMatch(/^standby: /);
      await waitFor(() => lines.some((l) => /^leader: token \d+ order-capable/.test(l)), 'leadership', 10_000);
      const token = shared.elector.token!;
      expect(runner.current).toBe(fake.session);
      // The first leader publishes its --model file (the store was empty).
      const name = `${prefixes.base}MNQ`;
      expect((await store.fetchCurrent(name))?.sha256).toBe(createHash('sha256').update(regimeModelToJson(model)).digest('hex'));
      expect((await store.fetchCurrent(name))?.fencingToken).toBe(token);

      // A retrain swap on the leader reaches the store with its token and the same sha256.
      const retrained = trainRegimeModel(sliceBarSeries(series, 20 * 78, 90 * 78), testConfig().config).model;
      retrainedModel = retrained;
      fake.retrainSwap(retrained);
      const sha = createHash('sha256').update(regimeModelToJson(retrained)).digest('hex');
      await waitFor(async () => (await store.fetchCurrent(name))?.sha256 === sha, 'the retrained model in the store', 10_000);
      expect((await store.fetchCurrent(name))?.version).toBe(2);
      // Its own notification of that version does not swap the model in a second time.
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.calls).not.toContain('requestSwap');
      expect(lines.filter((l) => /^model: shared .* loaded/.test(l))).toEqual([]);

      // A kill request from another client: the session is killed, the request acknowledged, the halt shared.
      await requestKill(redis, prefixes.risk, 'from the test');
      await waitFor(() => fake.calls.some((c) => c.startsWith('kill remote from the test')), 'the kill', 5_000);
      await waitFor(async () => (await shared.risk.snapshot()).pendingKill === null, 'the acknowledgement', 5_000);
      hooks[0]!.onStateChanged(); // a later state write keeps the reason
      await new Promise((r) => setTimeout(r, 200));
      expect((await shared.risk.snapshot()).halt?.reason).toMatch(/^2024-05-31 from the test \(from [^:]+:\d+\)$/);
      expect((await shared.risk.snapshot()).halt?.halted).toBe(true);

      // A newer token is issued (another machine won a lease): the next fenced write is refused, the session
      // stops with its brackets left, and the gate closes.
      await redis.set(leaseKeys(prefixes.lease).token, String(token + 1000));
      hooks[0]!.onStateChanged();
      await waitFor(() => fake.calls.includes('stop leave_brackets'), 'the stand-down', 5_000);
      expect(lines.some((l) => /^standby: fenced write refused/.test(l))).toBe(true);
      // The deposed session's gate stays closed even if this process wins a new lease (a new session, new token).
      expect(hooks[0]!.orderGate()).not.toBeNull();

      // This process competes again and wins a newer lease: its new session starts halted (killed today).
      await waitFor(() => hooks.length === 2 && lines.filter((l) => /order-capable/.test(l)).length === 2, 'a second leadership', 10_000).catch(
        (e: unknown) => {
          throw new Error(`${String(e)}: ${lines.join(' | ')}`);
        },
      );
      expect(fake.calls.filter((c) => c.startsWith('restoreKill '))).toEqual([expect.stringMatching(/^restoreKill from the test \(from /)]);
      expect(hooks[1]!.orderGate()).toBeNull();
    } finally {
      await runner.stop('test end');
      await shared.close();
      await store.close();
    }
  }, 60_000);

  it('a leader losing its lease writes its last state as it stands down: it lands with no newer leader, and is refused (fenced, warn) after a takeover', async () => {
    const keyPrefix = space.prefix();
    const prefixes = sharedKeyPrefixes(keyPrefix);
    const keys = leaseKeys(prefixes.lease);
    await markKeySpaceBooted(redis, prefixes.lease);
    const config = validateConfig(
      { state: { kind: 'redis', url: REDIS_TEST_URL, key_prefix: keyPrefix }, leader: { ttl_ms: 2000, renew_ms: 500, poll_ms: 400, margin_ms: 400 } },
      'test',
    );
    const shared = await openSharedState(config, silentLogger());
    const fake = fakeSession();
    const lines: string[] = [];
    const { logger, records } = capturingLogger();
    const runner = new SharedSessionRunner({
      shared,
      journal: new MemoryJournal(),
      symbol: 'MNQ',
      fileModel: syntheticSetup().model,
      onStop: 'flatten',
      logger,
      print: (l) => lines.push(l),
      startSession: () => {
        fake.fresh();
        return Promise.resolve(fake.session);
      },
    });
    const capable = () => lines.filter((l) => /^leader: token \d+ order-capable/.test(l)).length;
    try {
      await runner.start();
      await waitFor(() => capable() === 1, 'leadership', 10_000);
      const first = shared.elector.token!;
      expect((await shared.risk.snapshot()).dailyPnl?.pnlUsd).toBe(-12.5);

      // The lease lapses (its key is gone) and nobody may take it (quarantine): the stand-down's last write lands.
      fake.setDayPnl(-40);
      await redis.set(keys.quarantine, 'test', 'PX', 1500);
      await redis.del(keys.holder);
      await waitFor(() => lines.some((l) => l.startsWith(`standby: lost the lease (token ${first}, NOT_HOLDER`)), 'the stand-down', 5_000);
      await waitFor(async () => (await shared.risk.snapshot()).dailyPnl?.pnlUsd === -40, 'the last state of the deposed leader', 1_000);
      expect(fake.calls).toContain('stop leave_brackets');
      expect(capable()).toBe(1);

      // After the quarantine this process leads again; then another machine takes over (newer token issued,
      // lease held by it) and writes its state. The stand-down's last write with the older token is refused.
      await waitFor(() => capable() === 2, 'a second leadership', 10_000);
      const second = shared.elector.token!;
      expect(second).toBeGreaterThan(first);
      fake.setDayPnl(-99);
      const newer = await redis.incr(keys.token);
      await redis.set(keys.holder, 'another machine', 'PX', 1500);
      expect((await shared.risk.setDailyPnl(newer, { tradingDate: '2024-05-31', pnlUsd: 7 })).ok).toBe(true);
      await waitFor(
        () =>
          lines.some((l) =>
            new RegExp(
              `^fenced: the last state write of token ${second} was refused \\(.*fencing token ${second} refused, token ${newer} is newer`,
            ).test(l),
          ),
        'the refused write',
        5_000,
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${lines.join(' | ')}`);
      });
      expect(lines.some((l) => l.startsWith(`standby: lost the lease (token ${second}, NOT_HOLDER`))).toBe(true);
      expect(records().filter((r) => r.msg === 'fenced write refused')).toEqual([
        expect.objectContaining({ level: 40, fencingToken: second, highestToken: newer, write: 'final' }),
      ]);
      expect((await shared.risk.snapshot()).dailyPnl?.pnlUsd).toBe(7);
    } finally {
      await runner.stop('test end');
      await shared.close();
    }
  }, 30_000);

  it('after a failed start-up it gives the lease up and competes again only one TTL later (no tight retry loop)', async () => {
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, sharedKeyPrefixes(keyPrefix).lease);
    const config = validateConfig(
      { state: { kind: 'redis', url: REDIS_TEST_URL, key_prefix: keyPrefix }, leader: { ttl_ms: 2000, renew_ms: 500, poll_ms: 400, margin_ms: 400 } },
      'test',
    );
    const shared = await openSharedState(config, silentLogger());
    const starts: number[] = [];
    const fake = fakeSession();
    const lines: string[] = [];
    const runner = new SharedSessionRunner({
      shared,
      journal: new MemoryJournal(),
      symbol: 'MNQ',
      fileModel: syntheticSetup().model,
      onStop: 'flatten',
      logger: silentLogger(),
      print: (l) => lines.push(l),
      startSession: () => {
        starts.push(performance.now());
        return starts.length === 1 ? Promise.reject(new Error('gateway down')) : Promise.resolve(fake.session);
      },
    });
    try {
      await runner.start();
      await waitFor(() => starts.length >= 2, 'a second start-up', 10_000);
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(2000 - 50);
      expect(lines.some((l) => /^leader: start-up failed \(gateway down\); standing by, competing again in 2000 ms$/.test(l))).toBe(true);
      await waitFor(() => runner.current === fake.session, 'the second session', 5_000);
    } finally {
      await runner.stop('test end');
      await shared.close();
    }
  }, 30_000);

  it('a model version published while the standby subscribes is loaded at start-up (never lost between the read and the LISTEN)', async (ctx) => {
    if (pgProblem) return ctx.skip(pgProblem);
    const keyPrefix = space.prefix();
    const prefixes = sharedKeyPrefixes(keyPrefix);
    // Not booted: no lease is granted during the test, so the process stays a standby.
    const config = validateConfig(
      {
        state: { kind: 'redis', url: REDIS_TEST_URL, key_prefix: keyPrefix, model_sync_url: PG_TEST_URL },
        leader: { ttl_ms: 60_000, renew_ms: 10_000, poll_ms: 400, margin_ms: 1_000 },
      },
      'test',
    );
    const shared: SharedState = await openSharedState(config, silentLogger());
    const store = await PgModelSync.open({ connection: PG_TEST_URL });
    const { model, series } = syntheticSetup();
    const other = regimeModelToJson(trainRegimeModel(sliceBarSeries(series, 10 * 78, 70 * 78), testConfig().config).model);
    const name = `${prefixes.base}MNQ`;
    // Another machine publishes just as this one subscribes (before its LISTEN is open).
    const subscribe = shared.models!.subscribe.bind(shared.models!);
    shared.models!.subscribe = async (listener) => {
      expect((await store.publish(name, other, { fencingToken: 1 })).ok).toBe(true);
      return subscribe(listener);
    };
    const lines: string[] = [];
    const runner = new SharedSessionRunner({
      shared,
      journal: new MemoryJournal(),
      symbol: 'MNQ',
      fileModel: model,
      onStop: 'flatten',
      logger: silentLogger(),
      print: (l) => lines.push(l),
      startSession: () => Promise.reject(new Error('not expected to lead')),
    });
    try {
      await runner.start();
      const sha = createHash('sha256').update(other).digest('hex');
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^model: shared ${name} version \\d+ sha256 ${sha.slice(0, 12)} loaded \\(start-up`)),
      );
    } finally {
      await runner.stop('test end');
      await shared.close();
      await store.close();
    }
  });
});
