// Spawns electorChild.ts as real Node processes and collects their JSON events, for the multi-process
// test and the takeover bench; every process it starts is tracked so the caller can kill it by pid.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/** One line printed by a contender. */
export interface ContenderEvent {
  readonly ev: string;
  readonly name: string;
  readonly pid: number;
  /** The child's timeOrigin + performance.now() (comparable across processes on one host). */
  readonly atMs: number;
  readonly token?: number;
  readonly value?: boolean;
  readonly ok?: boolean;
  readonly mayAct?: boolean;
  readonly reason?: string;
  readonly result?: { ok: boolean; code?: string; highestToken?: number };
  /** Index of this event in the receiving process (set on receipt). */
  readonly seq: number;
}

/** Options forwarded to electorChild.ts. */
export interface ContenderOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly marginMs: number;
  readonly actEveryMs: number;
}

/** A running contender process. */
export class Contender {
  readonly events: ContenderEvent[] = [];
  readonly exited: Promise<NodeJS.Signals | number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';

  constructor(
    readonly name: string,
    options: ContenderOptions,
    private readonly counter: { seq: number },
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(here, 'electorChild.ts'), JSON.stringify({ ...options, name })], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout.on('data', (b: Buffer) => {
      buffer += b.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('{')) this.events.push({ ...(JSON.parse(line) as ContenderEvent), seq: this.counter.seq++ });
      }
    });
    this.child.stderr.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((r) => this.child.on('exit', (code, signal) => r(signal ?? code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** The first event matching `pred` (from index `fromSeq` on), waiting up to `timeoutMs`. */
  async next(pred: (e: ContenderEvent) => boolean, what: string, timeoutMs: number, fromSeq = 0): Promise<ContenderEvent> {
    const start = performance.now();
    for (;;) {
      const found = this.events.find((e) => e.seq >= fromSeq && pred(e));
      if (found) return found;
      if (!this.alive && performance.now() - start > 200)
        throw new Error(`contender ${this.name} exited before ${what}: ${this.stderr.slice(-2000)}`);
      if (performance.now() - start > timeoutMs)
        throw new Error(`timed out after ${timeoutMs}ms waiting for ${this.name}: ${what}; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Starts named contenders sharing one receipt counter; `killAll()` SIGKILLs (SIGCONT first) those still running. */
export function contenders(options: ContenderOptions): {
  start(name: string): Contender;
  all: Contender[];
  counter: { seq: number };
  killAll(): Promise<void>;
} {
  const all: Contender[] = [];
  const counter = { seq: 0 };
  return {
    all,
    counter,
    start(name) {
      const c = new Contender(name, options, counter);
      all.push(c);
      return c;
    },
    async killAll() {
      for (const c of all)
        if (c.alive) {
          c.signal('SIGCONT');
          c.signal('SIGKILL');
        }
      await Promise.all(all.map((c) => c.exited));
    },
  };
}

/** Waits until one of `pool` prints an event matching `pred` after `fromSeq`; returns it and its contender. */
export async function nextAmong(
  pool: readonly Contender[],
  pred: (e: ContenderEvent) => boolean,
  what: string,
  timeoutMs: number,
  fromSeq = 0,
): Promise<{ contender: Contender; event: ContenderEvent }> {
  const start = performance.now();
  for (;;) {
    for (const contender of pool) {
      const event = contender.events.find((e) => e.seq >= fromSeq && pred(e));
      if (event) return { contender, event };
    }
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
