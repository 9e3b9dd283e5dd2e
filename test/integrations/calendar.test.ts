// Tests of the live economic calendar against a fake ForexFactory / Trading Economics server on 127.0.0.1.

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../../src/domain/time.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { createCalendarSource, eventKey, parseForexFactory, parseTradingEconomics } from '../../src/integrations/calendar/index.ts';
import { evaluateFilters, filterSettingsFromConfig, type FilterSettings } from '../../src/strategy/filters/index.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';
import { configWith, et, testDeps } from './support/integrationFixtures.ts';

const csvDir = mkdtempSync(join(tmpdir(), 'txbot-cal-csv-'));
const CSV = join(csvDir, 'calendar.csv');
writeFileSync(CSV, 'datetime_et,event,tier\n2025-03-12 08:30,CPI,big\n2025-03-13 08:30,PPI,normal\n');

const FF_WEEK = [
  { title: 'CPI m/m', country: 'USD', date: '2025-03-12T08:30:00-04:00', impact: 'High', forecast: '0.3%', previous: '0.5%' },
  { title: 'Core CPI m/m', country: 'USD', date: '2025-03-12T08:30:00-04:00', impact: 'High', forecast: '0.3%', previous: '0.4%' },
  // the same instant written with another offset: 11:30-05:00 = 12:30 EDT
  { title: 'Fed Chair Powell Speaks', country: 'USD', date: '2025-03-12T11:30:00-05:00', impact: 'High', forecast: '', previous: '' },
  { title: 'Crude Oil Inventories', country: 'USD', date: '2025-03-12T10:30:00-04:00', impact: 'Medium', forecast: '', previous: '' },
  { title: 'ECB President Lagarde Speaks', country: 'EUR', date: '2025-03-12T12:45:00-04:00', impact: 'High', forecast: '', previous: '' },
  { title: '10-y Bond Auction', country: 'USD', date: '2025-03-12T13:00:00-04:00', impact: 'Severe', forecast: '', previous: '' },
  { title: 'PPI m/m', country: 'USD', date: '2025-03-13T10:00:00-04:00', impact: 'High', forecast: '', previous: '' },
  { title: 'Bank Holiday', country: 'JPY', date: '2025-03-10T00:00:00-04:00', impact: 'Holiday', forecast: '', previous: '' },
];
const NOW = et('2025-03-12', '07:00');

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on('/ff_calendar_thisweek.json', () => ({ json: FF_WEEK }));
});

function setup(filters: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) {
  const config = configWith({ news: { calendar_file: CSV }, calendar: { source: 'forexfactory', ...filters } });
  const t = testDeps(NOW, env);
  const calendar = createCalendarSource(config, t.deps, { mode: 'paper', baseDir: csvDir, url: server.url });
  const base = filterSettingsFromConfig(config);
  const settings: FilterSettings = { ...base, blackout: calendar.blackoutConfig(base.blackout) };
  const verdictAt = (tsMs: number) => evaluateFilters({ tsMs, tradingDate: '2025-03-12', regime: 'BULL', settings, calendar });
  return { ...t, config, calendar, settings, verdictAt };
}

describe('ForexFactory calendar', () => {
  it('blacks out around a high-impact event that is not one of the configured daily times', async () => {
    const s = setup();
    expect((await s.calendar.refresh()).ok).toBe(true);
    const v = s.verdictAt(et('2025-03-12', '12:32'));
    expect(v.allowEntry).toBe(false);
    expect(v.code).toBe('NEWS_BLACKOUT');
    expect(v.reason).toContain('Fed Chair Powell Speaks [forexfactory USD]');
    expect(v.reason).toContain('tier=big');
    expect(s.verdictAt(et('2025-03-12', '12:50')).allowEntry).toBe(true);
  });

  it('replaces the daily times while fresh, and filters by currency and impact', async () => {
    const s = setup();
    await s.calendar.refresh();
    // 14:00 is a configured daily time with no vendor event: allowed while the vendor copy is fresh
    expect(s.verdictAt(et('2025-03-12', '14:02')).code).toBe('OK');
    // Medium (dropped by tier_by_impact.medium: null) and EUR events do not black out
    expect(s.verdictAt(et('2025-03-12', '10:31')).code).toBe('OK');
    expect(s.verdictAt(et('2025-03-12', '12:46')).code).toBe('OK');
    expect(s.settings.blackout.highImpactTimesEt).toEqual([]);
  });

  it('keeps Medium events when tier_by_impact maps them to a tier', async () => {
    const s = setup({ tier_by_impact: { medium: 'normal' } });
    await s.calendar.refresh();
    expect(s.verdictAt(et('2025-03-12', '10:31')).reason).toContain('Crude Oil Inventories');
  });

  it('treats an unknown impact string as high (fail closed)', async () => {
    const s = setup();
    await s.calendar.refresh();
    const v = s.verdictAt(et('2025-03-12', '13:01'));
    expect(v.code).toBe('NEWS_BLACKOUT');
    expect(v.reason).toContain('10-y Bond Auction');
    expect(s.lines.join('')).toContain('unknown impact strings treated as high');
  });

  it('merges with the CSV by name and minute, and alerts a disagreement about the minute', async () => {
    const s = setup();
    const r = await s.calendar.refresh();
    expect(r).toEqual({ ok: true, events: FF_WEEK.length, conflicts: 1 });
    const cpi = s.calendar.eventsBetween(et('2025-03-12', '08:30'), et('2025-03-12', '08:30'));
    expect(cpi.map((e) => e.name)).toEqual(['CPI']);
    const ppi = s.calendar.eventsBetween(et('2025-03-13', '00:00'), et('2025-03-13', '23:59'));
    expect(ppi.map((e) => [e.name, e.tier])).toEqual([
      ['PPI', 'normal'],
      ['PPI m/m [forexfactory USD]', 'big'],
    ]);
    expect(s.alerts.map((a) => a.code)).toEqual(['CALENDAR_CONFLICT']);
    expect(s.alerts[0]!.text).toBe('PPI on 2025-03-13: file 08:30 ET, forexfactory 10:00 ET; both are blacked out');
    // the same conflict is not alerted again on the next refresh
    await s.calendar.refresh();
    expect(s.alerts).toHaveLength(1);
  });

  it('falls back to the daily times plus the CSV when the copy goes stale, with one alert', async () => {
    const s = setup({ stale_after_minutes: 60 });
    await s.calendar.refresh();
    s.clock.advance(61 * MINUTE_MS);
    server.on('/ff_calendar_thisweek.json', () => ({ status: 503, text: 'Service Unavailable' }));
    const r = await s.calendar.refresh();
    expect(r).toMatchObject({ ok: false, code: 'INTEGRATION_HTTP_STATUS' });
    const v = s.verdictAt(et('2025-03-12', '14:02'));
    expect(v.code).toBe('NEWS_BLACKOUT');
    expect(v.reason).toContain('daily 14:00 ET (calendar stale)');
    // CSV events still apply; the vendor-only event no longer does
    expect(s.calendar.eventsBetween(et('2025-03-12', '08:30'), et('2025-03-12', '08:30')).map((e) => e.name)).toEqual([
      'CPI',
      'daily 08:30 ET (calendar stale)',
    ]);
    expect(s.verdictAt(et('2025-03-12', '12:32')).code).toBe('OK');
    expect(s.alerts.filter((a) => a.code === 'CALENDAR_STALE')).toHaveLength(1);
    expect(s.calendar.status()).toMatchObject({ fresh: false, using: 'file + daily times (forexfactory stale)' });
    await s.calendar.refresh();
    expect(s.alerts.filter((a) => a.code === 'CALENDAR_STALE')).toHaveLength(1);
  });

  it('keeps the last good copy through a failure while it is still fresh (no alert)', async () => {
    const s = setup();
    await s.calendar.refresh();
    server.on('/ff_calendar_thisweek.json', () => ({ status: 429, text: 'slow down' }));
    s.clock.advance(30 * MINUTE_MS);
    expect(await s.calendar.refresh()).toMatchObject({ ok: false, code: 'INTEGRATION_RATE_LIMITED' });
    expect(s.verdictAt(et('2025-03-12', '12:32')).reason).toContain('Fed Chair Powell Speaks');
    expect(s.alerts.filter((a) => a.code === 'CALENDAR_STALE')).toEqual([]);
  });

  it.each([
    [
      'an HTML page with HTTP 200',
      () => ({ text: '<!DOCTYPE html><html><body>Just a moment...</body></html>', contentType: 'text/html' }),
      'INTEGRATION_NOT_JSON',
    ],
    ['a JSON object instead of an array', () => ({ json: { error: 'maintenance' } }), 'INTEGRATION_BAD_PAYLOAD'],
    ['HTTP 500', () => ({ status: 500, text: 'oops' }), 'INTEGRATION_HTTP_STATUS'],
    ['HTTP 429', () => ({ status: 429, text: 'Too Many Requests' }), 'INTEGRATION_RATE_LIMITED'],
    [
      'last week only',
      () => ({ json: [{ title: 'CPI m/m', country: 'USD', date: '2025-03-05T08:30:00-05:00', impact: 'High' }] }),
      'INTEGRATION_BAD_PAYLOAD',
    ],
  ] as const)('on %s: logs, alerts CALENDAR_STALE and uses the fallback, without throwing', async (_name, answer, code) => {
    const s = setup();
    server.on('/ff_calendar_thisweek.json', answer);
    const r = await s.calendar.refresh();
    expect(r).toMatchObject({ ok: false, code });
    expect(s.alerts.map((a) => a.code)).toEqual(['CALENDAR_STALE']);
    expect(s.verdictAt(et('2025-03-12', '10:02')).reason).toContain('daily 10:00 ET (calendar stale)');
    expect(s.lines.some((l) => l.includes('calendar refresh failed') && l.includes(code))).toBe(true);
  });

  it('on a timeout: INTEGRATION_TIMEOUT and the fallback', async () => {
    const s = setup({ timeout_ms: 150 });
    server.on('/ff_calendar_thisweek.json', () => 'hang');
    expect(await s.calendar.refresh()).toMatchObject({ ok: false, code: 'INTEGRATION_TIMEOUT' });
    expect(s.calendar.status().fresh).toBe(false);
  });

  it('on an unreachable server: INTEGRATION_NETWORK and the fallback', async () => {
    const config = configWith({ news: { calendar_file: CSV }, calendar: { source: 'forexfactory' } });
    const t = testDeps(NOW);
    const calendar = createCalendarSource(config, t.deps, { mode: 'paper', baseDir: csvDir, url: 'http://127.0.0.1:9' });
    expect(await calendar.refresh()).toMatchObject({ ok: false, code: 'INTEGRATION_NETWORK' });
    expect(t.alerts.map((a) => a.code)).toEqual(['CALENDAR_STALE']);
  });

  it('accepts an empty week as a fresh copy: only the CSV blacks out', async () => {
    const s = setup();
    server.on('/ff_calendar_thisweek.json', () => ({ json: [] }));
    expect(await s.calendar.refresh()).toEqual({ ok: true, events: 0, conflicts: 0 });
    expect(s.calendar.status().fresh).toBe(true);
    expect(s.verdictAt(et('2025-03-12', '10:02')).code).toBe('OK');
    expect(s.calendar.eventsBetween(et('2025-03-12', '08:00'), et('2025-03-12', '09:00')).map((e) => e.name)).toEqual(['CPI']);
  });

  it('reads its last good copy back from the cache folder at start', async () => {
    const s = setup();
    await s.calendar.refresh();
    server.on('/ff_calendar_thisweek.json', () => ({ status: 500, text: 'down' }));
    const config = configWith({ news: { calendar_file: CSV }, calendar: { source: 'forexfactory' } });
    const again = createCalendarSource(config, { ...s.deps }, { mode: 'paper', baseDir: csvDir, url: server.url, tickMs: 3_600_000 });
    again.start();
    expect(again.status().fresh).toBe(true);
    expect(again.eventsBetween(et('2025-03-12', '12:30'), et('2025-03-12', '12:30')).map((e) => e.name)).toEqual([
      'Fed Chair Powell Speaks [forexfactory USD]',
    ]);
    await again.stop();
  });

  it('refreshes on its schedule: at start, every refresh_minutes and before the open', async () => {
    const s = setup({ refresh_minutes: 60, pre_open_refresh_et: '09:00' });
    s.clock.set(et('2025-03-12', '07:30'));
    expect(await s.calendar.tick()).toBe(true);
    s.clock.set(et('2025-03-12', '08:20'));
    expect(await s.calendar.tick()).toBe(false);
    s.clock.set(et('2025-03-12', '08:31'));
    expect(await s.calendar.tick()).toBe(true);
    s.clock.set(et('2025-03-12', '09:00'));
    expect(await s.calendar.tick()).toBe(true);
    s.clock.set(et('2025-03-12', '09:10'));
    expect(await s.calendar.tick()).toBe(false);
    expect(server.requests).toHaveLength(3);
  });

  it('in a backtest uses the CSV and never calls the vendor', async () => {
    const config = configWith({ news: { calendar_file: CSV }, calendar: { source: 'forexfactory' } });
    const t = testDeps(NOW);
    const calendar = createCalendarSource(config, t.deps, { mode: 'backtest', baseDir: csvDir, url: server.url });
    calendar.start();
    expect(calendar.kind).toBe('file');
    expect(calendar.blackoutConfig(filterSettingsFromConfig(config).blackout).highImpactTimesEt).toEqual(['08:30', '10:00', '14:00']);
    expect(calendar.eventsBetween(et('2025-03-12', '00:00'), et('2025-03-12', '23:59')).map((e) => e.name)).toEqual(['CPI']);
    await calendar.stop();
    expect(server.requests).toHaveLength(0);
  });
});

describe('parseForexFactory', () => {
  it('skips malformed rows and counts them', () => {
    const snap = parseForexFactory([...FF_WEEK, { title: 'x', country: 'USD', date: '12/03/2025', impact: 'High' }, null], NOW);
    expect(snap.events).toHaveLength(FF_WEEK.length);
    expect(snap.skipped).toBe(2);
    expect(snap.events.find((e) => e.title === 'Fed Chair Powell Speaks')!.tsMs).toBe(et('2025-03-12', '12:30'));
  });
});

describe('Trading Economics calendar', () => {
  const TE = [
    // UTC without Z: 12:30Z = 08:30 EDT
    {
      CalendarId: '1',
      Date: '2025-03-12T12:30:00',
      Country: 'United States',
      Category: 'Inflation Rate',
      Event: 'Inflation Rate MoM',
      Importance: 3,
      DateSpan: '0',
    },
    // importance as a string, an explicit Z
    {
      CalendarId: '2',
      Date: '2025-03-12T16:30:00Z',
      Country: 'United States',
      Category: 'Fed',
      Event: 'Fed Waller Speech',
      Importance: '3',
      DateSpan: 0,
    },
    // date only: no minute to black out around
    {
      CalendarId: '3',
      Date: '2025-03-12T00:00:00',
      Country: 'United States',
      Category: 'Holiday',
      Event: 'Budget Statement',
      Importance: 3,
      DateSpan: '1',
    },
    {
      CalendarId: '4',
      Date: '2025-03-12T15:00:00',
      Country: 'United States',
      Category: 'Oil',
      Event: 'EIA Crude Oil Stocks Change',
      Importance: 2,
      DateSpan: 0,
    },
  ];

  it('reads Date as UTC without Z, Importance as number or string, DateSpan 1 as date-only', () => {
    const snap = parseTradingEconomics(TE, NOW);
    expect(snap.events.map((e) => [e.title, e.tsMs, e.impact, e.timeKnown])).toEqual([
      ['Inflation Rate MoM', et('2025-03-12', '08:30'), 'high', true],
      ['Fed Waller Speech', et('2025-03-12', '12:30'), 'high', true],
      ['Budget Statement', Date.UTC(2025, 2, 12), 'high', false],
      ['EIA Crude Oil Stocks Change', et('2025-03-12', '11:00'), 'medium', true],
    ]);
    expect(eventKey('Inflation Rate MoM')).toBe('CPI');
  });

  it('asks for importance 3 of the configured countries with the key in `c`, and blacks out', async () => {
    server.on('/calendar/country/united states/2025-03-11/2025-03-19', () => ({ json: TE }));
    const s = setup({ source: 'tradingeconomics' }, { TRADINGECONOMICS_API_KEY: 'te-secret-key-123' });
    expect(await s.calendar.refresh()).toMatchObject({ ok: true, events: 4 });
    const q = server.requests[0]!.query;
    expect([q.get('c'), q.get('importance')]).toEqual(['te-secret-key-123', '3']);
    expect(s.verdictAt(et('2025-03-12', '12:31')).reason).toContain('Fed Waller Speech [tradingeconomics USD]');
    // merged with the CSV's CPI at the same minute
    expect(s.calendar.eventsBetween(et('2025-03-12', '08:30'), et('2025-03-12', '08:30')).map((e) => e.name)).toEqual(['CPI']);
    expect(s.verdictAt(et('2025-03-12', '11:01')).code).toBe('OK');
  });

  it('reports a vendor error object and keeps the key out of logs and alerts', async () => {
    server.on('/calendar/country/united states/2025-03-11/2025-03-19', (req) => ({
      status: 200,
      json: { Message: `No Access to this feature for key ${req.query.get('c')}` },
    }));
    const s = setup({ source: 'tradingeconomics' }, { TRADINGECONOMICS_API_KEY: 'te-secret-key-123' });
    expect(await s.calendar.refresh()).toMatchObject({ ok: false, code: 'INTEGRATION_VENDOR_ERROR' });
    expect(s.lines.join('')).not.toContain('te-secret-key-123');
    expect(JSON.stringify(s.alerts)).not.toContain('te-secret-key-123');
    expect(s.calendar.status().lastError).not.toContain('te-secret-key-123');
  });

  it('refuses to start without TRADINGECONOMICS_API_KEY', () => {
    const config = configWith({ calendar: { source: 'tradingeconomics' } });
    expect(() => createCalendarSource(config, testDeps(NOW).deps, { mode: 'paper', baseDir: csvDir })).toThrow(ConfigError);
  });
});

describe('calendar staleness by coverage', () => {
  it('is stale for instants outside the week the copy covers', async () => {
    const config = configWith({ news: { calendar_file: CSV }, calendar: { source: 'forexfactory', stale_after_minutes: 10_080 } });
    const t = testDeps(NOW);
    const calendar = createCalendarSource(config, t.deps, { mode: 'paper', baseDir: csvDir, url: server.url });
    await calendar.refresh();
    expect(calendar.isLiveAt(et('2025-03-15', '23:59'))).toBe(true);
    expect(calendar.isLiveAt(et('2025-03-16', '00:00'))).toBe(false);
    expect(calendar.isLiveAt(NOW - 4 * 24 * HOUR_MS)).toBe(false);
  });
});

describe('calendar robustness', () => {
  it('ignores a corrupt cache file and raises no stale alert over the weekend', async () => {
    const config = configWith({ news: { calendar_file: CSV }, calendar: { source: 'forexfactory' } });
    const t = testDeps(et('2025-03-15', '12:00'));
    writeFileSync(join(t.cacheDir, 'calendar-forexfactory.json'), '{"v":1,"source":"forexf');
    const calendar = createCalendarSource(config, t.deps, { mode: 'paper', baseDir: csvDir, url: 'http://127.0.0.1:9', tickMs: 3_600_000 });
    calendar.start();
    await calendar.stop();
    expect(t.lines.join('')).toContain('calendar cache unreadable; ignored');
    expect(calendar.status().fresh).toBe(false);
    expect(t.alerts).toEqual([]);
    expect(() => calendar.eventsBetween(et('2025-03-15', '08:00'), et('2025-03-15', '09:00'))).not.toThrow();
  });
});
