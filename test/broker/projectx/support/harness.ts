// Test harness: a started Gateway simulator and a REST client wired to it on one shared manual clock.

import { ManualClock } from '../../../../src/domain/clock.ts';
import { ProjectXClient } from '../../../../src/broker/projectx/http/client.ts';
import { ExponentialBackoffPolicy } from '../../../../src/broker/projectx/retryPolicy.ts';
import { GatewaySimulator, type GatewaySimulatorOptions, type SimAddress } from '../../../../src/broker/projectx/simulator/index.ts';
import type { Bar } from '../../../../src/domain/bar.ts';

export const T0 = Date.UTC(2026, 0, 5, 14, 30);
export const MNQ = 'CON.F.US.MNQ.H26';

/** `n` 1-minute MNQ bars from T0 walking up and down around 21000. */
export function makeBars(n: number, startMs = T0, stepMs = 60_000): Bar[] {
  const bars: Bar[] = [];
  let price = 21_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = open + (i % 7 < 4 ? 1 : -1) * 1.25;
    bars.push({ tsMs: startMs + i * stepMs, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.75, close, volume: 100 + i });
    price = close;
  }
  return bars;
}

export interface Harness {
  readonly sim: GatewaySimulator;
  readonly client: ProjectXClient;
  readonly clock: ManualClock;
  readonly address: SimAddress;
  readonly accountId: number;
  /** The quiescent driver's fetch (for extra clients on the same clock). */
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * Advances the manual clock to the next sleeper only while no HTTP exchange is in flight, so virtual time
 * never jumps between a request leaving the client and reaching the simulator (no real waiting anywhere).
 */
export function quiescentDriver(clock: ManualClock): { fetch: typeof fetch; stop(): void } {
  let inFlight = 0;
  let running = true;
  const loop = () => {
    if (!running) return;
    const next = clock.nextWakeMs();
    if (inFlight === 0 && next !== null) clock.advanceTo(next);
    setImmediate(loop);
  };
  setImmediate(loop);
  const wrapped: typeof fetch = async (input, init) => {
    inFlight++;
    try {
      const res = await fetch(input, init);
      const body = await res.arrayBuffer();
      return new Response(body, { status: res.status, headers: res.headers });
    } finally {
      inFlight--;
    }
  };
  return {
    fetch: wrapped,
    stop: () => {
      running = false;
    },
  };
}

/** Starts a simulator on 127.0.0.1:0 and a client with small seeded backoff on the same clock (quiescent driver). */
export async function startHarness(options: GatewaySimulatorOptions = {}): Promise<Harness> {
  const clock = options.clock ?? new ManualClock(T0);
  const sim = new GatewaySimulator({ ...options, clock });
  const address = await sim.start(0);
  const driver = quiescentDriver(clock);
  const client = new ProjectXClient({
    apiUrl: address.apiUrl,
    clock,
    fetch: driver.fetch,
    credentials: () => ({ userName: 'sim-user', apiKey: 'sim-key' }),
    retryPolicy: new ExponentialBackoffPolicy({ firstDelayMs: 1000, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetries: 20, jitter: 0.2 }),
  });
  return {
    sim,
    client,
    clock,
    address,
    accountId: sim.defaultAccountId,
    fetch: driver.fetch,
    close: async () => {
      driver.stop();
      await sim.stop();
    },
  };
}
