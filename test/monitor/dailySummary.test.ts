// Daily report from a crafted journal: P&L, win rate, regime distribution, limits used; and `txbot summary` end to end.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TradingState } from '../../src/domain/trading.ts';
import { buildDailyReport, dailySummaryAlert, formatDailyReport } from '../../src/monitor/dailySummary.ts';
import { MemoryJournal, SqliteJournal, type Journal } from '../../src/state/index.ts';
import { MINUTE, MONDAY_10_ET_MS, decisionRecord, tradeRecord } from '../state/journalFixtures.ts';

const LIMITS = { accountSizeUsd: 50_000, maxLossLimitUsd: 2_000, dailyLossLimitUsd: 1_000, maxTradesPerDay: 8 };

async function fill(j: Journal): Promise<void> {
  await j.recordEndOfDay('2026-01-02', 50_600, MONDAY_10_ET_MS - 3 * 24 * 60 * MINUTE);
  await j.recordTrade(tradeRecord('a', MONDAY_10_ET_MS, 150, { regime: 'BULL' }));
  await j.recordTrade(tradeRecord('b', MONDAY_10_ET_MS + 20 * MINUTE, -300, { regime: 'BULL' }));
  await j.recordTrade(tradeRecord('c', MONDAY_10_ET_MS + 40 * MINUTE, -250, { regime: 'BEAR' }));
  await j.recordTrade(tradeRecord('d', MONDAY_10_ET_MS + 60 * MINUTE, 0, { regime: null }));
  await j.recordDecisions(
    [0, 1, 2].map((n) => decisionRecord(n, { regime: 'BULL' })).concat([3].map((n) => decisionRecord(n, { regime: 'NEUTRAL' }))),
  );
  await j.recordRiskState({ state: TradingState.REDUCING, reason: 'FLAT_TIME: 15:10 CT', tsMs: MONDAY_10_ET_MS + 5 * 60 * MINUTE });
}

describe('buildDailyReport', () => {
  it('computes P&L, win rate, regimes and the share of each limit used', async () => {
    const j = new MemoryJournal();
    await fill(j);
    const r = await buildDailyReport(j, '2026-01-05', LIMITS, { driftRatio: 0.12 });
    expect(r).toMatchObject({
      tradingDate: '2026-01-05',
      pnlUsd: -400,
      tradeCount: 4,
      wins: 1,
      losses: 2,
      winRate: 0.25,
      regimeBars: { BULL: 3, NEUTRAL: 1 },
    });
    expect(r.tradesByRegime).toEqual({ BULL: { trades: 2, pnlUsd: -150 }, BEAR: { trades: 1, pnlUsd: -250 }, none: { trades: 1, pnlUsd: 0 } });
    expect(r.dailyLossUsed).toBeCloseTo(0.4, 12);
    expect(r.tradesUsed).toBe(0.5);
    // floor trails H = 50 600 → 48 600; room 50 600 - 48 600 = 2 000; 400 / 2 000
    expect(r.mllFloorUsd).toBe(48_600);
    expect(r.startBalanceUsd).toBe(50_600);
    expect(r.endBalanceUsd).toBe(50_200);
    expect(r.mllRoomUsed).toBeCloseTo(0.2, 12);
    expect(r.driftRatio).toBe(0.12);
    expect(r.riskState).toBe('REDUCING');
  });

  it('reports an empty day with zero P&L and no win rate', async () => {
    const r = await buildDailyReport(new MemoryJournal(), '2026-01-07', LIMITS);
    expect(r).toMatchObject({ pnlUsd: 0, tradeCount: 0, winRate: null, dailyLossUsed: 0, mllFloorUsd: 48_000, regimeBars: {} });
    expect(formatDailyReport(r)).toContain('win rate -');
  });

  it('becomes an info alert keyed by the day', async () => {
    const j = new MemoryJournal();
    await fill(j);
    const a = dailySummaryAlert(await buildDailyReport(j, '2026-01-05', LIMITS), 1);
    expect(a).toMatchObject({ code: 'DAILY_SUMMARY', severity: 'info', dedupeKey: 'DAILY_SUMMARY:2026-01-05' });
    expect(a.text.split('\n')[0]).toBe('Daily summary 2026-01-05');
  });
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function txbot(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin/txbot.mjs'), ...args],
      { cwd, env: { ...process.env, TXBOT_LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('txbot summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the same report as buildDailyReport, as JSON and as text', async () => {
    const path = join(dir, 'journal.db');
    const j = await SqliteJournal.open(path);
    await fill(j);
    const expected = await buildDailyReport(j, '2026-01-05', LIMITS);
    await j.close();
    const json = await txbot(['summary', '--journal', path, '--day', '2026-01-05', '--json'], dir);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    const text = await txbot(['summary', '--journal', path], dir);
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toBe(formatDailyReport(expected));
  }, 30_000);

  it('refuses a malformed --day with a usage error (exit 2)', async () => {
    const r = await txbot(['summary', '--day', '5/1/2026', '--journal', join(dir, 'none.db')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('    at ');
  }, 30_000);
});
