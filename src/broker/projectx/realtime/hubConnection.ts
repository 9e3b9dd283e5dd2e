// One ProjectX SignalR hub connection (user or market): WebSockets with skipNegotiation, the token in
// access_token, a reconnect policy that never gives up, every Subscribe* re-invoked after each
// (re)connect, and one string-enum state machine re-checked after every await (as SignalR's HubConnection).

import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection, type ILogger } from '@microsoft/signalr';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { RetryPolicy } from '../retryPolicy.ts';
import { Emitter, fireAndForget } from './emitter.ts';

/** Lifecycle of a hub connection. */
export enum HubState {
  Disconnected = 'Disconnected',
  Connecting = 'Connecting',
  Connected = 'Connected',
  Reconnecting = 'Reconnecting',
  Stopping = 'Stopping',
}

/** A Subscribe* call replayed after every (re)connect. */
export interface HubSubscription {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** Emitted after the subscriptions are in place: `gapStartMs` null on the first connect. */
export interface HubResubscribed {
  readonly gapStartMs: number | null;
  readonly gapEndMs: number;
  readonly reason: 'start' | 'reconnect' | 'restart';
}

export interface HubEvents extends Record<string, unknown> {
  state: { from: HubState; to: HubState };
  resubscribed: HubResubscribed;
}

export interface HubConnectionOptions {
  readonly name: 'user' | 'market';
  /** Hub URL, e.g. https://rtc.topstepx.com/hubs/user */
  readonly url: string;
  /** Current token (refreshing it when due). */
  readonly token: () => Promise<string>;
  /** Told when the server refused the token, so the session renews it before the next attempt. */
  readonly onUnauthorized?: () => void;
  readonly retryPolicy: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** SignalR server timeout (default 30 000 ms) and connect timeout (default 10 000 ms). */
  readonly serverTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Removes `access_token=…` from text before it is logged. */
export function redactAccessToken(text: string): string {
  return text.replace(/access_token=[^&\s"']+/g, 'access_token=[REDACTED]');
}

function signalrLogger(log: Logger): ILogger {
  return {
    log(level: LogLevel, message: string) {
      if (level >= LogLevel.Warning) log.warn({ signalr: LogLevel[level] }, redactAccessToken(message));
    },
  };
}

/** A resilient hub connection; register handlers with `on` before `start`. */
export class ProjectXHubConnection {
  readonly events: Emitter<HubEvents>;
  private stateValue = HubState.Disconnected;
  private connection: HubConnection | null = null;
  private readonly handlers = new Map<string, (...args: unknown[]) => void>();
  private readonly subscriptions = new Map<string, HubSubscription>();
  private stopRequested = false;
  private gapStartMs: number | null = null;
  private readonly log: Logger;

  constructor(private readonly options: HubConnectionOptions) {
    this.log = options.logger.child({ component: `projectx-hub-${options.name}` });
    this.events = new Emitter<HubEvents>(this.log);
  }

  get state(): HubState {
    return this.stateValue;
  }

  private setState(to: HubState): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    this.log.info({ from, to }, 'hub state');
    this.events.emit('state', { from, to });
  }

  /** Registers the handler of a server method (kept across rebuilt connections). */
  on(target: string, handler: (...args: unknown[]) => void): void {
    this.handlers.set(target, handler);
    this.connection?.on(target, handler);
  }

  /** Adds a subscription: invoked now when connected, and after every reconnect. */
  async subscribe(method: string, ...args: unknown[]): Promise<void> {
    const sub = { method, args };
    this.subscriptions.set(`${method}(${JSON.stringify(args)})`, sub);
    const conn = this.connection;
    if (conn && this.stateValue === HubState.Connected) await conn.invoke(method, ...args);
  }

  private build(token: string): HubConnection {
    const o = this.options;
    const conn = new HubConnectionBuilder()
      .withUrl(`${o.url}?access_token=${encodeURIComponent(token)}`, {
        skipNegotiation: true,
        transport: HttpTransportType.WebSockets,
        accessTokenFactory: () => o.token(),
        timeout: o.connectTimeoutMs ?? 10_000,
        logger: signalrLogger(this.log),
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (ctx) => {
          if (/401|Unauthorized/.test(String(ctx.retryReason?.message))) o.onUnauthorized?.();
          return o.retryPolicy.nextDelayMs({ previousRetryCount: ctx.previousRetryCount, elapsedMs: ctx.elapsedMilliseconds, retryReason: ctx.retryReason });
        },
      })
      .withServerTimeout(o.serverTimeoutMs ?? 30_000)
      .build();
    for (const [target, handler] of this.handlers) conn.on(target, handler);
    conn.onreconnecting((err) => {
      if (this.connection !== conn) return;
      this.gapStartMs ??= o.clock.nowMs();
      const current = o.token;
      // The query token must be fresh for the reconnect; baseUrl may only change while reconnecting.
      fireAndForget(current().then((t) => {
        if (this.connection === conn && conn.state === 'Reconnecting') conn.baseUrl = `${o.url}?access_token=${encodeURIComponent(t)}`;
      }), this.log, 'refresh hub url');
      this.log.warn({ reason: redactAccessToken(err?.message ?? 'unknown') }, 'hub connection lost; reconnecting');
      this.setState(HubState.Reconnecting);
    });
    conn.onreconnected(() => {
      if (this.connection !== conn) return;
      this.setState(HubState.Connected);
      fireAndForget(this.resubscribe(conn, 'reconnect'), this.log, 'resubscribe');
    });
    conn.onclose((err) => {
      if (this.connection !== conn) return;
      this.connection = null;
      if (this.stopRequested) return this.setState(HubState.Disconnected);
      this.gapStartMs ??= o.clock.nowMs();
      this.log.warn({ reason: redactAccessToken(err?.message ?? 'closed') }, 'hub connection closed; restarting');
      this.setState(HubState.Disconnected);
      fireAndForget(this.start(), this.log, 'restart hub');
    });
    return conn;
  }

  /** Connects, retrying with the policy until connected or stopped; then subscribes. */
  async start(): Promise<void> {
    if (this.stateValue !== HubState.Disconnected) return;
    this.stopRequested = false;
    const firstFailureMs = this.options.clock.nowMs();
    for (let retries = 0; ; retries++) {
      this.setState(HubState.Connecting);
      let conn: HubConnection | null = null;
      try {
        const token = await this.options.token();
        if (this.stopRequested) return this.setState(HubState.Disconnected);
        conn = this.build(token);
        this.connection = conn;
        await conn.start();
      } catch (e) {
        if (conn && this.connection === conn) this.connection = null;
        if (this.stopRequested) return this.setState(HubState.Disconnected);
        const message = redactAccessToken(e instanceof Error ? e.message : String(e));
        if (/401|Unauthorized/.test(message)) this.options.onUnauthorized?.();
        const delayMs = this.options.retryPolicy.nextDelayMs({ previousRetryCount: retries, elapsedMs: this.options.clock.nowMs() - firstFailureMs, retryReason: e });
        this.log.warn({ retry: retries + 1, delayMs, reason: message }, 'hub connect failed');
        if (delayMs === null) {
          this.setState(HubState.Disconnected);
          throw e;
        }
        await this.options.clock.sleep(delayMs);
        if (this.stopRequested) return this.setState(HubState.Disconnected);
        continue;
      }
      if (this.stopRequested) {
        await conn.stop();
        return this.setState(HubState.Disconnected);
      }
      this.setState(HubState.Connected);
      await this.resubscribe(conn, this.gapStartMs === null ? 'start' : 'restart');
      return;
    }
  }

  private async resubscribe(conn: HubConnection, reason: HubResubscribed['reason']): Promise<void> {
    for (const sub of this.subscriptions.values()) {
      await conn.invoke(sub.method, ...sub.args);
      // A drop or stop during the await makes this round moot; the next reconnect redoes it.
      if (this.connection !== conn || this.stateValue !== HubState.Connected) return;
    }
    const gapStartMs = this.gapStartMs;
    this.gapStartMs = null;
    this.events.emit('resubscribed', { gapStartMs, gapEndMs: this.options.clock.nowMs(), reason });
  }

  /** Stops for good (until `start` is called again). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    const conn = this.connection;
    if (!conn) return this.setState(HubState.Disconnected);
    this.setState(HubState.Stopping);
    await conn.stop();
    this.connection = null;
    this.setState(HubState.Disconnected);
  }

  /** Rebuilds the connection with a fresh token (after a token refresh), then resubscribes. */
  async restart(): Promise<void> {
    await this.stop();
    this.gapStartMs = this.options.clock.nowMs();
    await this.start();
  }
}
