// The real-trial part of bench/optimize.bench.ts: the backtest trial of `txbot optimize` (train the window's HMM
// once per worker, backtest its training days with the trial's parameters) on a synthetic window set, timed on
// 2 worker threads and on two `txbot worker` processes through BullMQ. Each worker fits each window's model the
// first time it meets the window, as in a real sweep; the timed sweep follows a warm-up of 2 trials.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKTEST_TRIAL, trialContextJson } from '../src/app/optimizeTrial.ts';
import { rollingWindows } from '../src/backtest/walkForwardPlan.ts';
import { loadConfig } from '../src/config/index.ts';
import { barsToCsv, fileSha256, generateSyntheticBars, loadBars } from '../src/data/index.ts';
import { tradingDatesOf } from '../src/data/tradingDates.ts';
import { createBullmqBackend } from '../src/optimize/backends/bullmqBackend.ts';
import { createLocalBackend } from '../src/optimize/backends/localBackend.ts';
import type { Sweep, TrialBackend } from '../src/optimize/backends/trialBackend.ts';
import type { JsonValue } from '../src/optimize/types.ts';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../test/optimize/support/redisPrefix.ts';

const TRIALS = Number(process.env.TXBOT_BENCH_REAL_TRIALS ?? 48);
const DAYS = 80;
const TRAIN = 40;
const TEST = 10;

interface Row {
  readonly label: string;
  readonly seconds: number;
  readonly perSecond: number;
}

/** `txbot worker` on the queue; resolves when it printed "worker ready". */
function startCliWorker(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/txbot.mjs', 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('worker ready')) resolve(child);
    });
    child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
    child.on('exit', (code) => reject(new Error(`txbot worker exited ${code}: ${text}`)));
  });
}

/** Measures the real trial on both backends; the description names the window set. */
export async function measureRealTrials(): Promise<{ description: string; rows: Row[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-bench-opt-'));
  try {
    const bars = join(dir, 'mnq_bench.csv');
    writeFileSync(bars, barsToCsv(generateSyntheticBars({ seed: 7, days: DAYS }).series));
    const cfg = join(dir, 'bench.yaml');
    // The VIX and news filters read vendor files; the synthetic days have none.
    writeFileSync(cfg, 'filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } }\n');
    const loaded = loadConfig({ file: cfg });
    const c = loaded.config;
    const data = { file: bars, timezone: c.data.timezone, policy: c.data.policy, barMinutes: c.data.bar_minutes };
    const series = (await loadBars(bars, data)).series;
    const windows = rollingWindows(tradingDatesOf(series), TRAIN, TEST, TEST);
    const sha = await fileSha256(bars);
    const context = trialContextJson({ config: c, baseDir: loaded.baseDir, symbol: 'MNQ', windows });
    const sweep = (sweepId: string, n: number): Sweep => ({
      sweepId,
      round: 0,
      dataSha256: sha,
      trial: BACKTEST_TRIAL,
      context,
      retry: { attempts: 1, backoffMs: 0 },
      // Trial i: window i mod W, and the k-th distinct parameter point of that window (k = i div W).
      trials: Array.from({ length: n }, (_, i) => {
        const k = Math.floor(i / windows.length);
        return {
          windowIndex: i % windows.length,
          params: { 'stops.NEUTRAL': 16 + 4 * (k % 12), 'entries.min_reward_risk': Math.round((0.5 + 0.1 * Math.floor(k / 12)) * 10) / 10 },
          seed: 1,
          segment: 'train' as const,
        };
      }),
    });
    const measure = async (backend: TrialBackend, label: string): Promise<Row> => {
      await backend.run(sweep(`${label}-warmup-${Date.now()}`, 2));
      const t0 = performance.now();
      const outcomes = await backend.run(sweep(`${label}-${Date.now()}`, TRIALS));
      const seconds = (performance.now() - t0) / 1000;
      const failed = outcomes.find((o) => o.status === 'failed');
      if (failed && failed.status === 'failed') throw new Error(`${label}: a trial failed: ${failed.reason}`);
      return { label, seconds, perSecond: TRIALS / seconds };
    };
    const rows: Row[] = [];
    const local = createLocalBackend({ jobs: 2, datasets: { [sha]: data as unknown as JsonValue } });
    try {
      rows.push(await measure(local, 'worker threads (jobs 2)'));
    } finally {
      await local.close();
    }
    const prefix = uniquePrefix('bench-real');
    const args = ['--queue', REDIS_URL, '--queue-prefix', prefix, '--data', bars, '--config', cfg];
    const workers: ChildProcess[] = [];
    try {
      workers.push(...(await Promise.all([startCliWorker(args), startCliWorker(args)])));
      const bullmq = createBullmqBackend({ queueUrl: REDIS_URL, prefix, pollMs: 50, timeoutMs: 1_800_000 });
      try {
        rows.push(await measure(bullmq, 'BullMQ, 2 txbot worker processes'));
      } finally {
        await bullmq.close();
      }
    } finally {
      await Promise.all(
        workers.map((w) => {
          const gone = new Promise((r) => w.once('exit', r));
          w.kill('SIGTERM');
          return gone;
        }),
      );
      await deletePrefix(prefix);
    }
    const barsPerDay = Math.round(series.length / tradingDatesOf(series).length);
    return {
      description: `${TRIALS} real backtest trials (default config, synthetic MNQ ${DAYS} days of ~${barsPerDay} bars, ${windows.length} windows of ${TRAIN}/${TEST} days; each trial backtests its window's ${TRAIN} training days; each worker fits a window's HMM the first time it meets it)`,
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
