// Wires the real-time side for one account: user hub + account sync + market hub sharing the REST
// client's session. A token refresh does not tear down healthy hubs (the gateway checks the token at
// connect time): the next (re)connect takes the fresh token, and its resync covers the gap.

import type { Logger } from 'pino';
import { silentLogger } from '../../../log/index.ts';
import { fireAndForget, type Clock } from '../../../domain/index.ts';
import type { ProjectXClient } from '../http/client.ts';
import { defaultHubRetryPolicy, type RetryPolicy } from '../retryPolicy.ts';
import { ProjectXAccountSync } from './accountSync.ts';
import { MarketHub, UserHub } from './hubs.ts';

export interface RealtimeOptions {
  readonly client: ProjectXClient;
  /** Hubs base, e.g. https://rtc.topstepx.com */
  readonly rtcUrl: string;
  readonly accountId: number;
  /** Contracts whose quotes/trades (and depth, if asked) to stream. */
  readonly contractIds?: readonly string[];
  readonly depth?: boolean;
  /** Reconnect policy of both hubs (default: 0 s, 1 s, 2 s … ≤30 s, never gives up). */
  readonly retryPolicy?: RetryPolicy;
  /** The venue's clock (market time) for the account sync's lookup windows; default the client's clock. */
  readonly venueClock?: Clock;
  readonly logger?: Logger;
}

/** The connected real-time side; `stop()` ends both hubs. */
export interface ProjectXRealtime {
  readonly userHub: UserHub;
  readonly marketHub: MarketHub;
  readonly sync: ProjectXAccountSync;
  stop(): Promise<void>;
}

/** Connects both hubs (resolves when both are connected and subscribed). */
export async function connectRealtime(options: RealtimeOptions): Promise<ProjectXRealtime> {
  const { client } = options;
  const logger = options.logger ?? silentLogger();
  const hubOptions = {
    rtcUrl: options.rtcUrl,
    token: () => client.session.getToken(),
    currentToken: () => client.session.currentToken(),
    onConnectFailed: () => fireAndForget(client.session.checkToken(), logger, 'check token for hub'),
    retryPolicy: options.retryPolicy ?? defaultHubRetryPolicy(),
    clock: client.clock,
    logger,
  };
  const userHub = new UserHub(hubOptions);
  const marketHub = new MarketHub(hubOptions);
  const sync = new ProjectXAccountSync({
    client,
    userHub,
    accountId: options.accountId,
    clock: client.clock,
    venueClock: options.venueClock,
    logger,
  });
  await client.login();
  for (const id of options.contractIds ?? []) await marketHub.subscribeContract(id, { depth: options.depth });
  await Promise.all([sync.start(), marketHub.start()]);
  return {
    userHub,
    marketHub,
    sync,
    async stop() {
      await Promise.all([sync.stop(), marketHub.stop()]);
    },
  };
}
