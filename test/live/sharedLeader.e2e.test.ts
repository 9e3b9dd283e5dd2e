// Several machines, one trader: real `txbot live` processes on one simulated account with state.kind redis
// (one key prefix per test). Exactly one trades; kill -9 of the leader → a standby takes over within
// TTL + one poll; a leader SIGSTOPped past its TTL sends nothing after SIGCONT, its state write with the
// old token is refused (fenced) and it stands by; a Redis restart never gives two leaders and no order goes
// out while leadership is unknown; a model published to the shared store reaches every machine with its
// sha256; a scheduled retrain inside the leader reaches the standby through the shared store with the sha256
// of the leader's model store file; the shared PostgreSQL journal's rows carry the writer's machine id and
// token. Each scenario asserts on the simulator's orders.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsToCsv, DEFAULT_DYNAMICS, generateSyntheticBars } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { formatUtcIso, type ProjectXClient } from '../../src/broker/projectx/index.ts';
import { regimeModelToJson, trainRegimeModel } from '../../src/regime/index.ts';
import { leaseKeys, PgModelSync, readLeaderStatus, RedisRiskState, SqliteJournal } from '../../src/state/index.ts';
import { sharedKeyPrefixes } from '../../src/app/sharedState.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { markKeySpaceBooted, REDIS_TEST_URL, redisTestSpace, requireRedis } from '../state/shared/support/redisSupport.ts';
import { PG_TEST_URL, postgresProblem } from '../state/postgresSupport.ts';
import {
  entryOrders,
  firstAmong,
  freePort,
  PrivateRedis,
  startSimGateway,
  startTxbot,
  watchAccount,
  type TxbotProc,
} from './support/sharedCluster.ts';

const ACCOUNT = 1001;
// Short enough for a fast test, long enough that a loaded 2-core machine's event-loop stalls do not close
// the order gate (lease age ≥ ttl − margin) of a healthy leader.
const LEADER = { ttl_ms: 3000, renew_ms: 600, poll_ms: 500, margin_ms: 700 } as const;
/** Process scheduling slack on a loaded 2-core machine. */
const SLACK_MS = 1500;
/** Replay speed: a 5-minute bar per second. */
const SPEED = 300;
const GRANTED = /^leader: token (\d+) granted/;
const READY = /^leader: token (\d+) order-capable/;
const LOST = /^standby: (lost the lease|fenced write refused)/;

const space = redisTestSpace('sharedleader');
let dir: string;
let bars: string;
let modelFile: string;
let startIso: string;
let redis: Redis;

beforeAll(async () => {
  await requireRedis();
  redis = space.client();
  dir = mkdtempSync(join(tmpdir(), 'txbot-shared-'));
  const { test, model } = syntheticSetup();
  const series = sliceBarSeries(test, 0, 12 * 78);
  // Day 8 trades early in its session (found by a backtest of these bars).
  startIso = formatUtcIso(series.tsMs[8 * 78]!);
  bars = join(dir, 'bars.csv');
  writeFileSync(bars, barsToCsv(series));
  modelFile = join(dir, 'model.json');
  writeFileSync(modelFile, regimeModelToJson(model));
}, 60_000);

afterAll(async () => {
  await space.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A config file for one scenario: shared state under `keyPrefix` at `url`. */
function writeConfig(name: string, url: string, keyPrefix: string, extra: Record<string, unknown> = {}): string {
  const state = { kind: 'redis', url, key_prefix: keyPrefix, ...((extra.state as object | undefined) ?? {}) };
  const config = {
    filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } },
    live: { status_interval_seconds: 3600, on_stop: 'flatten' },
    leader: LEADER,
    ...extra,
    state,
  };
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function session(
  name: string,
  config: string,
  gateway: string,
  env: Record<string, string> = {},
  mode: 'live' | 'paper' = 'live',
  o: { warmUpDays?: number } = {},
): TxbotProc {
  return startTxbot(
    name,
    [
      mode,
      '--account',
      String(ACCOUNT),
      '--model',
      modelFile,
      '--config',
      config,
      '--gateway',
      gateway,
      '--rtc',
      gateway,
      ...(mode === 'live' ? ['--confirm-live'] : []),
      '--warm-up-days',
      String(o.warmUpDays ?? 3),
      '--pid-file',
      join(dir, `${name}.pid`),
    ],
    { TXBOT_MACHINE_ID: name, TXBOT__JOURNAL__SQLITE_PATH: join(dir, `${name}.db`), ...env },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 100 ms until it gives a value (10 s at most). */
async function waitUntil<T>(cond: () => Promise<T | null>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await cond();
    if (v !== null) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs a short txbot command; its stdout (exit 0 expected). */
async function runTxbot(args: string[]): Promise<string> {
  const p = startTxbot(args[0]!, args);
  const r = await p.exited;
  expect(r.code, p.stderr()).toBe(0);
  return p.lines.map((l) => l.text).join('\n');
}

/** The JSON log records of a process's stderr (TXBOT_LOG_LEVEL decides which) with message `msg`. */
function logRecords(p: TxbotProc, msg: string): Record<string, unknown>[] {
  return p
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.msg === msg);
}

/** SIGTERM for all (the leader flattens: on_stop flatten), then every process exits 0. */
async function stopAll(procs: readonly TxbotProc[]): Promise<void> {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  for (const p of procs) {
    const r = await p.exited;
    if (r.signal !== 'SIGKILL') expect(r.code, `${p.name} exit\n${p.stderr()}`).toBe(0);
  }
}

/** The account is flat with nothing working, no entry customTag twice, no position seen without its stop. */
async function expectCleanAccount(client: ProjectXClient, unprotected: readonly string[]): Promise<ReturnType<typeof entryOrders>> {
  expect(await client.searchOpenPositions(ACCOUNT)).toEqual([]);
  expect(await client.searchOpenOrders(ACCOUNT)).toEqual([]);
  expect(unprotected).toEqual([]);
  const entries = entryOrders(await client.searchOrders(ACCOUNT, 0));
  const tags = entries.map((o) => o.customTag);
  expect(new Set(tags).size).toBe(tags.length);
  return entries;
}

/** For each entry order at the venue, the processes whose journal sent it (exactly one each, else a duplicate or a ghost). */
async function sendersOf(entries: ReturnType<typeof entryOrders>, procs: readonly TxbotProc[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const p of procs) {
    const journal = await SqliteJournal.open(join(dir, `${p.name}.db`), { mustExist: true, readOnly: true });
    try {
      for (const o of entries) {
        const intent = await journal.intentByCustomTag(o.customTag!);
        if (intent?.brokerOrderId === String(o.id)) out.set(o.id, [...(out.get(o.id) ?? []), p.name]);
      }
    } finally {
      await journal.close();
    }
  }
  return out;
}

describe('several txbot live processes on one account (state.kind redis)', () => {
  it('three processes: one trades; kill -9 → takeover within TTL + poll; SIGSTOP past TTL → no order after SIGCONT, fenced, standby', async () => {
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, sharedKeyPrefixes(keyPrefix).lease);
    const sim = await startSimGateway(bars, startIso, SPEED);
    const watch = watchAccount(sim.client, ACCOUNT);
    const config = writeConfig('three', REDIS_TEST_URL, keyPrefix);
    const procs = ['m1', 'm2', 'm3'].map((n) => session(n, config, sim.url));
    try {
      // 1. Exactly one leads; the others stand by.
      const first = await firstAmong(procs, READY, 30_000);
      await Promise.all(procs.map((p) => p.next(/^standby: \w+ pid \d+ waiting/, 30_000)));
      const others = procs.filter((p) => p !== first.proc).map((p) => p.name);
      const status = await waitUntil(async () => {
        const s = await readLeaderStatus(redis, sharedKeyPrefixes(keyPrefix).lease, { staleAfterMs: 3 * LEADER.poll_ms });
        return s.standbys.length === others.length ? s : null;
      }, 'both standbys heartbeating');
      expect(status.leader?.machineId).toBe(first.proc.name);
      expect(status.standbys.map((s) => s.machineId).sort()).toEqual(others);
      const cli = await runTxbot(['status', '--config', config, '--json']);
      const shown = JSON.parse(cli) as { leader: { host: string; pid: number; token: number; leaseAgeMs: number } | null; standbys: unknown[] };
      expect(shown.leader?.pid).toBe(first.proc.child.pid);
      expect(shown.leader?.token).toBe(Number(first.line.match[1]));
      expect(shown.leader!.leaseAgeMs).toBeLessThan(LEADER.ttl_ms);
      expect(shown.standbys).toHaveLength(2);
      await sleep(8_000);

      // 2. kill -9 of the leader: a standby is granted the lease within TTL + one poll.
      const killedAt = performance.now();
      const marks = new Map(procs.map((p) => [p, p.lines.length]));
      first.proc.child.kill('SIGKILL');
      const survivors = procs.filter((p) => p !== first.proc);
      const second = await firstAmong(survivors, GRANTED, LEADER.ttl_ms + LEADER.poll_ms + SLACK_MS, marks);
      expect(second.line.atMs - killedAt).toBeLessThan(LEADER.ttl_ms + LEADER.poll_ms + SLACK_MS);
      await second.proc.next(READY, 15_000, marks.get(second.proc));
      await sleep(6_000);

      // 3. SIGSTOP the new leader past its TTL: the last process takes over; after SIGCONT the stopped one
      // sends no order, its token is fenced off, and it stands by.
      const stopped = second.proc;
      const third = survivors.find((p) => p !== stopped)!;
      const beforeStop = new Map(procs.map((p) => [p, p.lines.length]));
      stopped.child.kill('SIGSTOP');
      const stoppedAt = performance.now();
      await sleep(300);
      const ordersAtStop = new Set((await sim.client.searchOrders(ACCOUNT, 0)).map((o) => o.id));
      const takeover = await third.next(READY, LEADER.ttl_ms + LEADER.poll_ms + SLACK_MS + 15_000, beforeStop.get(third));
      expect(takeover.atMs - stoppedAt).toBeGreaterThan(LEADER.ttl_ms - LEADER.margin_ms);
      await sleep(1_000);
      const oldToken = Number(second.line.match[1]);
      const newToken = Number(takeover.match[1]);
      expect(newToken).toBeGreaterThan(oldToken);
      stopped.child.kill('SIGCONT');
      const contAt = performance.now();
      // Woken, the old leader stands down at once (its gate is closed by the lease age it measures), then
      // writes its last state with its old token: the shared state refuses it (a newer token was issued).
      const lost = await stopped.next(LOST, 10_000, beforeStop.get(stopped));
      expect(lost.text).toContain(`token ${oldToken}`);
      const lastWrite = await stopped.next(
        new RegExp(`^fenced: the last state write of token ${oldToken} was refused \\(.* token ${newToken} is newer`),
        10_000,
        lost.index,
      );
      console.log(
        `SIGSTOP e2e: takeover ${Math.round(takeover.atMs - stoppedAt)} ms after SIGSTOP; after SIGCONT the old leader stood down in ${Math.round(lost.atMs - contAt)} ms, its last write was refused ${Math.round(lastWrite.atMs - contAt)} ms after SIGCONT`,
      );
      await waitUntil(async () => (logRecords(stopped, 'fenced write refused').length ? true : null), 'the refused write in the log');
      expect(logRecords(stopped, 'fenced write refused')).toEqual([
        expect.objectContaining({ level: 40, fencingToken: oldToken, highestToken: newToken, write: 'final' }),
      ]);
      // It competes again as a standby (heartbeating) behind the new leader.
      await waitUntil(async () => {
        const st = await readLeaderStatus(redis, sharedKeyPrefixes(keyPrefix).lease, { staleAfterMs: 3 * LEADER.poll_ms });
        return st.leader?.machineId === third.name && st.standbys.some((m) => m.machineId === stopped.name) ? true : null;
      }, 'the old leader heartbeating as a standby');
      const risk = new RedisRiskState({
        redis,
        keyPrefix: sharedKeyPrefixes(keyPrefix).risk,
        leaseTokenKey: leaseKeys(sharedKeyPrefixes(keyPrefix).lease).token,
      });
      const late = await risk.setHalt(oldToken, { halted: false, reason: 'a late write of the deposed leader' });
      expect(late.ok).toBe(false);
      await sleep(6_000);

      await stopAll(procs);
      await watch.stop();
      const entries = await expectCleanAccount(sim.client, watch.unprotected);
      const refused = procs.flatMap((p) =>
        p
          .stderr()
          .split('\n')
          .filter((l) => /order gate closed|NOT_LEADER/.test(l)),
      );
      expect(entries.length, `no entry reached the venue; gate refusals:\n${refused.join('\n')}`).toBeGreaterThan(0);
      // Every entry at the venue was sent by exactly one process, and none by the SIGSTOPped one after its stop.
      const senders = await sendersOf(entries, procs);
      for (const o of entries) expect(senders.get(o.id), `senders of ${o.customTag}`).toHaveLength(1);
      for (const o of entries) if (senders.get(o.id)![0] === stopped.name) expect(ordersAtStop.has(o.id)).toBe(true);
      expect(JSON.parse(await runTxbot(['status', '--config', config, '--json'])).leader).toBeNull();
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await watch.stop();
      sim.stop();
    }
  }, 180_000);

  it('a Redis restart mid-session: never two leaders, no order while leadership is unknown, trading resumes', async () => {
    const server = new PrivateRedis(await freePort());
    await server.start();
    const sim = await startSimGateway(bars, startIso, SPEED);
    const watch = watchAccount(sim.client, ACCOUNT);
    const keyPrefix = 'restart';
    const config = writeConfig('restart', server.url, keyPrefix);
    const procs: TxbotProc[] = [];
    try {
      const { Redis } = await import('ioredis');
      const own = new Redis(server.url);
      await markKeySpaceBooted(own, sharedKeyPrefixes(keyPrefix).lease);
      own.disconnect();
      procs.push(...['r1', 'r2'].map((n) => session(n, config, sim.url)));
      await firstAmong(procs, READY, 30_000);
      await sleep(5_000);
      const marks = new Map(procs.map((p) => [p, p.lines.length]));
      await server.kill();
      const downAt = performance.now();
      await sleep(1_000);
      await server.start();
      // The restarted server quarantines the key space for one TTL, then one process leads again.
      const back = await firstAmong(procs, GRANTED, 3 * LEADER.ttl_ms + SLACK_MS + 10_000, marks);
      expect(back.line.atMs - downAt).toBeGreaterThan(LEADER.ttl_ms);
      // Nothing reached the broker from the outage until the new grant.
      expect(watch.seenBetween(downAt + 300, back.line.atMs)).toEqual([]);
      await back.proc.next(READY, 15_000, marks.get(back.proc));
      await sleep(5_000);
      await stopAll(procs);
      await watch.stop();

      // Leadership intervals (grant → loss) of the two processes never overlap.
      const events = procs
        .flatMap((p) =>
          p.lines.flatMap((l) =>
            GRANTED.test(l.text) ? [{ at: l.atMs, d: 1, p: p.name }] : LOST.test(l.text) ? [{ at: l.atMs, d: -1, p: p.name }] : [],
          ),
        )
        .sort((a, b) => a.at - b.at);
      let leaders = 0;
      for (const e of events) {
        leaders += e.d;
        expect(leaders, JSON.stringify(events)).toBeLessThanOrEqual(1);
      }
      const entries = await expectCleanAccount(sim.client, watch.unprotected);
      const senders = await sendersOf(entries, procs);
      for (const o of entries) expect(senders.get(o.id), `senders of ${o.customTag}`).toHaveLength(1);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await watch.stop();
      sim.stop();
      await server.kill();
    }
  }, 180_000);

  it('model sync and the shared journal: a published model reaches every machine with its sha256; journal rows carry machine id and token', async (ctx) => {
    const problem = await postgresProblem();
    if (problem) return ctx.skip(problem);
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, sharedKeyPrefixes(keyPrefix).lease);
    const schema = `txbot_shared_${process.pid}_${Date.now() % 1e6}`;
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const journalUrl = `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const sim = await startSimGateway(bars, startIso, SPEED);
    const watch = watchAccount(sim.client, ACCOUNT);
    const config = writeConfig('models', REDIS_TEST_URL, keyPrefix, {
      state: { model_sync_url: PG_TEST_URL },
      journal: { kind: 'postgres', postgres_url: journalUrl },
    });
    const procs = ['s1', 's2'].map((n) => session(n, config, sim.url));
    const store = await PgModelSync.open({ connection: PG_TEST_URL });
    try {
      const leader = await firstAmong(procs, READY, 30_000);
      const standby = procs.find((p) => p !== leader.proc)!;
      // The first leader publishes its --model file as version 1; the standby loads it on the notification.
      const v1 = await leader.proc.next(/^model: published .* version (\d+) sha256 (\w+)/, 5_000);
      await standby.next(new RegExp(`^model: shared .* version ${v1.match[1]} sha256 ${v1.match[2]} loaded`), 10_000);

      // A retrained model published by the leader's token reaches both, sha256 checked, swapped between bars.
      const { series } = syntheticSetup();
      const retrained = trainRegimeModel(sliceBarSeries(series, 30 * 78, 100 * 78), testConfig().config).model;
      const body = regimeModelToJson(retrained);
      const token = Number(leader.line.match[1]);
      const published = await store.publish(`${keyPrefix}:MNQ`, body, { fencingToken: token });
      expect(published.ok).toBe(true);
      const sha = createHash('sha256').update(body).digest('hex');
      const loaded = new RegExp(`^model: shared .* version ${(published as { version: number }).version} sha256 ${sha.slice(0, 12)} loaded`);
      await standby.next(loaded, 10_000);
      await leader.proc.next(loaded, 10_000);
      expect((await store.fetchCurrent(`${keyPrefix}:MNQ`))?.sha256).toBe(sha);
      await sleep(4_000);

      // The leader stops (SIGTERM: flattens, flushes its journal, releases the lease); the standby takes
      // over at once with the shared model and writes with its own token.
      const marks = new Map(procs.map((p) => [p, p.lines.length]));
      leader.proc.child.kill('SIGTERM');
      expect((await leader.proc.exited).code).toBe(0);
      const next = await standby.next(READY, LEADER.ttl_ms + LEADER.poll_ms + SLACK_MS + 15_000, marks.get(standby));
      await sleep(3_000);

      // `txbot kill` from another process goes through Redis: the leader flattens and halts; status shows it.
      expect(await runTxbot(['kill', '--config', config])).toMatch(
        new RegExp(`kill request \\w+ written .* leader ${standby.name} pid ${standby.child.pid}`),
      );
      await standby.next(/^kill switch \(txbot kill, from /, 10_000, marks.get(standby));
      const halted = JSON.parse(await runTxbot(['status', '--config', config, '--json'])) as {
        halt: { halted: boolean } | null;
        pendingKill: unknown;
      };
      expect(halted.halt?.halted).toBe(true);
      expect(halted.pendingKill).toBeNull();
      await stopAll(procs);
      await watch.stop();
      await expectCleanAccount(sim.client, watch.unprotected);

      const rows = await admin.query<{ machine_id: string | null; fencing_token: string | null; n: string }>(
        `SELECT machine_id, fencing_token, count(*) AS n FROM (SELECT machine_id, fencing_token FROM "${schema}".decisions
         UNION ALL SELECT machine_id, fencing_token FROM "${schema}".events) w GROUP BY 1, 2 ORDER BY 2`,
      );
      const writers = rows.rows.map((r) => `${r.machine_id}:${r.fencing_token}`);
      expect(writers).toEqual([`${leader.proc.name}:${token}`, `${standby.name}:${next.match[1]}`]);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await watch.stop();
      sim.stop();
      await store.close();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
      await admin.end();
    }
  }, 180_000);

  it('a scheduled retrain inside the leader: the swapped model reaches the standby through PostgreSQL with the sha256 of the leader model store file', async (ctx) => {
    const problem = await postgresProblem();
    if (problem) return ctx.skip(problem);
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, sharedKeyPrefixes(keyPrefix).lease);
    // The --model learnt the default dynamics; the account's days run at 1.8× the volatility, so a retrain
    // on the session's own bars (warm-up days and the first live bar) scores better and is swapped in.
    const shifted = generateSyntheticBars({
      seed: 5,
      days: 12,
      startDate: '2024-06-03',
      dynamics: DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 1.8 })),
    }).series;
    const shiftedBars = join(dir, 'shifted.csv');
    writeFileSync(shiftedBars, barsToCsv(shifted));
    const sim = await startSimGateway(shiftedBars, formatUtcIso(shifted.tsMs[7 * 78]!), SPEED);
    const watch = watchAccount(sim.client, ACCOUNT);
    const config = writeConfig('retrain', REDIS_TEST_URL, keyPrefix, {
      state: { model_sync_url: PG_TEST_URL },
      // Due at the first live bar: the --model was trained more than one day before the session.
      regime_source: { kind: 'retraining' },
      retrain: { schedule_days: 1, window_days: 10, validation_days: 2 },
      hmm: { n_iter: 30, restarts: 1 },
    });
    const modelName = `${sharedKeyPrefixes(keyPrefix).base}MNQ`;
    const storeOf = (name: string) => join(dir, `${name}-models`);
    const procs = ['t1', 't2'].map((n) =>
      session(n, config, sim.url, { TXBOT__RETRAIN__MODEL_DIR: storeOf(n), TXBOT_LOG_LEVEL: 'info' }, 'live', { warmUpDays: 5 }),
    );
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    try {
      const leader = await firstAmong(procs, READY, 30_000);
      const standby = procs.find((p) => p !== leader.proc)!;
      const token = Number(leader.line.match[1]);
      await leader.proc.next(/^model: published \S+ version 1 sha256 \w+ \(the --model file/, 5_000);

      // The schedule fires on the first live bar; the worker thread trains, the model is committed to the
      // leader's store, swapped in between bars and published with the leader's token.
      const published = await leader.proc.next(/^model: published (\S+) version (\d+) sha256 (\w+) \(a retrain swap\)/, 30_000);
      expect(published.match[1]).toBe(modelName);
      const version = Number(published.match[2]);
      expect(version).toBe(2);
      const finished = logRecords(leader.proc, 'retrain: RETRAIN_FINISHED');
      expect(finished).toHaveLength(1);
      const retrain = finished[0]!.retrain as { trigger: { kind: string }; outcome: { decision: string; code: string } };
      expect(retrain.trigger.kind).toBe('schedule');
      expect(retrain.outcome).toMatchObject({ decision: 'swapped', code: 'NEW_BETTER' });

      // The standby loads it on the notification, sha256 checked.
      const loaded = await standby.next(
        new RegExp(
          `^model: shared ${modelName} version ${version} sha256 ${published.match[3]} loaded \\(notification of version ${version}, by ${leader.proc.name}\\)`,
        ),
        10_000,
      );
      const ready = leader.line.atMs;

      // One sha256 everywhere: the leader's model store file, the shared store's rows, the standby's load.
      const pointer = JSON.parse(readFileSync(join(storeOf(leader.proc.name), 'current.json'), 'utf8')) as { version: number; file: string };
      expect(pointer.version).toBe(1);
      const fileSha = createHash('sha256')
        .update(readFileSync(join(storeOf(leader.proc.name), pointer.file)))
        .digest('hex');
      const rows = await admin.query<{ version: string; sha256: string; created_by: string; fencing_token: string; body: Buffer }>(
        'SELECT version, sha256, created_by, fencing_token, body FROM model_versions WHERE model_name = $1 ORDER BY version',
        [modelName],
      );
      expect(rows.rows.map((r) => [Number(r.version), r.created_by, Number(r.fencing_token)])).toEqual([
        [1, leader.proc.name, token],
        [2, leader.proc.name, token],
      ]);
      expect(rows.rows[1]!.sha256).toBe(fileSha);
      expect(createHash('sha256').update(rows.rows[1]!.body).digest('hex')).toBe(fileSha);
      const current = await admin.query<{ version: string }>('SELECT version FROM model_current WHERE model_name = $1', [modelName]);
      expect(Number(current.rows[0]!.version)).toBe(2);
      expect(logRecords(standby, 'shared model loaded').filter((r) => r.version === 2)).toEqual([
        expect.objectContaining({ modelName, sha256: fileSha, createdBy: leader.proc.name }),
      ]);
      // The leader does not load its own publication back; the standby neither trains nor stores a model.
      expect(leader.proc.lines.some((l) => /^model: shared .* loaded/.test(l.text))).toBe(false);
      expect(existsSync(join(storeOf(standby.name), 'current.json'))).toBe(false);
      console.log(`retrain e2e: leader order-capable → standby loaded the retrained model in ${Math.round(loaded.atMs - ready)} ms`);

      // The leader scores the next bar with the retrained model (the swap applies between bars).
      await waitUntil(async () => (logRecords(leader.proc, 'retrain: MODEL_SWAPPED').length ? true : null), 'the swap on the leader');
      await stopAll(procs);
      await watch.stop();
      await expectCleanAccount(sim.client, watch.unprotected);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await watch.stop();
      sim.stop();
      await admin.query('DELETE FROM model_current WHERE model_name = $1', [modelName]).catch(() => undefined);
      await admin.query('DELETE FROM model_versions WHERE model_name = $1', [modelName]).catch(() => undefined);
      await admin.end();
    }
  }, 120_000);

  it('txbot paper: three processes, only the leader decides and journals; kill -9 → a standby takes over; a standby never leading journals nothing', async () => {
    const keyPrefix = space.prefix();
    await markKeySpaceBooted(redis, sharedKeyPrefixes(keyPrefix).lease);
    const sim = await startSimGateway(bars, startIso, SPEED);
    const config = writeConfig('paper', REDIS_TEST_URL, keyPrefix);
    const procs = ['q1', 'q2', 'q3'].map((n) => session(n, config, sim.url, {}, 'paper'));
    try {
      const first = await firstAmong(procs, READY, 30_000);
      await sleep(4_000);
      const marks = new Map(procs.map((p) => [p, p.lines.length]));
      const killedAt = performance.now();
      first.proc.child.kill('SIGKILL');
      const survivors = procs.filter((p) => p !== first.proc);
      const second = await firstAmong(survivors, GRANTED, LEADER.ttl_ms + LEADER.poll_ms + SLACK_MS, marks);
      expect(second.line.atMs - killedAt).toBeLessThan(LEADER.ttl_ms + LEADER.poll_ms + SLACK_MS);
      await second.proc.next(READY, 15_000, marks.get(second.proc));
      expect(second.proc.lines.some((l) => /^paper session on account 1001, .* as leader/.test(l.text))).toBe(true);
      await sleep(4_000);
      const never = survivors.find((p) => p !== second.proc)!;
      await stopAll(procs);
      expect(never.lines.some((l) => READY.test(l.text))).toBe(false);
      const journalOf = async (p: TxbotProc) => {
        const j = await SqliteJournal.open(join(dir, `${p.name}.db`), { mustExist: true, readOnly: true });
        try {
          return { decisions: (await j.recentDecisions(10_000)).length, intents: (await j.openIntents()).length };
        } finally {
          await j.close();
        }
      };
      expect(await journalOf(never)).toEqual({ decisions: 0, intents: 0 });
      expect((await journalOf(second.proc)).decisions).toBeGreaterThan(0);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      sim.stop();
    }
  }, 120_000);
});
