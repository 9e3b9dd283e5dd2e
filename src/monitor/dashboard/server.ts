// The dashboard web server (fastify): the page, GET /api/state, live updates over server-sent events at
// /events, and an optional backtest/walk-forward results folder. Loopback by default; a token elsewhere.

import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ConfigError, UsageError } from '../../domain/index.ts';
import type { Logger } from '../../log/index.ts';
import type { Journal } from '../../state/index.ts';
import type { MonitorBus } from '../bus.ts';
import { DashboardState } from './dashboardState.ts';
import { dashboardHtml } from './page.ts';

/** Where and what the dashboard serves. */
export interface DashboardOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Required (DASHBOARD_TOKEN) unless `host` is loopback; checked on every request when set. */
  readonly token?: string;
  /** Live events to show; without a bus the page shows the journal state only. */
  readonly bus?: MonitorBus;
  /** Initial state (latest trades, decisions, positions, risk state). */
  readonly journal?: Journal;
  /** A backtest or walk-forward output folder (summary.json, report.html) to show. */
  readonly resultsDir?: string;
  readonly logger?: Logger;
  /** Seconds between SSE keep-alive comments. Default 15. */
  readonly keepAliveSeconds?: number;
}

/** A running dashboard. */
export interface DashboardHandle {
  /** Base URL, e.g. http://127.0.0.1:8787 (with ?token=... appended when a token is set). */
  readonly url: string;
  readonly state: DashboardState;
  /** Open SSE connections. */
  readonly clientCount: () => number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether `host` only accepts local connections. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requestToken(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

/** Reads summary.json of a results folder; UsageError when the folder is not one. */
export function readResultsFolder(dir: string): { dir: string; summary: unknown; hasReport: boolean } {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new UsageError(`--results: expected a backtest or walk-forward output folder (got ${JSON.stringify(dir)}, not a folder)`);
  const summaryPath = join(abs, 'summary.json');
  const hasReport = existsSync(join(abs, 'report.html'));
  if (!existsSync(summaryPath) && !hasReport) throw new UsageError(`--results ${dir}: expected summary.json or report.html in it (found neither)`);
  let summary: unknown = null;
  if (existsSync(summaryPath)) {
    try {
      summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as unknown;
    } catch (err) {
      throw new UsageError(`--results ${dir}: summary.json is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return { dir: abs, summary, hasReport };
}

/**
 * Starts the dashboard. Refuses (ConfigError) a non-loopback host without a token.
 * @example const dash = await startDashboard({ host: '127.0.0.1', port: 8787, bus, journal });
 */
export async function startDashboard(o: DashboardOptions): Promise<DashboardHandle> {
  if (!isLoopbackHost(o.host) && !o.token) {
    throw new ConfigError(`monitoring.dashboard.host: ${o.host} is reachable from other machines, so DASHBOARD_TOKEN must be set (it is not)`, [], {
      hint: 'export DASHBOARD_TOKEN=<long random string>, or bind to 127.0.0.1',
    });
  }
  const results = o.resultsDir ? readResultsFolder(o.resultsDir) : null;
  const state = new DashboardState();
  if (o.journal) await state.load(o.journal);
  const clients = new Set<ServerResponse>();
  const send = (res: ServerResponse, data: string): void => {
    try {
      res.write(`data: ${data}\n\n`);
    } catch {
      clients.delete(res);
    }
  };
  // Serializing happens after the publisher's call returns, once per burst of events, so a bar with
  // many events costs the engine only the state fold.
  let broadcastScheduled = false;
  const broadcast = (): void => {
    broadcastScheduled = false;
    if (clients.size === 0) return;
    const data = JSON.stringify(state.snapshot());
    for (const res of clients) send(res, data);
  };
  const unsubscribe = o.bus?.subscribe((e) => {
    if (!state.apply(e) || broadcastScheduled) return;
    broadcastScheduled = true;
    setImmediate(broadcast);
  });

  const app: FastifyInstance = Fastify({ logger: false });
  const token = o.token;
  if (token) {
    app.addHook('onRequest', async (req, reply) => {
      if (!tokenMatches(token, requestToken(req)))
        return reply.code(401).type('text/plain').send('dashboard: missing or wrong token (Authorization: Bearer <DASHBOARD_TOKEN> or ?token=)\n');
    });
  }
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  });
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(dashboardHtml()));
  app.get('/api/state', async () => state.snapshot());
  app.get('/api/results', async () => results);
  app.get('/results/report.html', async (_req, reply) => {
    if (!results?.hasReport) return reply.code(404).type('text/plain').send('no report.html in the results folder\n');
    return reply.type('text/html; charset=utf-8').send(readFileSync(join(results.dir, 'report.html')));
  });
  app.get('/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    clients.add(res);
    send(res, JSON.stringify(state.snapshot()));
    req.raw.on('close', () => clients.delete(res));
  });
  const keepAlive = setInterval(
    () => {
      for (const res of clients) res.write(': keep-alive\n\n');
    },
    (o.keepAliveSeconds ?? 15) * 1000,
  );
  keepAlive.unref();

  const address = await app.listen({ host: o.host, port: o.port });
  o.logger?.info({ host: o.host, port: new URL(address).port, results: results?.dir ?? null }, 'dashboard listening');
  return {
    url: token ? `${address}/?token=${encodeURIComponent(token)}` : address,
    state,
    clientCount: () => clients.size,
    async close() {
      clearInterval(keepAlive);
      unsubscribe?.();
      for (const res of clients) res.end();
      clients.clear();
      await app.close();
    },
  };
}
