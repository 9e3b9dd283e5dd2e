// Starts test worker processes (`node --import tsx workerMain.ts`) in their own process group, so a test can
// kill a worker with its sandboxed children, and waits for them to be ready or to exit.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./workerMain.ts', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
}

/** Spawns a worker; `ready` resolves when it printed "ready" (rejects if it exits first). */
export function spawnWorker(options: {
  queueUrl: string;
  prefix: string;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, JSON.stringify(options)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    void exited.then((e) => reject(new Error(`worker exited before ready (${e.code ?? e.signal}): ${out}`)));
  });
  return { child, pid: child.pid!, ready, exited, output: () => out };
}

/** Kills a worker and everything it started (its process group). */
export function killGroup(w: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-w.pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `condition` every 50 ms until it holds (rejects after timeoutMs). */
export async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
