// End to end: `txbot paper` with `filters.calendar.source: forexfactory` against a fake ForexFactory export
// blacks out entries around a high-impact event that is in no configured time, and its decisions say so.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsToCsv } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { formatUtcIso } from '../../src/broker/projectx/index.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { SqliteJournal } from '../../src/state/index.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { waitFor } from '../live/support/waitFor.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const env = { ...process.env, PROJECTX_USERNAME: 'sim-user', PROJECTX_API_KEY: 'sim-key', TXBOT_LOG_LEVEL: 'warn' };
const MIN = 60_000;
const TITLE = 'Fake Core CPI m/m';
let dir: string;
let sim: ChildProcessWithoutNullStreams;
let ff: FakeServer;
let gateway: string;
let eventMs: number;

/** ForexFactory's export writes local times with an offset; here the event in UTC with "+00:00". */
const ffDate = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'txbot-blackout-e2e-'));
  const { test, model } = syntheticSetup();
  const series = sliceBarSeries(test, 0, 12 * 78);
  const dayStart = series.tsMs[8 * 78]!;
  // An event 80 minutes into the session of day 8, when these bars leave the account flat (found by
  // a run of them): no configured daily time, no CSV event.
  eventMs = dayStart + 80 * MIN;
  writeFileSync(join(dir, 'bars.csv'), barsToCsv(series));
  writeFileSync(join(dir, 'model.json'), regimeModelToJson(model));
  writeFileSync(join(dir, 'calendar.csv'), 'datetime_et,event,tier\n');
  ff = await startFakeServer();
  ff.on('/ff_calendar_thisweek.json', () => ({
    json: [
      { title: TITLE, country: 'USD', date: ffDate(eventMs), impact: 'High', forecast: '0.3%', previous: '0.2%' },
      { title: 'Fake Bank Holiday', country: 'JPY', date: ffDate(eventMs - 60 * MIN), impact: 'Holiday', forecast: '', previous: '' },
    ],
  }));
  const config = {
    filters: {
      vix: { enabled: false },
      news: { high_impact_times_et: [], calendar_file: join(dir, 'calendar.csv'), calendar_tiers: ['big'] },
      calendar: { source: 'forexfactory', forexfactory_url: ff.url },
    },
    live: { status_interval_seconds: 3600 },
  };
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
  sim = spawn(
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
      '600',
      '--start',
      formatUtcIso(dayStart),
    ],
    { cwd: repoRoot, env },
  );
  gateway = (await waitFor(sim, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
}, 60_000);

afterAll(async () => {
  sim?.kill('SIGTERM');
  await ff?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('txbot paper with the ForexFactory calendar', () => {
  it('blacks out entries around a vendor event that is in no configured time, and the decisions name it', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/txbot.mjs',
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
        '--stop-after-bars',
        '26',
      ],
      { cwd: repoRoot, env },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(err).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(ff.requests.some((r) => r.path === '/ff_calendar_thisweek.json')).toBe(true);

    const journal = await SqliteJournal.open(join(dir, '.txbot', 'journal.db'), { mustExist: true });
    try {
      const decisions = await journal.recentDecisions(1000);
      // A decision is taken at its bar's close.
      const at = (d: { barTsMs: number }) => d.barTsMs + 5 * MIN;
      const inWindow = decisions.filter((d) => at(d) >= eventMs - 5 * MIN && at(d) < eventMs + 15 * MIN);
      const outside = decisions.filter((d) => at(d) < eventMs - 5 * MIN || at(d) >= eventMs + 15 * MIN);
      expect(inWindow.length).toBe(4); // decisions at -5, 0, +5, +10 minutes
      const flatInWindow = inWindow.filter((d) => d.decisionCode !== 'IN_POSITION');
      expect(flatInWindow.length).toBeGreaterThan(0);
      for (const d of flatInWindow) {
        expect(d.decisionCode).toBe('NEWS_BLACKOUT');
        expect(d.decisionReason).toContain(TITLE);
      }
      // The JPY holiday is filtered out by currency and impact: nothing outside the window blacks out.
      expect(outside.filter((d) => d.decisionCode === 'NEWS_BLACKOUT')).toEqual([]);
    } finally {
      await journal.close();
    }
  }, 120_000);
});
