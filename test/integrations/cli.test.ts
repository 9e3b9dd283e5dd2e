// End-to-end `txbot calendar|sentiment|vix` through bin/txbot.mjs against fake vendors on 127.0.0.1.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIsoInZone } from '../../src/domain/time.ts';
import { etDateKey, previousCloseMs } from '../../src/integrations/common/etTime.ts';
import { alphaVantageHandler, makeArticles } from './support/fakeNews.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(repoRoot, 'bin/txbot.mjs');
const dir = mkdtempSync(join(tmpdir(), 'txbot-cli-integrations-'));
const config = join(dir, 'config.yaml');
writeFileSync(config, 'filters:\n  cache_dir: cache\n');
const KEY = 'AV-cli-secret-key-5555';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function txbot(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args, '--config', config],
      { cwd: dir, env: { ...process.env, TXBOT_LOG_LEVEL: 'warn', ...env } },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

// the CLI runs on the wall clock, so the fake vendors serve data around the real now
const NOW = Date.now();
const TODAY = etDateKey(NOW);
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
  const at = `${formatIsoInZone('America/New_York', NOW).slice(0, 10)}T11:45:00${formatIsoInZone('America/New_York', NOW).slice(19)}`;
  server.on('/ff_calendar_thisweek.json', () => ({
    json: [{ title: 'Fed Chair Speaks', country: 'USD', date: at, impact: 'High', forecast: '', previous: '' }],
  }));
  const since = previousCloseMs(NOW, '16:00');
  server.on(
    '/query',
    alphaVantageHandler(makeArticles(12, since + 1000, Math.max(1, Math.floor((NOW - since - 2000) / 12))), () => Date.now()),
  );
  server.on('/VIX_History.csv', () => ({
    text: 'DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2020,13.46,13.72,12.42,12.47\n01/03/2020,15.01,16.20,13.13,14.02\n',
  }));
});
afterAll(() => server.close());

describe('txbot calendar / sentiment / vix', () => {
  it('calendar today --source forexfactory prints the vendor event and where it came from', async () => {
    const r = await txbot(['calendar', 'today', '--source', 'forexfactory', '--url', server.url, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { from: string; fresh: boolean; using: string; events: { name: string; timeEt: string; origin: string }[] };
    expect(j).toMatchObject({ from: TODAY, fresh: true, using: 'forexfactory + file' });
    expect(j.events).toContainEqual(
      expect.objectContaining({ name: 'Fed Chair Speaks [forexfactory USD]', timeEt: '11:45', origin: 'forexfactory' }),
    );
  });

  it('sentiment now --source alphavantage polls once and prints the value and multipliers; the key stays secret', async () => {
    const r = await txbot(['sentiment', 'now', '--source', 'alphavantage', '--url', server.url, '--json'], { ALPHAVANTAGE_API_KEY: KEY });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { poll: { ok: boolean }; reason: string; articles: number; newsMultiplier: { bullishRegime: number } };
    expect(j.poll.ok).toBe(true);
    expect(server.requests.filter((q) => q.path === '/query')).toHaveLength(1);
    expect(j.articles).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    const h = await txbot(['sentiment', 'history', '--source', 'alphavantage', '--date', TODAY, '--json']);
    expect((JSON.parse(h.stdout) as { readings: unknown[] }).readings).toHaveLength(1);
  });

  it('sentiment now on a vendor error echoing the key: exit 0, the fallback, no key anywhere', async () => {
    server.on('/query', (req) => ({ json: { Information: `rate limit reached for ${req.query.get('apikey')}` } }));
    const r = await txbot(['sentiment', 'now', '--source', 'alphavantage', '--url', server.url], { ALPHAVANTAGE_API_KEY: KEY });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('INTEGRATION_BUDGET_EXHAUSTED');
    expect(r.stderr).toContain('alert SENTIMENT_DEGRADED');
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('vix latest --source cboe prints the close used and the multiplier', async () => {
    const r = await txbot(['vix', 'latest', '--source', 'cboe', '--url', `${server.url}/VIX_History.csv`, '--date', '2020-01-06', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ vix: 14.02, closeDate: '2020-01-03', origin: 'cboe', multiplier: 1 });
  });

  it('rejects an unknown --source with a usage error', async () => {
    const r = await txbot(['calendar', 'week', '--source', 'bloomberg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--source: expected one of file, forexfactory, tradingeconomics (got "bloomberg")');
  });
});
