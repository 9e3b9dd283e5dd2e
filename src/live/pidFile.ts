// The running session's pid file: `txbot paper|live` write it, `txbot kill` reads it and sends SIGUSR2
// (the kill switch signal) to that process.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError, quoteSnippet } from '../domain/index.ts';

/** Signal that triggers the kill switch of a running session. */
export const KILL_SIGNAL = 'SIGUSR2';

/** Default pid file: `.txbot/txbot.pid` under the config's folder, or `path` resolved there. */
export function pidFilePath(baseDir: string, path?: string): string {
  const p = path ?? '.txbot/txbot.pid';
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** Writes this process's pid. */
export function writePidFile(path: string, pid: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n`);
}

/** Removes the pid file if it still names `pid`. */
export function removePidFile(path: string, pid: number): void {
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === pid) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}

/** Sends the kill switch to the session named in the pid file; returns its pid. */
export function signalKill(path: string, kill: (pid: number, signal: NodeJS.Signals) => void = (p, s) => process.kill(p, s)): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${path}: no running session found (pid file missing)`, {
      hint: 'start one with `txbot paper` or `txbot live`, or give --pid-file',
    });
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`${path}: expected a process id, found ${quoteSnippet(text.trim(), 40)}`);
  try {
    kill(pid, KILL_SIGNAL);
  } catch (e) {
    throw new UsageError(`${path}: process ${pid} is not running (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'the session already ended; remove the stale pid file',
    });
  }
  return pid;
}
