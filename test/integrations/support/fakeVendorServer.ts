// A local HTTP server on 127.0.0.1 answering vendor requests from per-path handlers, recording every request.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../../src/log/logger.ts';
import type { Alert } from '../../../src/monitor/types.ts';

/** A request the fake server received. */
export interface SeenRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

/** What a handler answers: JSON, raw text (e.g. HTML), a status, or `hang` (never answers: timeouts). */
export type FakeAnswer = { status?: number; json?: unknown; text?: string; contentType?: string } | 'hang';
export type FakeHandler = (req: SeenRequest) => FakeAnswer;

export interface FakeServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Sets the handler of a path (exact match on the path without the query). */
  on(path: string, handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Starts a fake vendor on an ephemeral port of 127.0.0.1. Unknown paths answer 404. */
export async function startFakeServer(): Promise<FakeServer> {
  const handlers = new Map<string, FakeHandler>();
  const requests: SeenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = { path: decodeURIComponent(u.pathname), query: u.searchParams, headers: req.headers };
    requests.push(seen);
    const h = handlers.get(seen.path) ?? handlers.get(u.pathname);
    const answer: FakeAnswer = h ? h(seen) : { status: 404, text: 'not found' };
    if (answer === 'hang') {
      hanging.add(res);
      return;
    }
    const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
    res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? (answer.json !== undefined ? 'application/json' : 'text/plain') });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path, handler) => handlers.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A mutable fake clock in UTC ms. */
export function fakeClock(startMs: number): { nowMs: () => number; set(ms: number): void; advance(ms: number): void } {
  let t = startMs;
  return {
    nowMs: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A logger writing JSON lines into `lines` (for asserting that no secret is logged), at debug level. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** Collects published alerts. */
export function alertSink(): { alerts: Alert[]; publish: (a: Alert) => void } {
  const alerts: Alert[] = [];
  return { alerts, publish: (a) => alerts.push(a) };
}
