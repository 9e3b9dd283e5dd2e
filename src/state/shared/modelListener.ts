// The LISTEN side of PgModelSync: one dedicated connection that reports each new current model version
// once, reopens itself when dropped and then catches up from the current-version table.
//
// Ordering: the baseline (versions already current) is read on the listening connection itself, after
// LISTEN, with notices held until it returns. PostgreSQL sends a session its pending notifications
// before the ReadyForQuery of the session's next transaction, so a version committed after LISTEN and
// visible to the baseline has its notice among the held ones: it is reported, not mistaken for old.

import pg from 'pg';
import type { Logger } from '../../log/index.ts';
import type { TimerHandle, Timers } from './monotonicClock.ts';

/** What subscribers hear when a model's current version changes. */
export interface ModelVersionNotice {
  readonly modelName: string;
  readonly version: number;
  readonly sha256: string;
  readonly fencingToken: number;
}

/** What a ModelListener needs from its PgModelSync. */
export interface ModelListenerOptions {
  readonly config: pg.ClientConfig;
  readonly channel: string;
  readonly schema: string;
  readonly reconnectDelayMs: number;
  readonly timers: Timers;
  readonly log: Logger;
  /** The current version of every model, read on the given connection. */
  readonly currentVersions: (client: pg.ClientBase) => Promise<ModelVersionNotice[]>;
  readonly onNewVersion: (notice: ModelVersionNotice) => void | Promise<void>;
}

/** A running LISTEN subscription; `start()` once, `stop()` once. */
export class ModelListener {
  /** Highest version known per model: reported, or already current when the subscription began. */
  private readonly seen = new Map<string, number>();
  private held: ModelVersionNotice[] | null = null;
  private client: pg.Client | null = null;
  private retry: TimerHandle | null = null;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: ModelListenerOptions) {}

  /** Connects, LISTENs and reads the baseline; rejects (and cleans up) when any of it fails. */
  async start(): Promise<void> {
    try {
      for (const n of await this.listen()) this.seen.set(n.modelName, Math.max(this.seen.get(n.modelName) ?? 0, n.version));
    } catch (e) {
      await this.stop();
      throw e;
    }
    const early = this.held ?? [];
    this.held = null;
    for (const n of early) {
      this.seen.set(n.modelName, Math.min(this.seen.get(n.modelName) ?? 0, n.version - 1));
      this.deliver(n);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) this.o.timers.clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
    await this.queue;
  }

  /** Opens a listening connection (notices held meanwhile) and returns the current versions read on it. */
  private async listen(): Promise<ModelVersionNotice[]> {
    this.held = [];
    const c = new pg.Client({ application_name: 'txbot-model-listener', ...this.o.config });
    c.on('error', (e) => this.dropped(c, e));
    c.on('end', () => this.dropped(c, new Error('connection ended')));
    c.on('notification', (msg) => {
      const n = msg.channel === this.o.channel ? parseNotice(msg.payload, this.o.schema) : null;
      if (n && this.held) this.held.push(n);
      else if (n) this.deliver(n);
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${this.o.channel}"`);
      const current = await this.o.currentVersions(c);
      this.client = c; // only now do its error and end events count as a dropped subscription
      return current;
    } catch (e) {
      c.end().catch(() => undefined);
      throw e;
    }
  }

  private dropped(c: pg.Client, why: unknown): void {
    if (this.client !== c) return;
    this.client = null;
    c.end().catch(() => undefined);
    if (this.stopped) return;
    this.o.log.warn({ err: why }, `model LISTEN connection lost; reconnecting in ${this.o.reconnectDelayMs}ms`);
    this.retry = this.o.timers.setTimeout(() => void this.reconnect(), this.o.reconnectDelayMs);
  }

  /** Reopens the connection; versions made current while it was down are reported from the table. */
  private async reconnect(): Promise<void> {
    this.retry = null;
    if (this.stopped) return;
    try {
      const current = await this.listen();
      const early = this.held ?? [];
      this.held = null;
      for (const n of [...early, ...current]) this.deliver(n);
    } catch (e) {
      this.o.log.warn({ err: e }, `model LISTEN reconnection failed; retrying in ${this.o.reconnectDelayMs}ms`);
      if (!this.stopped) this.retry = this.o.timers.setTimeout(() => void this.reconnect(), this.o.reconnectDelayMs);
    }
  }

  /** Reports `n` unless a version at least as new was reported or current already; one handler call at a time. */
  private deliver(n: ModelVersionNotice): void {
    if ((this.seen.get(n.modelName) ?? 0) >= n.version) return;
    this.seen.set(n.modelName, n.version);
    this.queue = this.queue.then(async () => {
      try {
        await this.o.onNewVersion(n);
      } catch (e) {
        this.o.log.error({ err: e, modelName: n.modelName, version: n.version }, 'the new-model-version handler threw');
      }
    });
  }
}

function parseNotice(payload: string | undefined, schema: string): ModelVersionNotice | null {
  try {
    const v = JSON.parse(payload ?? '') as Partial<ModelVersionNotice> & { schema?: string };
    if (v.schema !== schema || typeof v.modelName !== 'string' || typeof v.version !== 'number' || typeof v.sha256 !== 'string') return null;
    return { modelName: v.modelName, version: v.version, sha256: v.sha256, fencingToken: Number(v.fencingToken) };
  } catch {
    return null;
  }
}
