// End to end: `txbot sim-gateway` and `txbot history download|accounts|contracts` as child processes over
// real sockets; the download reproduces the simulator's bars byte for byte, resumes, and leaks no secret.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsToCsv } from '../../../src/data/index.ts';
import { barSeriesFromBars } from '../../../src/domain/bar.ts';
import { makeBars, T0 } from './support/harness.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const USER = 'e2e-trader-7731';
const KEY = 'k3y-e2e-9f8e7d6c5b';
const outputs: string[] = [];

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/txbot.mjs', ...args], {
      cwd: repoRoot,
      env: { ...process.env, PROJECTX_USERNAME: undefined, PROJECTX_API_KEY: undefined, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      outputs.push(stdout, stderr);
      done({ code, stdout, stderr });
    });
  });
}

const creds = { PROJECTX_USERNAME: USER, PROJECTX_API_KEY: KEY };
let dir: string;
let sim: ChildProcessWithoutNullStreams;
let simOut = '';
let gateway: string;
const bars = makeBars(600, T0, 300_000);
const fixtureCsv = barsToCsv(barSeriesFromBars(bars));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'txbot-px-e2e-'));
  writeFileSync(join(dir, 'bars.csv'), fixtureCsv);
  sim = spawn(
    process.execPath,
    ['bin/txbot.mjs', 'sim-gateway', '--data', join(dir, 'bars.csv'), '--port', '0', '--timezone', 'UTC', '--user', USER, '--api-key', KEY],
    { cwd: repoRoot },
  );
  sim.stderr.on('data', (d: Buffer) => (simOut += d.toString()));
  gateway = await new Promise<string>((resolveUrl, reject) => {
    let text = '';
    sim.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      simOut += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolveUrl(m[1]!);
    });
    sim.on('close', (code) => reject(new Error(`sim-gateway exited with ${code}: ${simOut}`)));
  });
});

afterAll(async () => {
  if (sim && sim.exitCode === null) {
    const closed = new Promise((r) => sim.once('close', r));
    sim.kill('SIGINT');
    await closed;
  }
  outputs.push(simOut);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('txbot against txbot sim-gateway', () => {
  it('downloads exactly the simulator bars as 5-minute CSV, then resumes a truncated file to the same bytes', async () => {
    const out = join(dir, 'mnq.csv');
    const args = [
      'history',
      'download',
      '--symbol',
      'MNQ',
      '--from',
      '2026-01-05',
      '--to',
      '2026-01-08',
      '--unit',
      'minute',
      '--unit-number',
      '5',
      '--out',
      out,
      '--gateway',
      gateway,
    ];
    const first = await run(args, creds);
    expect(first.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(fixtureCsv);

    const lines = fixtureCsv.split('\n');
    writeFileSync(out, `${lines.slice(0, 101).join('\n')}\n`);
    const resumed = await run(args, creds);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('appended 500 bars');
    expect(readFileSync(out, 'utf8')).toBe(fixtureCsv);

    const again = await run(args, creds);
    expect(again.stdout).toContain('appended 0 bars');
    expect(readFileSync(out, 'utf8')).toBe(fixtureCsv);
  });

  it('lists accounts and contracts', async () => {
    const accounts = await run(['accounts', '--gateway', gateway], creds);
    expect(accounts.code).toBe(0);
    expect(accounts.stdout).toMatch(/1001\s+SIM-50K-1\s+50000\.00\s+true\s+true/);
    const contracts = await run(['contracts', 'MES', '--gateway', gateway], creds);
    expect(contracts.code).toBe(0);
    expect(contracts.stdout).toMatch(/CON\.F\.US\.MES\.H26\s+MESH6/);
  });

  it('names the missing variables, and reports wrong credentials without echoing them', async () => {
    const missing = await run(['accounts', '--gateway', gateway], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('PROJECTX_USERNAME and PROJECTX_API_KEY are not set');
    const wrong = await run(['accounts', '--gateway', gateway, '--verbose'], { PROJECTX_USERNAME: USER, PROJECTX_API_KEY: `${KEY}-wrong` });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('InvalidCredentials');
  });

  it('never prints a credential or a token in any output', () => {
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(USER);
    // Tokens are JWTs: base64url of '{"' starts with eyJ.
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
