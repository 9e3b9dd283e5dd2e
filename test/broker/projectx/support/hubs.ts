// Test helpers for the hubs: user/market hubs wired to a harness, tiny reconnect delays, and event waits.

import { silentLogger } from '../../../../src/log/logger.ts';
import { ExponentialBackoffPolicy } from '../../../../src/broker/projectx/retryPolicy.ts';
import { MarketHub, UserHub } from '../../../../src/broker/projectx/realtime/hubs.ts';
import { ProjectXAccountSync } from '../../../../src/broker/projectx/realtime/accountSync.ts';
import type { Emitter, EventMap } from '../../../../src/domain/emitter.ts';
import type { Harness } from './harness.ts';

/** Reconnect delays of a few real milliseconds so a drop test runs at once (never gives up). */
export const tinyHubPolicy = () => new ExponentialBackoffPolicy({ firstDelayMs: 0, baseDelayMs: 2, maxDelayMs: 10, jitter: 0 });

export function hubOptions(h: Harness) {
  return {
    rtcUrl: h.address.rtcUrl,
    token: () => h.client.session.getToken(),
    currentToken: () => h.client.session.currentToken(),
    onConnectFailed: () => void h.client.session.checkToken().catch(() => undefined),
    retryPolicy: tinyHubPolicy(),
    clock: h.clock,
    logger: silentLogger(),
  };
}

export function startSync(h: Harness): { sync: ProjectXAccountSync; userHub: UserHub } {
  const userHub = new UserHub(hubOptions(h));
  const sync = new ProjectXAccountSync({ client: h.client, userHub, accountId: h.accountId, clock: h.clock, logger: silentLogger() });
  return { sync, userHub };
}

export function newMarketHub(h: Harness): MarketHub {
  return new MarketHub(hubOptions(h));
}

/** Resolves with the next `event` payload satisfying `pred`. */
export function nextEvent<E extends EventMap, K extends keyof E>(
  emitter: Emitter<E>,
  event: K,
  pred: (p: E[K]) => boolean = () => true,
): Promise<E[K]> {
  return new Promise((resolve) => {
    const off = emitter.on(event, (p) => {
      if (pred(p)) {
        off();
        resolve(p);
      }
    });
  });
}

/** Yields to the event loop (setImmediate, no timer) until `pred` holds; fails after `maxTurns` turns. */
export async function until(pred: () => boolean, maxTurns = 200_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (pred()) return;
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}
