// Tests of the live VIX source: the Cboe daily history from a fake server, cache, file fallback, staleness alerts.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVixSource, isoFromCboeDate, parseCboeVixCsv } from '../../src/integrations/vix/index.ts';
import { getVixMultiplier, vixForTradingDate } from '../../src/strategy/filters/vix.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';
import { configWith, et, testDeps } from './support/integrationFixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'txbot-vix-'));
const FILE = join(dir, 'vix.csv');
writeFileSync(FILE, 'date,open,high,low,close\n2025-03-06,20,22,19,21.1\n2025-03-07,21,24,20,23.4\n');
const CBOE =
  'DATE,OPEN,HIGH,LOW,CLOSE\n03/06/2025,20.00,22.00,19.00,21.10\n03/07/2025,21.00,24.00,20.00,23.37\n03/10/2025,24.00,29.00,23.00,27.86\n03/11/2025,27.00,29.50,25.00,26.92\n';

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on('/VIX_History.csv', () => ({ text: CBOE, contentType: 'text/csv' }));
});

function setup(vix: Record<string, unknown> = {}, nowMs = et('2025-03-12', '08:05')) {
  const config = configWith({ vix: { source: 'cboe', file: FILE, ...vix } });
  const t = testDeps(nowMs);
  const table = createVixSource(config, t.deps, { mode: 'live', baseDir: dir, url: `${server.url}/VIX_History.csv`, tickMs: 3_600_000 })!;
  return { ...t, config, table };
}

describe('Cboe VIX history', () => {
  it('parses MM/DD/YYYY and upper-case headers', () => {
    expect(isoFromCboeDate('3/7/2025')).toBe('2025-03-07');
    expect(parseCboeVixCsv(CBOE, 'x').dates).toEqual(['2025-03-06', '2025-03-07', '2025-03-10', '2025-03-11']);
  });

  it('gives the previous session close from the download, merged over the file', async () => {
    const s = setup();
    expect(await s.table.refresh()).toEqual({ ok: true, rows: 4, last: '2025-03-11' });
    expect(vixForTradingDate(s.table, '2025-03-12')).toBe(26.92);
    expect(s.table.lookup('2025-03-12')).toMatchObject({ vix: 26.92, closeDate: '2025-03-11', origin: 'cboe', ageDays: 1, stale: false });
    expect(getVixMultiplier(vixForTradingDate(s.table, '2025-03-12'), s.config.filters.vix.tiers)).toBe(0.5);
    expect(s.alerts).toEqual([]);
  });

  it.each([
    ['HTTP 500', () => ({ status: 500, text: 'error' }), 'INTEGRATION_HTTP_STATUS'],
    ['an HTML page', () => ({ text: '<html><body>Access Denied</body></html>', contentType: 'text/html' }), 'INTEGRATION_BAD_PAYLOAD'],
    ['a bad row', () => ({ text: 'DATE,CLOSE\n03/06/2025,abc\n' }), 'INTEGRATION_BAD_PAYLOAD'],
  ] as const)('on %s: falls back to the file, logs and alerts VIX_STALE', async (_n, answer, code) => {
    const s = setup();
    server.on('/VIX_History.csv', answer);
    expect(await s.table.refresh()).toMatchObject({ ok: false, code });
    expect(s.table.lookup('2025-03-12')).toMatchObject({ vix: 23.4, closeDate: '2025-03-07', origin: 'file', ageDays: 5, stale: true });
    expect(s.alerts.map((a) => [a.code, a.title])).toEqual([
      ['VIX_STALE', 'Cboe VIX download failed'],
      ['VIX_STALE', 'VIX close is stale'],
    ]);
    expect(s.lines.some((l) => l.includes('VIX download failed') && l.includes(code))).toBe(true);
  });

  it('on a timeout: the file, INTEGRATION_TIMEOUT', async () => {
    const s = setup({ timeout_ms: 150 });
    server.on('/VIX_History.csv', () => 'hang');
    expect(await s.table.refresh()).toMatchObject({ ok: false, code: 'INTEGRATION_TIMEOUT' });
    expect(s.table.lookup('2025-03-12').origin).toBe('file');
  });

  it('alerts when even the download is behind (newest close older than max_age_days)', async () => {
    const s = setup({ max_age_days: 4 });
    server.on('/VIX_History.csv', () => ({ text: 'DATE,CLOSE\n03/06/2025,21.1\n03/07/2025,23.37\n' }));
    expect((await s.table.refresh()).ok).toBe(true);
    expect(s.alerts.map((a) => a.title)).toEqual(['VIX close is stale']);
    expect(s.alerts[0]!.text).toBe('trade date 2025-03-12: newest close 2025-03-07 (5 days old, max 4) from the cboe copy');
  });

  it('downloads once a day at refresh_time_et, reusing the cache across a restart', async () => {
    const s = setup({}, et('2025-03-12', '08:05'));
    expect(await s.table.tick()).toBe(true);
    expect(await s.table.tick()).toBe(false);
    await s.table.stop();
    // restart the same morning: the cache is newer than today's 08:00, so no download
    const again = createVixSource(s.config, s.deps, { mode: 'live', baseDir: dir, url: `${server.url}/VIX_History.csv`, tickMs: 3_600_000 })!;
    again.start();
    await again.stop();
    expect(again.lookup('2025-03-12')).toMatchObject({ vix: 26.92, origin: 'cboe cache' });
    const third = createVixSource(s.config, s.deps, { mode: 'live', baseDir: dir, url: `${server.url}/VIX_History.csv`, tickMs: 3_600_000 })!;
    third.start();
    s.clock.set(et('2025-03-13', '07:59'));
    expect(await third.tick()).toBe(false);
    s.clock.set(et('2025-03-13', '08:00'));
    expect(await third.tick()).toBe(true);
    await third.stop();
    expect(server.requests).toHaveLength(2);
  });

  it('in a backtest reads the file and never downloads', async () => {
    const config = configWith({ vix: { source: 'cboe', file: FILE } });
    const t = testDeps(et('2025-03-12', '08:05'));
    const table = createVixSource(config, t.deps, { mode: 'backtest', baseDir: dir, url: `${server.url}/VIX_History.csv` })!;
    table.start();
    expect(await table.tick()).toBe(false);
    expect(table.lookup('2025-03-12')).toMatchObject({ vix: 23.4, origin: 'file' });
    expect(server.requests).toHaveLength(0);
  });

  it('is null when filters.vix.enabled is false', () => {
    expect(createVixSource(configWith({ vix: { enabled: false } }), testDeps(0).deps, { mode: 'live', baseDir: dir })).toBeNull();
  });
});
