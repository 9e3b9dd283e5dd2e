// End to end as a user runs it: `txbot sim-gateway` replaying bars, `txbot paper` against it (real sockets,
// child processes), `txbot kill` through the pid file, a clean SIGINT stop, and `txbot journal show`.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsToCsv } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { ProjectXClient, formatUtcIso } from '../../src/broker/projectx/index.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { SqliteJournal } from '../../src/state/index.ts';
import { KILL_META_KEY } from '../../src/live/liveRunner.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { waitFor } from './support/waitFor.ts';
import { spawnTxbot } from './support/txbotProcess.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const env = { ...process.env, PROJECTX_USERNAME: 'sim-user', PROJECTX_API_KEY: 'sim-key', TXBOT_LOG_LEVEL: 'warn' };
let dir: string;
let sim: ChildProcessWithoutNullStreams;
let gateway: string;
let startIso: string;
let liveStartIso: string;

const txbot = (args: string[], extraEnv: Record<string, string> = {}) => spawnTxbot(args, { ...env, ...extraEnv });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'txbot-live-e2e-'));
  const { test, model } = syntheticSetup();
  const series = sliceBarSeries(test, 0, 12 * 78);
  startIso = formatUtcIso(series.tsMs[6 * 78]!);
  // Day 8 trades early in its session (found by a backtest of these bars).
  liveStartIso = formatUtcIso(series.tsMs[8 * 78]!);
  writeFileSync(join(dir, 'bars.csv'), barsToCsv(series));
  writeFileSync(join(dir, 'model.json'), regimeModelToJson(model));
  const config = {
    filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } },
    live: { status_interval_seconds: 3600 },
  };
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
  sim = spawn(
    process.execPath,
    ['bin/txbot.mjs', 'sim-gateway', '--data', join(dir, 'bars.csv'), '--port', '0', '--timezone', 'UTC', '--speed', '3000', '--start', startIso],
    { cwd: repoRoot, env },
  );
  gateway = (await waitFor(sim, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
}, 60_000);

afterAll(() => {
  sim?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const session = (extra: string[]) => [
  'paper',
  '--account',
  '1001',
  '--model',
  join(dir, 'model.json'),
  '--config',
  join(dir, 'config.yaml'),
  '--gateway',
  gateway,
  '--rtc',
  gateway,
  ...extra,
];

describe('txbot paper against txbot sim-gateway', () => {
  it('runs a session from the CLI, stops after the bars asked for, and journal show reports it', async () => {
    const r = await txbot(session(['--stop-after-bars', '40'])).done;
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/paper session on account 1001, CON\.F\.US\.MNQ\.H26/);
    expect(r.stdout).toMatch(/stopped \(--stop-after-bars 40 reached\).*bars (4\d)/);
    const journal = await SqliteJournal.open(join(dir, '.txbot', 'journal.db'), { mustExist: true });
    try {
      expect((await journal.recentDecisions(1000)).length).toBeGreaterThan(10);
      expect(await journal.openIntents()).toEqual([]);
    } finally {
      await journal.close();
    }
    const show = await txbot(['journal', 'show', '--config', join(dir, 'config.yaml'), '--json']).done;
    expect(show.code).toBe(0);
    const report = JSON.parse(show.stdout) as { tradingDate: string | null; trades: unknown[] };
    const again = await SqliteJournal.open(join(dir, '.txbot', 'journal.db'), { mustExist: true });
    try {
      expect(report.tradingDate).toBe(await again.latestTradingDate());
      if (report.tradingDate !== null) expect(report.trades.length).toBe((await again.tradesForDay(report.tradingDate)).length);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('txbot kill flattens and halts the running session; SIGINT then stops it cleanly', async () => {
    const run = txbot(session([]));
    await waitFor(run.child, /paper session on account 1001/);
    const killed = waitFor(run.child, /kill switch: flattened, cancelled, halted \| .*HALTED\(kill\)/);
    const kill = await txbot(['kill', '--config', join(dir, 'config.yaml')]).done;
    expect(kill.code).toBe(0);
    expect(kill.stdout).toMatch(new RegExp(`kill switch sent \\(SIGUSR2\\) to session pid ${run.child.pid}`));
    await killed;
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stopped \(SIGINT\)/);
    const journal = await SqliteJournal.open(join(dir, '.txbot', 'journal.db'), { mustExist: true });
    try {
      expect(await journal.getMeta(KILL_META_KEY)).toMatch(/SIGUSR2$/);
    } finally {
      await journal.close();
    }
    const again = await txbot(['kill', '--config', join(dir, 'config.yaml')]).done;
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/no running session found/);
  }, 120_000);

  it('txbot live refuses without --confirm-live after printing account, instrument and limits', async () => {
    const r = await txbot([
      'live',
      '--account',
      '1001',
      '--model',
      join(dir, 'model.json'),
      '--config',
      join(dir, 'config.yaml'),
      '--gateway',
      gateway,
      '--rtc',
      gateway,
    ]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/account\s+1001/);
    expect(r.stderr).toMatch(/size limit\s+5 minis = 50 micros/);
    expect(r.stderr).toMatch(/trailing MLL 2000 USD, daily loss 1000 USD/);
    expect(r.stderr).toMatch(/refusing to send real orders without --confirm-live/);
  });

  it('txbot live --confirm-live trades through the gateway with server-side brackets and stops flat', async () => {
    const liveSim = spawn(
      process.execPath,
      [
        'bin/txbot.mjs',
        'sim-gateway',
        '--data',
        join(dir, 'bars.csv'),
        '--port',
        '0',
        '--timezone',
        'UTC',
        '--speed',
        '1000',
        '--start',
        liveStartIso,
      ],
      { cwd: repoRoot, env },
    );
    const liveGateway = (await waitFor(liveSim, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    try {
      const r = await txbot(
        [
          'live',
          '--account',
          '1001',
          '--model',
          join(dir, 'model.json'),
          '--config',
          join(dir, 'config.yaml'),
          '--gateway',
          liveGateway,
          '--rtc',
          liveGateway,
          '--confirm-live',
          '--stop-after-bars',
          '40',
        ],
        { TXBOT__JOURNAL__SQLITE_PATH: '.txbot/live.db' },
      ).done;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/live session on account 1001/);
      const client = new ProjectXClient({ apiUrl: liveGateway, credentials: () => ({ userName: 'sim-user', apiKey: 'sim-key' }) });
      expect(await client.searchOpenPositions(1001)).toEqual([]);
      expect((await client.searchOpenOrders(1001)).length).toBe(0);
      const placed = (await client.searchOrders(1001, 0)).filter((o) => o.customTag?.startsWith('txbot-l') && !/-(SL|TP)$/.test(o.customTag));
      expect(placed.length).toBeGreaterThan(0);
      const journal = await SqliteJournal.open(join(dir, '.txbot', 'live.db'), { mustExist: true });
      try {
        expect(await journal.openIntents()).toEqual([]);
        for (const o of placed) expect((await journal.intentByCustomTag(o.customTag!))?.brokerOrderId).toBe(String(o.id));
      } finally {
        await journal.close();
      }
    } finally {
      liveSim.kill('SIGTERM');
    }
  }, 120_000);
});
