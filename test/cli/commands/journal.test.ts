// End-to-end `txbot journal show` through bin/txbot.mjs on journals written in a temp folder.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../../src/state/index.ts';
import { MINUTE, MONDAY_10_ET_MS, MONDAY_EVENING_MS, tradeRecord } from '../../state/journalFixtures.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(repoRoot, 'bin/txbot.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function txbot(args: string[], cwd: string): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, TXBOT_LOG_LEVEL: 'silent' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('txbot journal show', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-journal-show-'));
  const path = join(dir, 'journal.db');

  beforeAll(async () => {
    const j = await SqliteJournal.open(path);
    await j.recordTrade(tradeRecord('mon-1', MONDAY_10_ET_MS, 120.5, { exitReason: 'TARGET ✓\nhit' }));
    await j.recordTrade(tradeRecord('mon-2', MONDAY_10_ET_MS + 20 * MINUTE, -45.25));
    await j.recordTrade(tradeRecord('mon-3', MONDAY_10_ET_MS + 40 * MINUTE, 30));
    await j.recordEndOfDay('2026-01-05', 50_105.25, MONDAY_10_ET_MS + 8 * 60 * MINUTE);
    await j.recordTrade(tradeRecord('tue-1', MONDAY_EVENING_MS, -12, { side: 'short' }));
    await j.close();
    await (await SqliteJournal.open(join(dir, 'empty.db'))).close();
    writeFileSync(join(dir, 'config.yaml'), 'journal:\n  kind: sqlite\n  sqlite_path: journal.db\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the latest trading day by default, as JSON with --json', async () => {
    const r = await txbot(['journal', 'show', '--journal', path, '--json'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { tradingDate: string; summary: Record<string, unknown>; trades: { tradeId: string }[] };
    expect(report.tradingDate).toBe('2026-01-06');
    expect(report.trades.map((t) => t.tradeId)).toEqual(['tue-1']);
    expect(report.summary).toMatchObject({ tradeCount: 1, wins: 0, losses: 1, pnlUsd: -12, endOfDayBalanceUsd: null });
  });

  it('shows the day given with --day as a table and a summary line', async () => {
    const r = await txbot(['journal', 'show', '--journal', path, '--day', '2026-01-05'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toContain('trading day 2026-01-05');
    // header, rule, three trades (the reason's newline flattened), summary
    expect(lines).toHaveLength(1 + 2 + 3 + 1);
    expect(lines[3]).toContain('TARGET ✓ hit');
    expect(lines[lines.length - 1]).toBe(
      'Trades 3  wins 2  losses 1  win rate 66.7%  P&L +105.25 USD  commission 4.44 USD  end-of-day balance 50105.25 USD',
    );
  });

  it('finds the journal through journal.sqlite_path of ./config.yaml, relative to the config', async () => {
    const r = await txbot(['journal', 'show', '--day', '2026-01-05', '--json'], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { tradeCount: number } }).summary.tradeCount).toBe(3);
  });

  it('reports an empty journal without failing', async () => {
    const r = await txbot(['journal', 'show', '--journal', join(dir, 'empty.db'), '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ tradingDate: null, summary: null, trades: [] });
  });

  it('fails with exit 5 and one error line, no stack trace, for a missing journal file', async () => {
    const r = await txbot(['journal', 'show', '--journal', join(dir, 'missing', 'journal.db')], dir);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^txbot: .*missing\/journal\.db: journal file not found\nhint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with exit 2 for a malformed --day', async () => {
    const r = await txbot(['journal', 'show', '--journal', path, '--day', '05/01/2026'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith('txbot: --day: expected a date YYYY-MM-DD')).toBe(true);
  });
});
