// End-to-end `txbot train` through bin/txbot.mjs on synthetic bars written to a temp folder: the state
// table, the saved model (which must parse), and clear refusals.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticBars, writeBarsCsv } from '../../../src/data/index.ts';
import { regimeModelFromJson } from '../../../src/regime/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(repoRoot, 'bin/txbot.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function txbot(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, TXBOT_LOG_LEVEL: 'silent', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('txbot train', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txbot-train-'));
  const csv = join(dir, 'mnq_bars.csv');

  beforeAll(() => {
    writeBarsCsv(csv, generateSyntheticBars({ seed: 2, days: 40 }).series);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a state table and the transition matrix and writes a model that loads', async () => {
    const out = join(dir, 'models', 'm.json');
    const r = await txbot(['train', '--data', csv, '--out', out], dir, { TXBOT__HMM__RESTARTS: '1', TXBOT__HMM__N_ITER: '30' });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const label of ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH']) {
      expect(lines.some((l) => l.startsWith(label) && l.includes('%'))).toBe(true);
    }
    expect(r.stdout).toContain('transition matrix');
    expect(r.stdout).toMatch(/trained on \d+ bars in 40 trading days/);
    // no bars after the training period: the label-quality table says it is in-sample
    expect(r.stdout).toMatch(/^label quality \(IN-SAMPLE \(no bars after the training period in the file\)/m);
    expect(r.stdout).toMatch(/^state +bars +next 1-bar mean \(bp\) +t-stat +samples/m);
    const model = regimeModelFromJson(readFileSync(out, 'utf8'), out);
    expect(model.labels).toEqual(['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH']);
    expect(model.training.sequences).toBe(40);
  });

  it('refuses 7 states on less than 3 months with exit code 3 and one clear line', async () => {
    const r = await txbot(['train', '--data', csv, '--out', join(dir, 'm7.json')], dir, { TXBOT__HMM__N_STATES: '7' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/n_states: 7 needs at least 3 months/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('has --help with examples', async () => {
    const r = await txbot(['train', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});
