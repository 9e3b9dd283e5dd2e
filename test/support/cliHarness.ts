// Runs the txbot CLI in-process (`main(argv)` of src/cli/main.ts) with captured stdout/stderr, a chosen
// working folder and temporary environment variables; and, for a few checks, as a real bin/txbot.mjs process.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type Write = typeof process.stdout.write;

/** Runs `txbot ...args` in this process; `env` entries are set for the run only (undefined removes one). */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const savedOut = process.stdout.write.bind(process.stdout) as Write;
  const savedErr = process.stderr.write.bind(process.stderr) as Write;
  const capture =
    (sink: string[]): Write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  const env = { TXBOT_LOG_LEVEL: 'silent', ...options.env };
  const savedEnv = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (options.cwd) process.chdir(options.cwd);
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  let code: number;
  try {
    code = await main(['node', 'txbot', ...args]);
  } finally {
    process.stdout.write = savedOut;
    process.stderr.write = savedErr;
    process.chdir(savedCwd);
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs `node bin/txbot.mjs ...args` as a real process. */
export function runCliProcess(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin/txbot.mjs'), ...args],
      { cwd: options.cwd ?? repoRoot, env: { ...process.env, TXBOT_LOG_LEVEL: 'silent', ...options.env }, maxBuffer: 1 << 24 },
      (e, stdout, stderr) => done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** sha256 of a file, or of every file below a folder (path + content), or "absent". */
export function hashPath(path: string): string {
  if (!existsSync(path)) return 'absent';
  const h = createHash('sha256');
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else {
      h.update(p);
      h.update(readFileSync(p));
    }
  };
  walk(path);
  return h.digest('hex');
}

/** Whether stderr holds a JavaScript stack trace. */
export function hasStackTrace(stderr: string): boolean {
  return /\n\s+at .+\(?.+:\d+:\d+\)?/.test(stderr) || stderr.includes('internal error');
}
