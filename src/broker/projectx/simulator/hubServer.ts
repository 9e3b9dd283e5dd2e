// The simulator's SignalR hubs (/hubs/user, /hubs/market) over WebSocket with the JSON hub protocol:
// handshake `{"protocol":"json","version":1}\x1e` → `{}\x1e`, invocations (type 1) answered by completions
// (type 3), pings (type 6), close (type 7); events fan out to subscribers, with drop/delay/duplicate faults.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../../../domain/index.ts';
import type { FaultPlan, HubSelection } from './faults.ts';
import type { SimEvent } from './matchingEngine.ts';

/** SignalR record separator. */
export const RS = '\x1e';

/** A subscribe/unsubscribe call as the simulator received it (tests check resubscription with it). */
export interface HubInvocationLog {
  readonly hub: 'user' | 'market';
  readonly connectionSeq: number;
  readonly target: string;
  readonly args: readonly unknown[];
  readonly tsMs: number;
}

interface HubConnection {
  readonly seq: number;
  readonly hub: 'user' | 'market';
  readonly socket: WebSocket;
  handshaken: boolean;
  /** Subscription keys: 'accounts', 'orders:<id>', 'quotes:<contractId>', … */
  readonly subscriptions: Set<string>;
}

const USER_METHODS: Record<string, string> = {
  SubscribeAccounts: 'accounts',
  SubscribeOrders: 'orders',
  SubscribePositions: 'positions',
  SubscribeTrades: 'trades',
  UnsubscribeAccounts: 'accounts',
  UnsubscribeOrders: 'orders',
  UnsubscribePositions: 'positions',
  UnsubscribeTrades: 'trades',
};
const MARKET_METHODS: Record<string, string> = {
  SubscribeContractQuotes: 'quotes',
  SubscribeContractTrades: 'trades',
  SubscribeContractMarketDepth: 'depth',
  UnsubscribeContractQuotes: 'quotes',
  UnsubscribeContractTrades: 'trades',
  UnsubscribeContractMarketDepth: 'depth',
};
const USER_TOPIC: Record<string, string> = {
  GatewayUserAccount: 'accounts',
  GatewayUserOrder: 'orders',
  GatewayUserPosition: 'positions',
  GatewayUserTrade: 'trades',
};
const MARKET_TOPIC: Record<string, string> = { GatewayQuote: 'quotes', GatewayTrade: 'trades', GatewayDepth: 'depth' };

/** The hub endpoint of the simulator; attach `handleUpgrade` to the HTTP server's 'upgrade' event. */
export class SimHubServer {
  readonly invocations: HubInvocationLog[] = [];
  /** Connections accepted so far (a reconnect adds one). */
  acceptedConnections = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<HubConnection>();
  private readonly delayed: { releaseAtMs: number; seq: number; event: SimEvent }[] = [];
  private delayedSeq = 0;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly clock: Clock,
    private readonly faults: FaultPlan,
    private readonly authenticate: (token: string | null) => boolean,
    keepAliveMs = 10_000,
  ) {
    // Transport keep-alive on real time: the SignalR client closes after 30 s without any server message.
    this.keepAlive = setInterval(() => this.broadcastRaw(`{"type":6}${RS}`), keepAliveMs);
    this.keepAlive.unref();
  }

  /** Number of open, handshaken connections per hub. */
  openConnections(hub: 'user' | 'market'): number {
    return [...this.connections].filter((c) => c.hub === hub && c.handshaken).length;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const hub = url.pathname === '/hubs/user' ? 'user' : url.pathname === '/hubs/market' ? 'market' : null;
    const header = req.headers.authorization;
    const token = url.searchParams.get('access_token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : null);
    const refuse = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!hub) return refuse(404, 'Not Found');
    if (this.clock.nowMs() < this.faults.hubDownUntil(hub)) return refuse(503, 'Service Unavailable');
    if (!this.authenticate(token)) return refuse(401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, hub));
  }

  private accept(socket: WebSocket, hub: 'user' | 'market'): void {
    const conn: HubConnection = { seq: ++this.acceptedConnections, hub, socket, handshaken: false, subscriptions: new Set() };
    this.connections.add(conn);
    socket.on('message', (data) => this.onMessage(conn, data.toString()));
    socket.on('close', () => this.connections.delete(conn));
    socket.on('error', () => this.connections.delete(conn));
  }

  private onMessage(conn: HubConnection, text: string): void {
    for (const frame of text.split(RS)) {
      if (frame.length === 0) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(frame) as Record<string, unknown>;
      } catch {
        conn.socket.close(1002, 'bad frame');
        return;
      }
      if (!conn.handshaken) {
        if (msg.protocol !== 'json' || msg.version !== 1) {
          conn.socket.send(`${JSON.stringify({ error: `Requested protocol '${String(msg.protocol)}' is not available.` })}${RS}`);
          conn.socket.close();
          return;
        }
        conn.handshaken = true;
        conn.socket.send(`{}${RS}`);
        continue;
      }
      if (msg.type === 1) this.onInvocation(conn, msg);
      else if (msg.type === 7) conn.socket.close();
    }
  }

  private onInvocation(conn: HubConnection, msg: Record<string, unknown>): void {
    const target = String(msg.target);
    const args = Array.isArray(msg.arguments) ? msg.arguments : [];
    const id = typeof msg.invocationId === 'string' ? msg.invocationId : null;
    const topic = (conn.hub === 'user' ? USER_METHODS : MARKET_METHODS)[target];
    this.invocations.push({ hub: conn.hub, connectionSeq: conn.seq, target, args, tsMs: this.clock.nowMs() });
    let error: string | null = null;
    if (!topic) error = `Unknown hub method '${target}'`;
    else {
      const key = topic === 'accounts' ? 'accounts' : `${topic}:${String(args[0])}`;
      if (target.startsWith('Unsubscribe')) conn.subscriptions.delete(key);
      else conn.subscriptions.add(key);
    }
    if (id !== null)
      conn.socket.send(`${JSON.stringify(error ? { type: 3, invocationId: id, error } : { type: 3, invocationId: id, result: null })}${RS}`);
  }

  /** Sends an engine event to its subscribers, applying the delay and duplicate faults. */
  publish(event: SimEvent): void {
    if (this.faults.delayedEvents.remaining > 0) {
      this.faults.delayedEvents.remaining--;
      this.delayed.push({ releaseAtMs: this.clock.nowMs() + this.faults.delayedEvents.delayMs, seq: this.delayedSeq++, event });
      return;
    }
    this.deliver(event);
    if (this.faults.duplicateEvents > 0) {
      this.faults.duplicateEvents--;
      this.deliver(event);
    }
  }

  /** Releases held-back events whose time has come (call after the clock moves). */
  releaseDelayed(): void {
    this.delayed.sort((a, b) => a.releaseAtMs - b.releaseAtMs || a.seq - b.seq);
    while (this.delayed.length > 0 && this.delayed[0]!.releaseAtMs <= this.clock.nowMs()) this.deliver(this.delayed.shift()!.event);
  }

  private deliver(event: SimEvent): void {
    const frame =
      event.hub === 'user'
        ? `${JSON.stringify({ type: 1, target: event.target, arguments: [event.payload] })}${RS}`
        : `${JSON.stringify({ type: 1, target: event.target, arguments: [event.contractId, event.payload] })}${RS}`;
    for (const c of this.connections) {
      if (!c.handshaken || c.hub !== event.hub) continue;
      const key =
        event.hub === 'user'
          ? USER_TOPIC[event.target] === 'accounts'
            ? 'accounts'
            : `${USER_TOPIC[event.target]}:${event.accountId}`
          : `${MARKET_TOPIC[event.target]}:${event.contractId}`;
      if (c.subscriptions.has(key)) c.socket.send(frame);
    }
  }

  private broadcastRaw(frame: string): void {
    for (const c of this.connections) if (c.handshaken) c.socket.send(frame);
  }

  /** Fault: kills every connection of `hub` (default both); with `downForMs`, refuses new ones until the simulator clock passes it. */
  dropConnections(downForMs = 0, hub: HubSelection = 'both'): void {
    if (downForMs > 0) {
      const until = this.clock.nowMs() + downForMs;
      if (hub === 'both') this.faults.hubDownUntilMs = until;
      else if (hub === 'user') this.faults.userHubDownUntilMs = until;
      else this.faults.marketHubDownUntilMs = until;
    }
    for (const c of [...this.connections]) {
      if (hub !== 'both' && c.hub !== hub) continue;
      c.socket.terminate();
      this.connections.delete(c);
    }
  }

  /** Sends a SignalR close message (type 7) to every connection, then closes them. */
  closeGracefully(error: string | null, allowReconnect: boolean): void {
    for (const c of this.connections) {
      c.socket.send(`${JSON.stringify(error ? { type: 7, error, allowReconnect } : { type: 7, allowReconnect })}${RS}`);
      c.socket.close();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    for (const c of this.connections) c.socket.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
