// End to end: `txbot sim-gateway` replaying bars, `txbot paper --dashboard-port 0` against it (child
// processes, real sockets), and the session's monitoring dashboard opened in chromium showing regime, P&L and a trade.

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsToCsv } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { formatUtcIso } from '../../src/broker/projectx/index.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { ensureChromium, openInChromium } from '../monitor/browserSupport.ts';
import { waitFor } from './support/waitFor.ts';
import { spawnTxbot } from './support/txbotProcess.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const env = { ...process.env, PROJECTX_USERNAME: 'sim-user', PROJECTX_API_KEY: 'sim-key', TXBOT_LOG_LEVEL: 'warn' };
const noBrowser = ensureChromium();
let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];

function txbot(args: string[]) {
  const run = spawnTxbot(args, env);
  children.push(run.child);
  return run;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'txbot-monitor-e2e-'));
  // The paper e2e's synthetic set-up: a model trained on synthetic bars; day 8 trades early in its session.
  const { test, model } = syntheticSetup();
  const series = sliceBarSeries(test, 0, 12 * 78);
  writeFileSync(join(dir, 'bars.csv'), barsToCsv(series));
  writeFileSync(join(dir, 'model.json'), regimeModelToJson(model));
  const config = {
    filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } },
    live: { status_interval_seconds: 3600 },
  };
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(noBrowser !== null)(`txbot paper --dashboard-port 0 in chromium${noBrowser ? ` (skipped: ${noBrowser})` : ''}`, () => {
  it('serves the dashboard, which shows the regime, the day P&L and a trade of the running paper session', async () => {
    const { test: bars } = syntheticSetup();
    const startIso = formatUtcIso(sliceBarSeries(bars, 0, 12 * 78).tsMs[8 * 78]!);
    const sim = txbot(['sim-gateway', '--data', join(dir, 'bars.csv'), '--port', '0', '--timezone', 'UTC', '--speed', '1000', '--start', startIso]);
    const gateway = (await waitFor(sim.child, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const paper = txbot([
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
      '--dashboard-port',
      '0',
    ]);
    const url = (await waitFor(paper.child, /dashboard (http:\/\/127\.0\.0\.1:\d+\S*)/))[1]!;
    expect(url).not.toContain('token=');
    const browser = await openInChromium(url);
    try {
      const { page } = browser;
      await page.locator('#connection', { hasText: 'live' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#mode').textContent()).toBe('paper');
      await page.locator('#regime', { hasText: /^(STRONG_BULL|BULL|SOFT_BULL|NEUTRAL|SOFT_BEAR|BEAR|CRASH)$/ }).waitFor({ timeout: 60_000 });
      await page.locator('#day-pnl', { hasText: / USD$/ }).waitFor({ timeout: 60_000 });
      // header row + at least one round trip of this session
      await page.locator('#trades tr:nth-child(2)').waitFor({ timeout: 120_000 });
      const tradeRow = (await page.locator('#trades tr:nth-child(2)').textContent()) ?? '';
      expect(tradeRow).toMatch(/MNQ|NQ/);
      expect(tradeRow).toMatch(/[+-]\d+\.\d\d/);
      expect(await page.locator('#risk-state').textContent()).toMatch(/^[A-Z_]+$/);
      expect(await page.locator('#decisions tr').count()).toBeGreaterThan(1);
      expect(Number((await page.locator('#mll-floor').textContent()) ?? 'NaN')).toBeGreaterThan(0);
      mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'test-artifacts/paper-dashboard.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    paper.child.kill('SIGINT');
    const r = await paper.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stopped \(SIGINT\)/);
    sim.child.kill('SIGTERM');
  }, 240_000);
});
