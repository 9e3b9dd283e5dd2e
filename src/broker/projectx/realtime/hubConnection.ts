// One ProjectX SignalR hub connection (user or market): WebSockets with skipNegotiation, the token in
// access_token, a reconnect policy that never gives up, every Subscribe* re-invoked after each
// (re)connect, and one string-enum state machine re-checked after every await (as SignalR's HubConnection).

import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection, type ILogger } from '@microsoft/signalr';
import type { Logger } from 'pino';
import { Emitter, fireAndForget, type Clock } from '../../../domain/index.ts';
import type { RetryPolicy } from '../retryPolicy.ts';

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
  /** The token held now, without network (used to keep the URL's access_token fresh between attempts). */
  readonly currentToken?: () => string | null;
  /**
   * Told after every failed connect or reconnect attempt. SignalR hides a 401 behind a generic "failed to
   * connect", so the owner re-checks the token here (throttled) and the next attempt carries the new one.
   */
  readonly onConnectFailed?: () => void;
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
  /** Bumped by every start() and stop(): a loop whose generation is no longer current has been superseded. */
  private generation = 0;
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
          if (ctx.previousRetryCount > 0) o.onConnectFailed?.();
          this.refreshUrl(conn);
          return o.retryPolicy.nextDelayMs({
            previousRetryCount: ctx.previousRetryCount,
            elapsedMs: ctx.elapsedMilliseconds,
            retryReason: ctx.retryReason,
          });
        },
      })
      .withServerTimeout(o.serverTimeoutMs ?? 30_000)
      .build();
    for (const [target, handler] of this.handlers) conn.on(target, handler);
    conn.onreconnecting((err) => {
      if (this.connection !== conn) return;
      this.gapStartMs ??= o.clock.nowMs();
      this.refreshUrl(conn);
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
      if (this.stateValue === HubState.Stopping) return this.setState(HubState.Disconnected);
      this.gapStartMs ??= o.clock.nowMs();
      this.log.warn({ reason: redactAccessToken(err?.message ?? 'closed') }, 'hub connection closed; restarting');
      this.setState(HubState.Disconnected);
      fireAndForget(this.start(), this.log, 'restart hub');
    });
    return conn;
  }

  /** Puts the current token into the URL's access_token; SignalR allows a new baseUrl only while reconnecting. */
  private refreshUrl(conn: HubConnection): void {
    const token = this.options.currentToken?.();
    if (token && this.connection === conn && conn.state === 'Reconnecting')
      conn.baseUrl = `${this.options.url}?access_token=${encodeURIComponent(token)}`;
  }

  /** Connects, retrying with the policy until connected or stopped; then subscribes. */
  async start(): Promise<void> {
    if (this.stateValue !== HubState.Disconnected) return;
    const gen = ++this.generation;
    const superseded = () => gen !== this.generation;
    const firstFailureMs = this.options.clock.nowMs();
    for (let retries = 0; ; retries++) {
      this.setState(HubState.Connecting);
      let conn: HubConnection | null = null;
      try {
        const token = await this.options.token();
        if (superseded()) return;
        conn = this.build(token);
        this.connection = conn;
        await conn.start();
      } catch (e) {
        if (conn && this.connection === conn) this.connection = null;
        if (superseded()) return;
        const message = redactAccessToken(e instanceof Error ? e.message : String(e));
        this.options.onConnectFailed?.();
        const delayMs = this.options.retryPolicy.nextDelayMs({
          previousRetryCount: retries,
          elapsedMs: this.options.clock.nowMs() - firstFailureMs,
          retryReason: e,
        });
        this.log.warn({ retry: retries + 1, delayMs, reason: message }, 'hub connect failed');
        if (delayMs === null) {
          this.setState(HubState.Disconnected);
          throw e;
        }
        await this.options.clock.sleep(delayMs);
        if (superseded()) return;
        continue;
      }
      if (superseded()) {
        // stop() ran while connecting: this connection is nobody's; close it quietly.
        if (this.connection === conn) this.connection = null;
        await conn.stop();
        return;
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
    this.generation++;
    const conn = this.connection;
    this.connection = null;
    if (!conn) return this.setState(HubState.Disconnected);
    this.setState(HubState.Stopping);
    await conn.stop();
    this.setState(HubState.Disconnected);
  }

  /** Rebuilds the connection with a fresh token (after a token refresh), then resubscribes. */
  async restart(): Promise<void> {
    await this.stop();
    this.gapStartMs = this.options.clock.nowMs();
    await this.start();
  }
}
