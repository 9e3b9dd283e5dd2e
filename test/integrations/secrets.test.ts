// Vendor API keys never appear in log lines, alerts or error messages, whatever the failure.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactSecrets, SECRET_ENV_VARS } from '../../src/log/secrets.ts';
import { createCalendarSource } from '../../src/integrations/calendar/index.ts';
import { IntegrationError } from '../../src/integrations/common/integrationError.ts';
import { createSentimentFeed, newsClient, newsQueries } from '../../src/integrations/sentiment/index.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startFakeServer, type FakeServer } from './support/fakeVendorServer.ts';
import { configWith, et, testDeps } from './support/integrationFixtures.ts';

const ENV = {
  ALPHAVANTAGE_API_KEY: 'av-SECRET-0001',
  ALPACA_API_KEY_ID: 'PK-SECRET-0002',
  ALPACA_API_SECRET_KEY: 'sk-SECRET-0003',
  TRADINGECONOMICS_API_KEY: 'te:SECRET/0004',
};
const SECRETS = Object.values(ENV);
const echo = (req: { path: string; query: URLSearchParams; headers: Record<string, unknown> }) =>
  `${req.path}?${req.query.toString()} ${JSON.stringify(req.headers)} ${req.query.get('apikey') ?? ''} ${req.query.get('c') ?? ''}`;

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());

function expectClean(texts: string[]): void {
  const all = texts.join('\n');
  for (const s of SECRETS) {
    expect(all).not.toContain(s);
    expect(all).not.toContain(encodeURIComponent(s));
  }
}

describe('vendor keys stay secret', () => {
  it('are listed for redaction like the other secrets', () => {
    for (const k of Object.keys(ENV)) expect(SECRET_ENV_VARS).toContain(k);
    expect(redactSecrets(`x ${ENV.ALPACA_API_SECRET_KEY} y`, ENV)).toBe('x [REDACTED] y');
  });

  it.each([
    ['HTML echoing the request', 200, 'html'],
    ['HTTP 500 echoing the request', 500, 'text'],
    ['HTTP 429 echoing the request', 429, 'text'],
    ['JSON error echoing the request', 200, 'json'],
  ] as const)('on %s: errors, logs (app logger) and alerts are clean', async (_n, status, kind) => {
    const answer = (req: Parameters<typeof echo>[0]) =>
      kind === 'html'
        ? { status, text: `<html>${echo(req)}</html>`, contentType: 'text/html' }
        : kind === 'json'
          ? { status, json: { Information: echo(req), message: echo(req), Message: echo(req) } }
          : { status, text: echo(req) };
    for (const p of ['/query', '/v1beta1/news', '/calendar/country/united states/2025-03-11/2025-03-19']) server.on(p, answer);
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      pretty: false,
      destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }),
    });
    const t = testDeps(et('2025-03-12', '09:00'), ENV);
    const deps = { ...t.deps, logger };
    const errors: string[] = [];
    for (const source of ['alphavantage', 'alpaca'] as const) {
      const config = configWith({ sentiment: { source } });
      const feed = createSentimentFeed(config, deps, { mode: 'paper', symbols: ['MNQ'], url: server.url })!;
      errors.push(JSON.stringify(await feed.pollNow()), feed.status().lastError ?? '');
      try {
        await newsClient(config, source, ENV, server.url).fetchArticles(newsQueries(config.filters.sentiment, ['MNQ']).get('MNQ')!, 0, null);
      } catch (e) {
        expect(e).toBeInstanceOf(IntegrationError);
        errors.push((e as Error).message, (e as Error).stack ?? '');
      }
    }
    const calendar = createCalendarSource(configWith({ calendar: { source: 'tradingeconomics' } }), deps, {
      mode: 'paper',
      baseDir: '.',
      url: server.url,
    });
    errors.push(JSON.stringify(await calendar.refresh()), calendar.status().lastError ?? '');
    expect(errors.join('')).toMatch(/INTEGRATION_/);
    expect(lines.length).toBeGreaterThan(0);
    expectClean([...errors, ...lines, JSON.stringify(t.alerts)]);
  });

  it('on a network failure the URL in the message has its key masked', async () => {
    const config = configWith({ sentiment: { source: 'alphavantage' } });
    const err = await newsClient(config, 'alphavantage', ENV, 'http://127.0.0.1:9')
      .fetchArticles(newsQueries(config.filters.sentiment, ['MNQ']).get('MNQ')!, 0, null)
      .catch((e: unknown) => e as IntegrationError);
    expect(err).toBeInstanceOf(IntegrationError);
    expect((err as IntegrationError).code).toBe('INTEGRATION_NETWORK');
    expect((err as IntegrationError).message).toContain('apikey=[REDACTED]');
    expectClean([(err as IntegrationError).message]);
  });
});
