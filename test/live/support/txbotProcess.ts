// Runs the compiled CLI as a user does (node bin/txbot.mjs ...) from the repo root, collecting its output.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface TxbotRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process closed, with its exit code and whole output. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The output so far. */
  stdout(): string;
  stderr(): string;
}

/** Starts `txbot args` with `env`. */
export function spawnTxbot(args: readonly string[], env: NodeJS.ProcessEnv): TxbotRun {
  const child = spawn(process.execPath, ['bin/txbot.mjs', ...args], { cwd: REPO_ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) =>
    child.on('close', (code) => ok({ code, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}
