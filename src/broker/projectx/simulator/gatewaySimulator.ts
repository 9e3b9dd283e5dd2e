// A local ProjectX Gateway: the REST endpoints and both SignalR hubs on one HTTP server, driven by bars
// replayed on a controllable clock (tests advance it; the CLI drives it at a chosen speed), with faults.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CONTRACT_SPECS, ManualClock, type Bar, type Clock } from '../../../domain/index.ts';
import type { AddressInfo } from 'node:net';
import { SlidingWindowLimiter } from '../rateLimiter.ts';
import { FaultPlan } from './faults.ts';
import { SimHubServer } from './hubServer.ts';
import { barToTicks, inferBarMs, type BarPath, type ReplayTick } from './marketReplay.ts';
import { MatchingEngine, type SimEvent } from './matchingEngine.ts';
import type { SimAccount, SimContract } from './model.ts';
import { SimTokens, TOKEN_LIFETIME_MS, handleRest, type RestLogEntry } from './restApi.ts';
import { EventAction } from '../types.ts';

/** Construction options; everything has a default. */
export interface GatewaySimulatorOptions {
  /** Simulator clock; default a ManualClock at the first bar (or 2024-01-02T14:30Z). */
  readonly clock?: ManualClock;
  /** userName → apiKey (default { 'sim-user': 'sim-key' }). */
  readonly users?: Readonly<Record<string, string>>;
  readonly accounts?: readonly SimAccount[];
  readonly contracts?: readonly SimContract[];
  /** Historical/replayed bars per contract id, ascending. */
  readonly bars?: Readonly<Record<string, readonly Bar[]>>;
  readonly barPath?: BarPath;
  /** Answer 429 above 50/30 s (bars) and 200/60 s (others) like the Gateway (default true). */
  readonly enforceRateLimits?: boolean;
  /**
   * Clock of token issue and expiry (JWT `exp`); default the simulator clock. The CLI passes the system
   * clock so a client on wall time sees tokens valid for 24 h while the market replays another date.
   */
  readonly tokenClock?: Clock;
  /** 'replayed' serves only bars the clock has passed (default); 'all' serves every bar. */
  readonly historyVisibility?: 'replayed' | 'all';
  /** Lifetime of issued tokens, ms of the token clock (default 24 h; `faults.shortTokenLifetime` changes it later). */
  readonly tokenLifetimeMs?: number;
}

/** Front-month (H26) and one expired (Z25) contract per micro root; fees are exchange + NFA per side. */
export function defaultSimContracts(): SimContract[] {
  return CONTRACT_SPECS.flatMap(({ root, description: desc, tickSize, tickValueUsd, commissionPerSideUsd: feePerSideUsd }) => [
    {
      id: `CON.F.US.${root}.H26`,
      name: `${root}H6`,
      description: `${desc}: March 2026`,
      tickSize,
      tickValueUsd,
      activeContract: true,
      symbolId: `F.US.${root}`,
      feePerSideUsd,
    },
    {
      id: `CON.F.US.${root}.Z25`,
      name: `${root}Z5`,
      description: `${desc}: December 2025`,
      tickSize,
      tickValueUsd,
      activeContract: false,
      symbolId: `F.US.${root}`,
      feePerSideUsd,
    },
  ]);
}

/** Addresses of a started simulator. */
/** Replay cursor of one contract: the next bar to expand into ticks and the ticks not yet streamed. */
interface ReplayState {
  nextBar: number;
  pending: ReplayTick[];
}

export interface SimAddress {
  readonly port: number;
  /** REST base, e.g. http://127.0.0.1:PORT */
  readonly apiUrl: string;
  /** Hubs base (same server): /hubs/user and /hubs/market under it. */
  readonly rtcUrl: string;
}

export class GatewaySimulator {
  readonly clock: ManualClock;
  readonly faults: FaultPlan;
  readonly engine: MatchingEngine;
  readonly tokens: SimTokens;
  readonly hubs: SimHubServer;
  readonly restLog: RestLogEntry[] = [];
  private readonly users: Map<string, string>;
  private readonly bars = new Map<string, readonly Bar[]>();
  private readonly baseBarMs = new Map<string, number>();
  private readonly replay = new Map<string, ReplayState>();
  private readonly barPath: BarPath;
  private readonly limits: { bars: SlidingWindowLimiter; default: SlidingWindowLimiter } | null;
  private readonly historyVisibility: 'replayed' | 'all';
  private eventTimeMs: number | null = null;
  private server: Server | null = null;
  private driver: NodeJS.Timeout | null = null;

  constructor(options: GatewaySimulatorOptions = {}) {
    const firstBar = Object.values(options.bars ?? {}).flatMap((b) => (b.length ? [b[0]!.tsMs] : []));
    this.clock = options.clock ?? new ManualClock(firstBar.length ? Math.min(...firstBar) : Date.UTC(2024, 0, 2, 14, 30));
    this.users = new Map(Object.entries(options.users ?? { 'sim-user': 'sim-key' }));
    this.barPath = options.barPath ?? 'auto';
    this.historyVisibility = options.historyVisibility ?? 'replayed';
    this.faults = new FaultPlan(() => this.clock.nowMs());
    const lifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
    this.tokens = new SimTokens(options.tokenClock ?? this.clock, () => this.faults.tokenLifetimeMs ?? lifetimeMs);
    this.hubs = new SimHubServer(this.clock, this.faults, (t) => this.tokens.check(t) !== null);
    this.engine = new MatchingEngine(
      () => this.eventTimeMs ?? this.clock.nowMs(),
      (e: SimEvent) => this.publish(e),
      this.faults,
    );
    for (const a of options.accounts ?? [{ id: 1001, name: 'SIM-50K-1', balanceUsd: 50_000, canTrade: true, simulated: true }])
      this.engine.addAccount({ ...a });
    for (const c of options.contracts ?? defaultSimContracts()) this.engine.addContract({ ...c });
    for (const [id, bars] of Object.entries(options.bars ?? {})) {
      this.bars.set(id, bars);
      this.baseBarMs.set(id, inferBarMs(bars));
      this.replay.set(id, { nextBar: 0, pending: [] });
    }
    this.limits =
      options.enforceRateLimits === false
        ? null
        : { bars: new SlidingWindowLimiter(50, 30_000, this.clock), default: new SlidingWindowLimiter(200, 60_000, this.clock) };
    this.clock.onAdvance(() => this.onClock());
  }

  /** Listens on 127.0.0.1 (port 0 picks a free port). */
  async start(port = 0, host = '127.0.0.1'): Promise<SimAddress> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => this.hubs.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const actual = (server.address() as AddressInfo).port;
    const base = `http://${host}:${actual}`;
    return { port: actual, apiUrl: base, rtcUrl: base };
  }

  async stop(): Promise<void> {
    if (this.driver) clearInterval(this.driver);
    this.driver = null;
    await this.hubs.close();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Drives the clock from wall time: every `tickMs` of real time the market moves `tickMs · speed`. */
  runAtSpeed(speed: number, tickMs = 100): void {
    if (this.driver) clearInterval(this.driver);
    this.driver = setInterval(() => this.clock.advanceBy(tickMs * speed), tickMs);
  }

  advanceBy(ms: number): void {
    this.clock.advanceBy(ms);
  }

  advanceTo(tsMs: number): void {
    this.clock.advanceTo(tsMs);
  }

  /** Feeds one trade price directly (tests that need an exact price path). */
  tick(contractId: string, price: number, volume = 1): void {
    this.engine.tick(contractId, price, volume);
  }

  /** Hands an engine event to the hubs; a position opening may trigger the armed hub drop right after it. */
  private publish(e: SimEvent): void {
    this.hubs.publish(e);
    if (e.hub === 'user' && e.target === 'GatewayUserPosition' && (e.payload as { action?: EventAction }).action === EventAction.Create) {
      const drop = this.faults.takeHubDropOnPositionOpen();
      if (drop) this.hubs.dropConnections(drop.downForMs, drop.hub);
    }
  }

  /** The only account by default. */
  get defaultAccountId(): number {
    return [...this.engine.accounts.keys()][0]!;
  }

  /**
   * Streams every replayed trade due by now, all contracts merged in time order (an exchange feed is in
   * time order; ties go to the contract added first).
   */
  private onClock(): void {
    const now = this.clock.nowMs();
    const due = (id: string, state: ReplayState): number => {
      const next = state.pending[0];
      if (next) return next.tsMs;
      const bars = this.bars.get(id)!;
      if (state.nextBar < bars.length) {
        state.pending.push(...barToTicks(bars[state.nextBar]!, this.baseBarMs.get(id)!, this.barPath));
        state.nextBar++;
        return state.pending[0]!.tsMs;
      }
      return Number.POSITIVE_INFINITY;
    };
    for (;;) {
      let bestId: string | null = null;
      let best: ReplayState | null = null;
      let bestMs = Number.POSITIVE_INFINITY;
      for (const [id, state] of this.replay) {
        const t = due(id, state);
        if (t < bestMs) {
          bestMs = t;
          bestId = id;
          best = state;
        }
      }
      if (best === null || bestId === null || bestMs > now) break;
      const next = best.pending.shift()!;
      this.eventTimeMs = next.tsMs;
      this.engine.tick(bestId, next.price, next.volume);
      this.eventTimeMs = null;
    }
    this.hubs.releaseDelayed();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://sim').pathname;
      if (!path.startsWith('/api/')) return send(res, 404, { title: 'Not Found' });
      let body: Record<string, unknown> = {};
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.length > 0) {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          return send(res, 400, { title: 'Body is not JSON' });
        }
      }
      const auth = req.headers.authorization;
      const outcome = handleRest(
        {
          clock: this.clock,
          engine: this.engine,
          tokens: this.tokens,
          faults: this.faults,
          users: this.users,
          bars: this.bars,
          baseBarMs: this.baseBarMs,
          historyVisibleBeforeMs: () => (this.historyVisibility === 'all' ? Number.POSITIVE_INFINITY : this.clock.nowMs()),
          limits: this.limits,
          log: this.restLog,
        },
        req.method ?? 'GET',
        path.slice('/api/'.length),
        body,
        auth?.startsWith('Bearer ') ? auth.slice(7) : null,
      );
      if (outcome.kind === 'lose') {
        req.socket.destroy();
        return;
      }
      send(res, outcome.status, outcome.body);
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : body === null ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}
