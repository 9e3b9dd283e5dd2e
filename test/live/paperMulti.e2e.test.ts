// Several instruments in one paper session as a user runs it: `txbot sim-gateway` replaying MNQ and MES
// (two contracts, one account), `txbot paper` trading both in one process with one account risk and one
// journal, a model per instrument (--model SYM=FILE), the kill switch flattening every instrument.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsToCsv, generateCorrelatedBars } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { ProjectXClient, formatUtcIso } from '../../src/broker/projectx/index.ts';
import { regimeModelToJson, trainRegimeModel } from '../../src/regime/index.ts';
import { SqliteJournal } from '../../src/state/index.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { waitFor } from './support/waitFor.ts';
import { spawnTxbot } from './support/txbotProcess.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const env = { ...process.env, PROJECTX_USERNAME: 'sim-user', PROJECTX_API_KEY: 'sim-key', TXBOT_LOG_LEVEL: 'warn' };
const DAY = 78;
let dir: string;
let sim: ChildProcessWithoutNullStreams;
let gateway: string;
let liveStartIso: string;

const txbot = (args: string[]) => spawnTxbot(args, env);

/** `txbot sim-gateway` serving MNQ and MES from `startIso` at 3000× speed; resolves with its URL. */
async function startSim(startIso: string): Promise<{ child: ChildProcessWithoutNullStreams; gateway: string }> {
  const child = spawn(
    process.execPath,
    [
      'bin/txbot.mjs',
      'sim-gateway',
      ...['--data', `MNQ=${join(dir, 'MNQ.csv')}`, '--data', `MES=${join(dir, 'MES.csv')}`],
      ...['--port', '0', '--timezone', 'UTC', '--speed', '3000', '--start', startIso],
    ],
    { cwd: repoRoot, env },
  );
  return { child, gateway: (await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]! };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'txbot-paper-multi-'));
  const { bySymbol } = generateCorrelatedBars({
    seed: 11,
    days: 40,
    correlation: 0.7,
    instruments: [
      { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
      { symbol: 'MES', startPrice: 4_500, tickSize: 0.25 },
    ],
  });
  const config = testConfig().config;
  for (const [symbol, series] of bySymbol) {
    writeFileSync(join(dir, `${symbol}.json`), regimeModelToJson(trainRegimeModel(sliceBarSeries(series, 0, 28 * DAY), config).model));
    writeFileSync(join(dir, `${symbol}.csv`), barsToCsv(sliceBarSeries(series, 28 * DAY, series.length)));
  }
  const startIso = formatUtcIso(bySymbol.get('MNQ')!.tsMs[34 * DAY]!);
  liveStartIso = formatUtcIso(bySymbol.get('MNQ')!.tsMs[36 * DAY]!);
  const spec = (symbol: string, tickValue: number) => ({ symbol, tick_size: 0.25, tick_value: tickValue, commission_per_side: 0.37, enabled: true });
  writeFileSync(
    join(dir, 'config.yaml'),
    JSON.stringify({
      instruments: [spec('MNQ', 0.5), spec('MES', 1.25)],
      filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } },
      live: { status_interval_seconds: 3600 },
    }),
  );
  ({ child: sim, gateway } = await startSim(startIso));
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
  `MNQ=${join(dir, 'MNQ.json')}`,
  '--model',
  `MES=${join(dir, 'MES.json')}`,
  '--config',
  join(dir, 'config.yaml'),
  '--gateway',
  gateway,
  '--rtc',
  gateway,
  ...extra,
];

describe('txbot paper with MNQ and MES in one process', () => {
  it('refuses a plain --model when two instruments are enabled', async () => {
    const r = await txbot([
      'paper',
      '--account',
      '1001',
      '--model',
      join(dir, 'MNQ.json'),
      '--config',
      join(dir, 'config.yaml'),
      '--gateway',
      gateway,
    ]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the session trades MNQ, MES; give one model per instrument as --model SYM=FILE/);
  });

  it('trades both contracts on one account, journals both, and the kill switch flattens and halts both', async () => {
    const run = txbot(session([]));
    await waitFor(run.child, /paper session on account 1001, CON\.F\.US\.MNQ\.\w+ \(MNQ\w*\), CON\.F\.US\.MES\.\w+ \(MES\w*\)/);
    const journalPath = join(dir, '.txbot', 'journal.db');
    // Let it run until both instruments have decided bars (status lines are hourly; the journal tells).
    const deadline = Date.now() + 60_000;
    const counts = new Map<string, number>();
    const filled = new Set<string>();
    const enough = () => counts.get('MNQ')! >= 20 && counts.get('MES')! >= 20 && filled.size === 2;
    while (Date.now() < deadline && !enough()) {
      await new Promise((r) => setTimeout(r, 300));
      const j = await SqliteJournal.open(journalPath, { mustExist: true });
      try {
        counts.clear();
        for (const d of await j.recentDecisions(5000)) counts.set(d.symbol, (counts.get(d.symbol) ?? 0) + 1);
        for (const f of await j.fillsSince(0)) filled.add(f.symbol);
      } finally {
        await j.close();
      }
    }
    expect([...counts.keys()].sort()).toEqual(['MES', 'MNQ']);
    // Both instruments traded (entries filled on the paper broker) in the one process.
    expect([...filled].sort()).toEqual(['MES', 'MNQ']);
    const killed = waitFor(
      run.child,
      /kill switch: flattened, cancelled, halted \| .*HALTED\(kill\).*\| MNQ (flat|entry working|long|short).*; MES /,
    );
    run.child.kill('SIGUSR2');
    await killed;
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped \(SIGINT\) \| .*MNQ flat; MES flat/);
    const j = await SqliteJournal.open(journalPath, { mustExist: true });
    try {
      expect(await j.openIntents()).toEqual([]);
      const positions = await j.latestPositions();
      expect(positions.every((p) => p.qty === 0)).toBe(true);
      const decided = await j.recentDecisions(5000);
      expect(decided.filter((d) => d.symbol === 'MNQ').length).toBeGreaterThanOrEqual(20);
      expect(decided.filter((d) => d.symbol === 'MES').length).toBeGreaterThanOrEqual(20);
      // Both instruments' bars of an instant are decided together: the same bar times for both.
      const times = (s: string) => new Set(decided.filter((d) => d.symbol === s).map((d) => d.barTsMs));
      const mes = times('MES');
      expect([...times('MNQ')].filter((t) => mes.has(t)).length).toBeGreaterThanOrEqual(20);
    } finally {
      await j.close();
    }
  }, 120_000);

  it('txbot live --confirm-live: both contracts at the venue with server-side brackets, reconciled per contract, flat at the stop', async () => {
    const { child: liveSim, gateway: liveGateway } = await startSim(liveStartIso);
    try {
      const { code, stdout, stderr } = await spawnTxbot(
        [
          'live',
          '--account',
          '1001',
          '--model',
          `MNQ=${join(dir, 'MNQ.json')}`,
          '--model',
          `MES=${join(dir, 'MES.json')}`,
          '--config',
          join(dir, 'config.yaml'),
          '--gateway',
          liveGateway,
          '--rtc',
          liveGateway,
          '--confirm-live',
          '--stop-after-bars',
          '160',
        ],
        { ...env, TXBOT__JOURNAL__SQLITE_PATH: '.txbot/live-multi.db' },
      ).done;
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/instruments\s+MNQ, MES \(front months; one account-level risk\)/);
      expect(stdout).toMatch(/live session on account 1001, CON\.F\.US\.MNQ\.\w+ .*, CON\.F\.US\.MES\.\w+ /);
      const client = new ProjectXClient({ apiUrl: liveGateway, credentials: () => ({ userName: 'sim-user', apiKey: 'sim-key' }) });
      expect(await client.searchOpenPositions(1001)).toEqual([]);
      expect((await client.searchOpenOrders(1001)).length).toBe(0);
      const orders = await client.searchOrders(1001, 0);
      const entries = orders.filter((o) => o.customTag?.startsWith('txbot-l') && !/-(SL|TP)$/.test(o.customTag));
      const contractsTraded = new Set(entries.map((o) => o.contractId.split('.')[3]));
      expect([...contractsTraded].sort()).toEqual(['MES', 'MNQ']);
      // every entry carried its bracket: a stop leg exists for each filled entry
      for (const e of entries.filter((o) => o.fillVolume > 0)) expect(orders.some((o) => o.customTag === `${e.customTag}-SL`)).toBe(true);
      const journal = await SqliteJournal.open(join(dir, '.txbot', 'live-multi.db'), { mustExist: true });
      try {
        expect(await journal.openIntents()).toEqual([]);
        for (const o of entries) {
          const intent = await journal.intentByCustomTag(o.customTag!);
          expect(intent?.brokerOrderId).toBe(String(o.id));
          expect(o.contractId).toContain(`.${intent!.symbol}.`);
        }
        expect((await journal.latestPositions()).every((p) => p.qty === 0)).toBe(true);
      } finally {
        await journal.close();
      }
    } finally {
      liveSim.kill('SIGTERM');
    }
  }, 120_000);
});
