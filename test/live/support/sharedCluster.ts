// Several real `txbot live` processes on one simulated account sharing Redis state (state.kind redis): a
// `txbot sim-gateway` child, the session children with their stdout lines timed on arrival, a private
// redis-server that can be restarted, and a watchdog over the simulator's account (orders seen over time,
// positions without a working stop).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { OrderStatus, OrderType, ProjectXClient, type PxOrder } from '../../../src/broker/projectx/index.ts';
import { ProjectXRateLimits } from '../../../src/broker/projectx/rateLimiter.ts';
import { systemClock } from '../../../src/domain/clock.ts';
import { waitFor as waitForLine } from './waitFor.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const simEnv = { ...process.env, PROJECTX_USERNAME: 'sim-user', PROJECTX_API_KEY: 'sim-key', TXBOT_LOG_LEVEL: 'warn' };

/** A stdout line and when it arrived (performance.now()). */
export interface TimedLine {
  readonly atMs: number;
  readonly text: string;
}

/** One txbot child process. */
export interface TxbotProc {
  readonly name: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: TimedLine[];
  stderr(): string;
  /** The first line matching `re` from index `from` on, waiting up to `timeoutMs`. */
  next(re: RegExp, timeoutMs: number, from?: number): Promise<TimedLine & { index: number; match: RegExpExecArray }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node bin/txbot.mjs ...args` from the repository root. */
export function startTxbot(name: string, args: readonly string[], env: Record<string, string> = {}): TxbotProc {
  const child = spawn(process.execPath, ['bin/txbot.mjs', ...args], { cwd: repoRoot, env: { ...simEnv, ...env } });
  const lines: TimedLine[] = [];
  let partial = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    const atMs = performance.now();
    for (const text of parts) lines.push({ atMs, text });
    for (const w of waiters) w();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.on('close', (code, signal) => {
      for (const w of waiters) w();
      ok({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    name,
    child,
    lines,
    stderr: () => err,
    exited,
    next(re, timeoutMs, from = 0) {
      return new Promise((ok, fail) => {
        const check = (): boolean => {
          for (let i = from; i < lines.length; i++) {
            const m = re.exec(lines[i]!.text);
            if (m) {
              ok({ ...lines[i]!, index: i, match: m });
              return true;
            }
          }
          return false;
        };
        if (check()) return;
        const timer = setTimeout(() => {
          waiters.delete(w);
          fail(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms\nstdout:\n${lines.map((l) => l.text).join('\n')}\nstderr:\n${err}`));
        }, timeoutMs);
        const w = (): void => {
          if (check() || done) {
            waiters.delete(w);
            clearTimeout(timer);
            if (done && !check())
              fail(new Error(`${name}: exited before a line matching ${re}\nstdout:\n${lines.map((l) => l.text).join('\n')}\nstderr:\n${err}`));
          }
        };
        waiters.add(w);
      });
    },
  };
}

/** The first of `procs` to print a line matching `re` (from each one's index in `from`). */
export async function firstAmong(
  procs: readonly TxbotProc[],
  re: RegExp,
  timeoutMs: number,
  from: ReadonlyMap<TxbotProc, number> = new Map(),
): Promise<{ proc: TxbotProc; line: TimedLine & { match: RegExpExecArray } }> {
  return Promise.any(procs.map(async (proc) => ({ proc, line: await proc.next(re, timeoutMs, from.get(proc) ?? 0) }))).catch((e: AggregateError) => {
    throw new Error(`none of ${procs.map((p) => p.name).join(', ')} printed ${re}: ${(e.errors[0] as Error).message}`);
  });
}

/** A `txbot sim-gateway` child replaying `barsFile` from `startIso` at `speed`. */
export async function startSimGateway(
  barsFile: string,
  startIso: string,
  speed: number,
): Promise<{ url: string; client: ProjectXClient; stop(): void }> {
  const sim = spawn(
    process.execPath,
    ['bin/txbot.mjs', 'sim-gateway', '--data', barsFile, '--port', '0', '--timezone', 'UTC', '--speed', String(speed), '--start', startIso],
    { cwd: repoRoot, env: simEnv },
  );
  const url = (await waitForLine(sim, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  // The test's own polling (watchAccount) must not be throttled by the client-side budget of a real account.
  const client = new ProjectXClient({
    apiUrl: url,
    credentials: () => ({ userName: 'sim-user', apiKey: 'sim-key' }),
    limits: new ProjectXRateLimits(systemClock, { defaultPer60s: 1_000_000 }),
  });
  return { url, client, stop: () => void sim.kill('SIGTERM') };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

/** A private redis-server (no persistence) that a test may kill and start again on the same port. */
export class PrivateRedis {
  private proc: ReturnType<typeof spawn> | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
    this.proc = proc;
    await new Promise<void>((ok, fail) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) ok();
      });
      proc.once('exit', (code) => fail(new Error(`redis-server on ${this.port} exited with ${code}: ${out}`)));
    });
  }

  /** SIGKILL (no shutdown save): the data and the run_id are gone. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    const gone = new Promise((ok) => proc.once('exit', ok));
    proc.kill('SIGKILL');
    await gone;
  }
}

/** Entry orders of txbot (customTag txbot-..., not a bracket leg or a protective stop). */
export function entryOrders(orders: readonly PxOrder[]): PxOrder[] {
  return orders.filter((o) => o.customTag?.startsWith('txbot-') && !/-(SL|TP)$/.test(o.customTag) && !o.customTag.startsWith('txbot-protect-'));
}

/**
 * Polls the simulator every `everyMs`: records when each order id was first seen, and every position seen
 * twice in a row (same id and size) without a working stop order on its contract.
 */
export function watchAccount(client: ProjectXClient, accountId: number, everyMs = 150) {
  const firstSeen = new Map<number, number>();
  const unprotected: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const before = await client.searchOpenPositions(accountId);
        const open = await client.searchOpenOrders(accountId);
        const after = await client.searchOpenPositions(accountId);
        const orders = await client.searchOrders(accountId, 0);
        const now = performance.now();
        for (const o of orders) if (!firstSeen.has(o.id)) firstSeen.set(o.id, now);
        for (const p of after) {
          if (!before.some((b) => b.id === p.id && b.size === p.size)) continue;
          const stop = open.some((o) => o.contractId === p.contractId && o.type === OrderType.Stop && o.status === OrderStatus.Open);
          if (!stop) unprotected.push(`position ${p.id} ${p.size} @ ${p.averagePrice} without a working stop`);
        }
      } catch {
        // the simulator is stopping
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    firstSeen,
    unprotected,
    /** Order ids first seen in [fromMs, toMs]. */
    seenBetween: (fromMs: number, toMs: number) => [...firstSeen].filter(([, t]) => t >= fromMs && t <= toMs).map(([id]) => id),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
