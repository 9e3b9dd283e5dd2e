// Tests of createIntegrationSources: what a backtest and a paper run get from one config with every live source on.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegrationSources } from '../../src/integrations/integrationSources.ts';
import { filterSettingsFromConfig, NEUTRAL_SENTIMENT } from '../../src/strategy/filters/index.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';
import { configWith, et, testDeps } from './support/integrationFixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'txbot-sources-'));
writeFileSync(join(dir, 'cal.csv'), 'datetime_et,event,tier\n2025-03-12 08:30,CPI,big\n');
writeFileSync(join(dir, 'vix.csv'), 'date,close\n2025-03-11,18.5\n');

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());

function liveConfig() {
  return configWith({
    news: { calendar_file: 'cal.csv' },
    vix: { file: 'vix.csv', source: 'cboe', cboe_url: `${server.url}/VIX_History.csv` },
    calendar: { source: 'forexfactory', forexfactory_url: server.url },
    sentiment: { source: 'alphavantage', alphavantage: { url: server.url } },
  });
}

describe('createIntegrationSources', () => {
  it('gives a backtest the files and the recorded journal, and never calls a vendor', async () => {
    const config = liveConfig();
    const t = testDeps(et('2025-03-12', '09:00'));
    const s = createIntegrationSources({ config, baseDir: dir }, t.deps, { mode: 'backtest', symbols: ['MNQ'] });
    s.start();
    await s.stop();
    expect(s.calendar.kind).toBe('file');
    expect(s.sentimentFeed!.live).toBe(false);
    expect(s.vixTable!.lookup('2025-03-12')).toMatchObject({ vix: 18.5, origin: 'file' });
    expect(s.filterSettings(filterSettingsFromConfig(config)).blackout.highImpactTimesEt).toEqual(['08:30', '10:00', '14:00']);
    expect(server.requests).toHaveLength(0);
  });

  it('gives a paper run the vendors, started in the background, and neutral sentiment with source none', async () => {
    server.on('/ff_calendar_thisweek.json', () => ({ json: [] }));
    server.on('/VIX_History.csv', () => ({ text: 'DATE,CLOSE\n03/11/2025,19.25\n' }));
    server.on('/query', () => ({ json: { feed: [] } }));
    const config = liveConfig();
    const t = testDeps(et('2025-03-12', '09:00'), { ALPHAVANTAGE_API_KEY: 'av-key-xyz1' });
    const s = createIntegrationSources({ config, baseDir: dir }, t.deps, { mode: 'paper', symbols: ['MNQ'] });
    s.start();
    await s.stop();
    expect(new Set(server.requests.map((r) => r.path))).toEqual(new Set(['/ff_calendar_thisweek.json', '/VIX_History.csv', '/query']));
    expect(s.calendar.status().fresh).toBe(true);
    expect(s.vixTable!.lookup('2025-03-12')).toMatchObject({ vix: 19.25, origin: 'cboe' });
    expect(s.filterSettings(filterSettingsFromConfig(config)).blackout.highImpactTimesEt).toEqual([]);
    const none = createIntegrationSources({ config: configWith({}), baseDir: dir }, t.deps, { mode: 'paper', symbols: ['MNQ'] });
    expect(none.sentimentFor('MNQ')).toBe(NEUTRAL_SENTIMENT);
  });
});
