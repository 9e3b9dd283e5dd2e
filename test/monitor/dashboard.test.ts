// Dashboard: HTTP API and SSE fed by a bus and a journal, token rules, a results folder, and a browser
// (playwright-core driving Debian's chromium) seeing regime, P&L and a trade appear live.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/domain/errors.ts';
import { TradingState } from '../../src/domain/trading.ts';
import { MonitorBus, type MonitorEvent } from '../../src/monitor/bus.ts';
import { startDashboard, type DashboardHandle } from '../../src/monitor/dashboard/server.ts';
import { MemoryJournal } from '../../src/state/index.ts';
import { MINUTE, MONDAY_10_ET_MS, decisionRecord, tradeRecord } from '../state/journalFixtures.ts';
import { ensureChromium, openInChromium } from './browserSupport.ts';

const T = MONDAY_10_ET_MS;
const LABELS = ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'] as const;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const handles: DashboardHandle[] = [];
afterEach(async () => {
  while (handles.length) await handles.pop()!.close();
});

const barEvent = (regime: (typeof LABELS)[number], tsMs: number): MonitorEvent => ({
  type: 'bar',
  tsMs,
  symbol: 'MNQ',
  close: 21012.5,
  regime,
  confidence: 0.82,
  probs: LABELS.map((l) => (l === regime ? 0.82 : 0.045)),
  labels: [...LABELS],
});
const riskEvent = (dayPnlUsd: number, tsMs: number): MonitorEvent => ({
  type: 'risk',
  tsMs,
  figures: {
    state: TradingState.ACTIVE,
    balanceUsd: 50_000,
    equityUsd: 50_000 + dayPnlUsd,
    dayPnlUsd,
    mllFloorUsd: 48_000,
    tradesToday: 1,
    dailyLossLimitUsd: 1_000,
  },
});

async function journalWithHistory(): Promise<MemoryJournal> {
  const j = new MemoryJournal();
  await j.recordTrade(tradeRecord('old-1', T - 30 * MINUTE, 55, { exitReason: 'TARGET <b>hit</b>' }));
  await j.recordDecision(decisionRecord(0, { regime: 'NEUTRAL', decisionCode: 'NO_SIGNAL_OUTSIDE_BANDS' }));
  return j;
}

/** Reads SSE messages from `url` until `until(message)` holds; returns that message. */
async function readSseUntil(url: string, until: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const chunk = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (!chunk.startsWith('data: ')) continue;
        const data = JSON.parse(chunk.slice(6)) as Record<string, unknown>;
        if (until(data)) return data;
      }
    }
  } finally {
    await reader.cancel();
  }
}

describe('dashboard server', () => {
  it('serves the journal state, then pushes bus events over SSE', async () => {
    const bus = new MonitorBus();
    const dash = await startDashboard({ host: '127.0.0.1', port: 0, bus, journal: await journalWithHistory() });
    handles.push(dash);
    const state = (await (await fetch(`${dash.url}/api/state`)).json()) as { trades: { tradeId: string }[]; decisions: unknown[]; regime: unknown };
    expect(state.trades.map((t) => t.tradeId)).toEqual(['old-1']);
    expect(state.decisions).toHaveLength(1);
    expect(state.regime).toBeNull();

    const got = readSseUntil(`${dash.url}/events`, (d) => (d.trades as unknown[]).length === 2);
    while (dash.clientCount() === 0) await new Promise((r) => setImmediate(r));
    bus.publish(barEvent('BEAR', T));
    bus.publish(riskEvent(-240, T));
    bus.publish({ type: 'trade', trade: tradeRecord('live-1', T + MINUTE, -240) });
    const last = await got;
    expect((last.regime as { regime: string }).regime).toBe('BEAR');
    expect((last.risk as { dayPnlUsd: number }).dayPnlUsd).toBe(-240);
    expect((last.trades as { tradeId: string }[]).map((t) => t.tradeId)).toEqual(['live-1', 'old-1']);
  });

  it('refuses a non-loopback host without a token, and checks the token when set', async () => {
    await expect(startDashboard({ host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(ConfigError);
    const dash = await startDashboard({ host: '127.0.0.1', port: 0, token: 'dash-token-123' });
    handles.push(dash);
    const base = new URL(dash.url).origin;
    expect((await fetch(`${base}/api/state`)).status).toBe(401);
    expect((await fetch(`${base}/api/state?token=wrong-token-12`)).status).toBe(401);
    expect((await fetch(`${base}/api/state`, { headers: { authorization: 'Bearer dash-token-123' } })).status).toBe(200);
    expect((await fetch(dash.url)).status).toBe(200);
  });

  it('shows a results folder: summary.json through /api/results and report.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'txbot-results-'));
    try {
      writeFileSync(join(dir, 'summary.json'), JSON.stringify({ netPnlUsd: 1234.5, trades: 42 }));
      writeFileSync(join(dir, 'report.html'), '<html><body><h1 id="r">report</h1></body></html>');
      const dash = await startDashboard({ host: '127.0.0.1', port: 0, resultsDir: dir });
      handles.push(dash);
      const r = (await (await fetch(`${dash.url}/api/results`)).json()) as { summary: { trades: number }; hasReport: boolean };
      expect(r.summary.trades).toBe(42);
      expect(r.hasReport).toBe(true);
      expect(await (await fetch(`${dash.url}/results/report.html`)).text()).toContain('id="r"');
      mkdirSync(join(dir, 'empty'));
      await expect(startDashboard({ host: '127.0.0.1', port: 0, resultsDir: join(dir, 'empty') })).rejects.toBeInstanceOf(UsageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const noBrowser = ensureChromium();

describe.skipIf(noBrowser !== null)(`dashboard in chromium${noBrowser ? ` (skipped: ${noBrowser})` : ''}`, () => {
  let browserClose: (() => Promise<void>) | null = null;
  afterAll(async () => {
    await browserClose?.();
  });

  it('shows regime, P&L and a trade appearing live', async () => {
    const bus = new MonitorBus();
    const dash = await startDashboard({ host: '127.0.0.1', port: 0, bus, journal: await journalWithHistory() });
    handles.push(dash);
    const { page, close } = await openInChromium(dash.url);
    browserClose = close;
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await expect(page.locator('#trades tr').count()).resolves.toBe(2); // header + old-1
    // the journal's reason is shown as text, never as markup
    expect(await page.locator('#trades').textContent()).toContain('TARGET <b>hit</b>');

    bus.publish({ type: 'process', tsMs: T, phase: 'start', mode: 'paper', detail: '' });
    bus.publish(barEvent('STRONG_BULL', T));
    bus.publish(riskEvent(312.25, T));
    bus.publish(riskEvent(-80, T + MINUTE));
    bus.publish({ type: 'trade', trade: tradeRecord('live-1', T + MINUTE, 96.5, { side: 'short', regime: 'STRONG_BULL' }) });
    bus.publish({ type: 'alert', alert: { code: 'DRIFT_DETECTED', severity: 'warn', title: 'Regime model drift (ratio 0.250)', text: '', tsMs: T } });

    await page.locator('#regime', { hasText: 'STRONG_BULL' }).waitFor();
    await page.locator('#day-pnl', { hasText: '-80.00 USD' }).waitFor();
    await page.locator('#trades tr', { hasText: '+96.50' }).waitFor();
    expect(await page.locator('#mode').textContent()).toBe('paper');
    expect(await page.locator('#risk-state').textContent()).toBe('ACTIVE');
    expect(await page.locator('#alerts').textContent()).toContain('DRIFT_DETECTED');
    expect(await page.locator('#equity-curve polyline').count()).toBe(1);
    mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-artifacts/dashboard.png'), fullPage: true });
  }, 60_000);
});
