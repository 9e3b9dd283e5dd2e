// End-to-end `txbot retrain`, `txbot drift` and `txbot backtest --retrain` through bin/txbot.mjs on synthetic bars (40 days of one
// dynamics, then 20 days with 80% higher volatility): scores, decisions, label mapping, store, drift days.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DYNAMICS, generateSyntheticBars, writeBarsCsv } from '../../../src/data/index.ts';
import { allocateBarSeries } from '../../../src/domain/bar.ts';
import { regimeModelFromJson } from '../../../src/regime/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(repoRoot, 'bin/txbot.mjs');
const QUICK = { TXBOT__HMM__RESTARTS: '1', TXBOT__HMM__N_ITER: '60' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function txbot(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, TXBOT_LOG_LEVEL: 'silent', ...env } }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('txbot retrain and txbot drift', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-retrain-cli-'));
  const csv = join(dir, 'mnq_bars.csv');
  const model = join(dir, 'm.json');

  beforeAll(async () => {
    const a = generateSyntheticBars({ seed: 1, days: 40, meanRegimeBars: 10 }).series;
    const b = generateSyntheticBars({
      seed: 7,
      days: 20,
      meanRegimeBars: 10,
      startDate: '2024-03-01',
      dynamics: DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 1.8 })),
    }).series;
    const all = allocateBarSeries(a.length + b.length);
    for (const k of ['tsMs', 'open', 'high', 'low', 'close', 'volume'] as const) {
      all[k].set(a[k], 0);
      all[k].set(b[k], a.length);
    }
    writeBarsCsv(csv, all);
    const r = await txbot(['train', '--data', csv, '--to', '2024-02-26', '--out', model], dir, QUICK);
    expect(r.code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('retrain swaps after the shift, prints both scores and the label mapping, and stores the new model', async () => {
    const store = join(dir, 'store');
    const r = await txbot(['retrain', '--data', csv, '--model', model, '--window-days', '15', '--validation-days', '5', '--out', store], dir, QUICK);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/training days 2024-03-01 to 2024-03-21 \(15\); validation days 2024-03-22 to 2024-03-28 \(5, 390 bars\)/);
    const cur = Number(/current model score: (-?[\d.]+)/.exec(r.stdout)![1]);
    const neu = Number(/new model score: +(-?[\d.]+)/.exec(r.stdout)![1]);
    expect(neu).toBeGreaterThan(cur);
    expect(r.stdout).toContain('decision: SWAPPED (NEW_BETTER)');
    for (const label of ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'])
      expect(r.stdout).toMatch(new RegExp(`^${label} +[A-Z_]+ +[\\d.]+% +\\d+$`, 'm'));
    const pointer = JSON.parse(readFileSync(join(store, 'current.json'), 'utf8')) as { version: number; file: string };
    expect(pointer.version).toBe(2);
    const stored = regimeModelFromJson(readFileSync(join(store, pointer.file), 'utf8'), pointer.file);
    expect(stored.labels).toEqual(['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH']);
    expect(existsSync(join(store, 'model-000001.json'))).toBe(true);
  }, 60_000);

  it('retrain keeps the current model on stable data and leaves the store empty', async () => {
    const store = join(dir, 'store-kept');
    const r = await txbot(
      ['retrain', '--data', csv, '--model', model, '--window-days', '15', '--validation-days', '5', '--to', '2024-02-26', '--out', store],
      dir,
      QUICK,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('decision: KEPT (NEW_NOT_BETTER)');
    expect(r.stdout).toContain('(no model stored yet)');
    expect(existsSync(join(store, 'current.json'))).toBe(false);
  }, 60_000);

  it('retrain refuses a history shorter than the windows with exit code 3 and one line', async () => {
    const r = await txbot(
      ['retrain', '--data', csv, '--model', model, '--validation-days', '5', '--to', '2024-01-05', '--out', join(dir, 's3')],
      dir,
      QUICK,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/retrain needs 5 validation days and at least 2 training days/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('drift prints the ratio per day and triggers after the volatility shift (the training score as baseline)', async () => {
    const r = await txbot(['drift', '--data', csv, '--model', model, '--from', '2024-02-27'], dir, { TXBOT__RETRAIN__DRIFT_BASELINE: 'training' });
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^2024-\d\d-\d\d /.test(l));
    expect(rows.length).toBe(20);
    expect(rows[0]).toContain('warming up');
    expect(rows[4]).toMatch(/DRIFT +retrain$/);
    expect(r.stdout).toMatch(/drift would have triggered a retrain on \d+ day\(s\): 2024-03-07/);
  }, 60_000);

  it('drift with the held-out baseline measures it on the first unseen days and still triggers after the shift', async () => {
    // a model trained to 02-20 has four unseen days of the training dynamics before the shift on 03-01
    const early = join(dir, 'm-early.json');
    expect((await txbot(['train', '--data', csv, '--to', '2024-02-20', '--out', early], dir, QUICK)).code).toBe(0);
    const r = await txbot(['drift', '--data', csv, '--model', early, '--from', '2024-02-21', '--window-days', '3'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^baseline: -?\d+\.\d{4} per bar, the mean of the first 3 out-of-sample days \(2024-02-21 to 2024-02-23\); in-sample training score -?\d+\.\d{4} \(training 2024-01-02 to 2024-02-20\), ratio of the held-out baseline to it \d\.\d{3}$/m,
    );
    const rows = r.stdout.split('\n').filter((l) => /^2024-\d\d-\d\d /.test(l));
    expect(rows.slice(0, 3).every((l) => l.includes('baseline'))).toBe(true);
    expect(rows.some((l) => /DRIFT +retrain$/.test(l))).toBe(true);
  }, 60_000);

  it('drift rejects a bad --threshold with a usage error naming the option', async () => {
    const r = await txbot(['drift', '--data', csv, '--model', model, '--threshold', '2'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--threshold must be a number in [0, 1] (got "2")');
  });

  it('backtest --retrain writes both runs and lists the retrains; it needs --model', async () => {
    const outDir = join(dir, 'bt');
    const env = { ...QUICK, TXBOT__RETRAIN__WINDOW_DAYS: '20', TXBOT__RETRAIN__VALIDATION_DAYS: '5', TXBOT__RETRAIN__DRIFT_BASELINE: 'training' };
    const r = await txbot(['backtest', '--data', csv, '--model', model, '--from', '2024-02-27', '--retrain', '--out', outDir], dir, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== fixed model ==');
    expect(r.stdout).toContain('== retraining ==');
    expect(r.stdout).toMatch(/\d+ retrain\(s\), \d+ swap\(s\)/);
    expect(r.stdout).toMatch(/^retrains by trigger: .*schedule|drift.*; swaps that improved the next period's held-out log-likelihood: \d+ of \d+$/m);
    expect(r.stdout).toMatch(/^2024-03-\d\d +drift +(kept|swapped)/m);
    const cmp = JSON.parse(readFileSync(join(outDir, 'comparison.json'), 'utf8')) as { retrains: number };
    expect(cmp.retrains).toBeGreaterThan(0);
    expect(existsSync(join(outDir, 'fixed', 'report.html'))).toBe(true);
    expect(existsSync(join(outDir, 'retraining', 'report.html'))).toBe(true);
    const bad = await txbot(['backtest', '--data', csv, '--train', '--retrain', '--out', join(dir, 'bt2')], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retrain needs --model FILE');
  }, 120_000);

  it('both commands have --help with examples', async () => {
    for (const cmd of ['retrain', 'drift']) {
      const r = await txbot([cmd, '--help'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });
});
