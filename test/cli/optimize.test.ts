// `txbot optimize` and `txbot worker` as a user runs them: worker threads and two real BullMQ worker
// processes give byte-identical outputs; a killed coordinator resumes without redoing trials; a worker
// holding other data refuses the trials (reported, never dropped); bad options are usage errors.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { barsToCsv, generateSyntheticBars } from '../../src/data/index.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const txbot = (args: string[]) => spawnSync(process.execPath, ['bin/txbot.mjs', ...args], { encoding: 'utf8' });
const workers: ChildProcess[] = [];
// A queue prefix of this test run only: results of an earlier run (kept in Redis for resumes) are not reused.
const PREFIX = `txbot-test-${process.pid}-${Math.floor(performance.timeOrigin)}`;
const queueArgs = (prefix: string) => ['--queue', 'redis://127.0.0.1:6379', '--queue-prefix', prefix];
const QUEUE = queueArgs(PREFIX);
afterEach(() => {
  for (const w of workers.splice(0)) w.kill('SIGKILL');
});
afterAll(async () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
});

function setup(seed: number) {
  const bars = tmp.file(`mnq_bars-${seed}.csv`, barsToCsv(generateSyntheticBars({ seed, days: 45 }).series));
  const cfg = tmp.file(
    `cfg-${seed}.yaml`,
    [
      'hmm: { n_iter: 15, restarts: 1 }',
      'filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } }',
      'optimize:',
      '  space:',
      '    stops.NEUTRAL: { min: 20, max: 60, step: 20 }',
      '    entries.min_reward_risk: [0.5, 1]',
      '  sampler: grid',
      '  trials: 6',
      `  seed: ${seed}`,
      '  retry: { attempts: 1, backoff_ms: 0 }',
      '',
    ].join('\n'),
  );
  return { bars, cfg, args: ['--data', bars, '--config', cfg, '--train-days', '20', '--test-days', '10', '--step-days', '10'] };
}

async function startWorker(bars: string, cfg: string, queue = QUEUE): Promise<ChildProcess> {
  const w = spawn(process.execPath, ['bin/txbot.mjs', 'worker', ...queue, '--data', bars, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(w);
  await new Promise<void>((resolve, reject) => {
    let text = '';
    w.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('worker ready')) resolve();
    });
    w.on('exit', (code) => reject(new Error(`worker exited ${code}: ${text}`)));
  });
  return w;
}

describe('txbot optimize', () => {
  it('gives the same bytes on worker threads and on two BullMQ worker processes', async () => {
    const s = setup(11);
    const local = join(tmp.dir, 'local');
    const r1 = txbot(['optimize', ...s.args, '--jobs', '2', '--out', local]);
    expect(r1.status, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/3 windows, 18 trials \(18 completed, 0 failed\)/);
    expect(r1.stdout).toMatch(/continuous out-of-sample account: net P&L -?\d+\.\d\d USD/);
    expect(r1.stdout).toMatch(/deflated Sharpe of the chosen parameters: (median \d\.\d{3}, at or above 0\.95 in \d of 3 windows|n\/a)/);
    await Promise.all([startWorker(s.bars, s.cfg), startWorker(s.bars, s.cfg)]);
    const queued = join(tmp.dir, 'queued');
    const r2 = spawnSync(process.execPath, ['bin/txbot.mjs', 'optimize', ...s.args, ...QUEUE, '--out', queued], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r2.status, r2.stderr).toBe(0);
    for (const f of ['summary.json', 'trials.csv', 'report.html'])
      expect(readFileSync(join(queued, f)).equals(readFileSync(join(local, f))), f).toBe(true);
    type Sum = {
      chosen: unknown[];
      deflatedSharpe: unknown[];
      account: { netPnl: number; endingBalance: number; method: string };
      optimization: { windows: unknown[] };
    };
    const sum = JSON.parse(readFileSync(join(local, 'summary.json'), 'utf8')) as Sum;
    const queuedSum = JSON.parse(readFileSync(join(queued, 'summary.json'), 'utf8')) as Sum;
    expect(sum.chosen).toHaveLength(3);
    expect(sum.deflatedSharpe).toHaveLength(3);
    // The one continuous out-of-sample account, the same on both backends and shown in the report.
    expect(sum.account.method).toMatch(/one account .* each with the parameters chosen on its training days/);
    expect(sum.account.endingBalance).toBeCloseTo(50_000 + sum.account.netPnl, 2);
    expect(queuedSum.account).toEqual(sum.account);
    expect(readFileSync(join(local, 'report.html'), 'utf8')).toContain('The continuous out-of-sample account');
  }, 180_000);

  it('a worker holding other data refuses the trials: they are reported failed, never dropped', async () => {
    const s = setup(12);
    const other = setup(13);
    await startWorker(other.bars, other.cfg);
    const out = join(tmp.dir, 'refused');
    const r = spawnSync(process.execPath, ['bin/txbot.mjs', 'optimize', ...s.args, ...QUEUE, '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/18 trials \(0 completed, 18 failed\)/);
    expect(readFileSync(join(out, 'trials.csv'), 'utf8')).toContain(',failed,');
  }, 180_000);

  it('a coordinator killed mid-sweep and started again completes it without running finished trials again', async () => {
    const s = setup(15);
    const local = join(tmp.dir, 'resume-local');
    const r1 = txbot(['optimize', ...s.args, '--jobs', '2', '--out', local]);
    expect(r1.status, r1.stderr).toBe(0);
    // A queue of its own: the completed set must hold this sweep's trials only (not the first test's).
    const prefix = `${PREFIX}-resume`;
    await startWorker(s.bars, s.cfg, queueArgs(prefix));
    const redis = new Redis('redis://127.0.0.1:6379');
    const queued = join(tmp.dir, 'resume-queued');
    const args = ['bin/txbot.mjs', 'optimize', ...s.args, ...queueArgs(prefix), '--out', queued];
    try {
      const first = spawn(process.execPath, args, { stdio: 'ignore' });
      const completed = `${prefix}:optimize-trials:completed`;
      const deadline = Date.now() + 120_000;
      while ((await redis.zcard(completed)) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const atKill = await redis.zcard(completed);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      // The worker goes on with the trials already queued; those finished by now must not run again either.
      const before = await redis.zrange(completed, 0, -1);
      expect(atKill).toBeGreaterThanOrEqual(3);
      expect(atKill).toBeLessThan(18 + 3);
      const finishedBefore = await Promise.all(before.map((id) => redis.hget(`${prefix}:optimize-trials:${id}`, 'finishedOn')));
      const r2 = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
      expect(r2.status, r2.stderr).toBe(0);
      expect(r2.stdout).toMatch(/18 trials \(18 completed, 0 failed\)/);
      // The trials finished before the kill kept their result: none of them ran again.
      const finishedAfter = await Promise.all(before.map((id) => redis.hget(`${prefix}:optimize-trials:${id}`, 'finishedOn')));
      expect(finishedAfter).toEqual(finishedBefore);
      expect(await redis.zcard(completed)).toBe(18 + 3); // the trials and each window's one test run
      for (const f of ['summary.json', 'trials.csv', 'report.html'])
        expect(readFileSync(join(queued, f)).equals(readFileSync(join(local, f))), f).toBe(true);
    } finally {
      await redis.quit();
    }
  }, 240_000);

  it('refuses bad options and an empty search space with usage errors', () => {
    const s = setup(14);
    expect(txbot(['optimize', ...s.args, '--sampler', 'annealing', '--out', join(tmp.dir, 'x')]).stderr).toMatch(
      /--sampler must be one of grid, random, tpe/,
    );
    expect(txbot(['optimize', ...s.args, '--jobs', '2', '--queue', 'redis://x', '--out', join(tmp.dir, 'x')]).stderr).toMatch(
      /--jobs and --queue exclude each other/,
    );
    const empty = tmp.file('empty.yaml', 'hmm: { n_iter: 10 }\n');
    const r = txbot(['optimize', '--data', s.bars, '--config', empty, '--out', join(tmp.dir, 'y')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/optimize.space is empty/);
  });
});
