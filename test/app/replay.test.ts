// Replay parity: the live code path (in-process simulator, SignalR over a real socket, bar aggregation,
// live runner, journal) over a bar file gives the same trades.csv as `txbot backtest`, trade for trade.

import { buildRunContext } from '../../src/app/runContext.ts';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { runBacktestJob } from '../../src/backtest/backtestJob.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { SqliteJournal } from '../../src/state/index.ts';
import { runReplay } from '../../src/app/replay.ts';
import { barsToCsv } from '../../src/data/index.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-replay-');
const repoRoot = resolve(import.meta.dirname, '../..');

describe('txbot replay', () => {
  it('trades exactly as the backtest on the same data, model and config (8 replayed days)', async () => {
    const { test, model } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 8 * 78);
    const loaded = testConfig();
    const btDir = join(tmp.dir, 'bt');
    const rpDir = join(tmp.dir, 'rp');
    runBacktestJob(buildRunContext(loaded, 'backtest'), { series, dataLabel: 'synthetic', model, outDir: btDir });
    const r = await runReplay({ loaded, series, model, outDir: rpDir, dataLabel: 'synthetic', logger: silentLogger(), chunkBars: 40 });
    const btTrades = readFileSync(join(btDir, 'trades.csv'), 'utf8');
    expect(btTrades.split('\n').length).toBeGreaterThan(4);
    expect(readFileSync(join(rpDir, 'trades.csv'), 'utf8')).toBe(btTrades);
    expect(readFileSync(join(rpDir, 'equity.csv'), 'utf8')).toBe(readFileSync(join(btDir, 'equity.csv'), 'utf8'));
    expect(readFileSync(join(rpDir, 'decisions.jsonl'), 'utf8')).toBe(readFileSync(join(btDir, 'decisions.jsonl'), 'utf8'));
    expect(r.tradesStreamed).toBeGreaterThan(series.length * 2);
    const journal = await SqliteJournal.open(join(rpDir, 'journal.db'), { mustExist: true });
    try {
      const last = await journal.latestTradingDate();
      expect(last).not.toBeNull();
      expect((await journal.endOfDayBalances()).length).toBe(7);
    } finally {
      await journal.close();
    }
  }, 120_000);

  it("with execution 'gateway' orders go through the ProjectX adapter to the matching engine (touch fills, no slippage)", async () => {
    const { test, model } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 3 * 78);
    const loaded = testConfig();
    const btDir = join(tmp.dir, 'bt3');
    const gwDir = join(tmp.dir, 'gw3');
    runBacktestJob(buildRunContext(loaded, 'backtest'), { series, dataLabel: 'synthetic', model, outDir: btDir });
    await runReplay({ loaded, series, model, outDir: gwDir, dataLabel: 'synthetic', logger: silentLogger(), execution: 'gateway' });
    const rows = (dir: string) =>
      readFileSync(join(dir, 'trades.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
    const bt = rows(btDir);
    const gw = rows(gwDir);
    expect(gw.length).toBeGreaterThan(0);
    // Same decision, same bar: the entry differs from the backtest's by exactly its slippage.
    const slip = loaded.config.backtest.slippage_ticks * 0.25;
    expect(gw[0]![0]).toBe(bt[0]![0]);
    expect(Number(gw[0]![5])).toBe(Number(bt[0]![5]) + (bt[0]![3] === 'long' ? -slip : slip));
    const journal = await SqliteJournal.open(join(gwDir, 'journal.db'), { mustExist: true });
    try {
      expect(await journal.openIntents()).toEqual([]);
    } finally {
      await journal.close();
    }
  }, 120_000);

  it('txbot replay from the CLI writes the same trades.csv as txbot backtest', async () => {
    const { test, model } = syntheticSetup();
    const csv = tmp.file('mnq_bars.csv', barsToCsv(sliceBarSeries(test, 0, 4 * 78)));
    const modelFile = tmp.file('model.json', regimeModelToJson(model));
    const config = tmp.file(
      'config.yaml',
      JSON.stringify({ filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } } }),
    );
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['bin/txbot.mjs', ...args], { cwd: repoRoot });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout.resume();
        child.on('close', (code) => done({ code, stderr }));
      });
    const common = ['--data', csv, '--model', modelFile, '--config', config];
    const [bt, rp] = [
      await run(['backtest', ...common, '--out', join(tmp.dir, 'cli-bt')]),
      await run(['replay', ...common, '--out', join(tmp.dir, 'cli-rp')]),
    ];
    expect([bt.code, rp.code]).toEqual([0, 0]);
    expect(rp.stderr).toMatch(/market trades streamed over the socket/);
    const trades = readFileSync(join(tmp.dir, 'cli-bt', 'trades.csv'), 'utf8');
    expect(trades.split('\n').length).toBeGreaterThan(3);
    expect(readFileSync(join(tmp.dir, 'cli-rp', 'trades.csv'), 'utf8')).toBe(trades);
    const bad = await run(['replay', ...common, '--out', join(tmp.dir, 'cli-x'), '--execution', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--execution must be sim-broker or gateway \(got "fast"\)/);
  }, 120_000);
});
