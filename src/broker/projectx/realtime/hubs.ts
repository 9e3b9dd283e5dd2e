// Typed user and market hubs on top of ProjectXHubConnection: payloads parsed (the user hub's
// `{action, data}` envelope undone) into typed events; a payload that does not parse is logged and dropped.

import type { Logger } from 'pino';
import { parseAccount, parseDepth, parseMarketTrades, parseOrder, parsePosition, parseQuote, parseTrade, unwrapUserEvent } from '../parse.ts';
import type { PxAccount, PxDepthEntry, PxMarketTrade, PxOrder, PxPosition, PxQuote, PxTrade, PxUserEvent } from '../types.ts';
import { Emitter } from '../../../domain/index.ts';
import { ProjectXHubConnection, type HubConnectionOptions } from './hubConnection.ts';

export interface UserHubEvents extends Record<string, unknown> {
  account: PxUserEvent<PxAccount>;
  order: PxUserEvent<PxOrder>;
  position: PxUserEvent<PxPosition>;
  trade: PxUserEvent<PxTrade>;
  /** GatewayLogout: reportedly "logged in elsewhere" (unverified); logged and surfaced. */
  logout: unknown;
}

export interface MarketHubEvents extends Record<string, unknown> {
  quote: PxQuote;
  trade: PxMarketTrade[];
  depth: PxDepthEntry[];
}

/** Hub URL under the real-time base, e.g. https://rtc.topstepx.com → https://rtc.topstepx.com/hubs/user. */
export function hubUrl(rtcUrl: string, hub: 'user' | 'market'): string {
  return `${rtcUrl.replace(/\/+$/, '').replace(/\/hubs\/(user|market)$/, '')}/hubs/${hub}`;
}

function guarded(log: Logger, target: string, fn: (...args: unknown[]) => void): (...args: unknown[]) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (e) {
      log.warn({ target, err: e instanceof Error ? e.message : String(e) }, 'hub payload dropped');
    }
  };
}

/** The user hub: accounts, orders, positions and trades of the subscribed accounts. */
export class UserHub {
  readonly connection: ProjectXHubConnection;
  readonly events: Emitter<UserHubEvents>;

  constructor(options: Omit<HubConnectionOptions, 'name' | 'url'> & { rtcUrl: string }) {
    this.connection = new ProjectXHubConnection({ ...options, name: 'user', url: hubUrl(options.rtcUrl, 'user') });
    const log = options.logger.child({ component: 'projectx-user-hub' });
    this.events = new Emitter<UserHubEvents>(log);
    const c = this.connection;
    c.on(
      'GatewayUserAccount',
      guarded(log, 'GatewayUserAccount', (p) => this.events.emit('account', unwrapUserEvent(p, parseAccount, 'GatewayUserAccount'))),
    );
    c.on(
      'GatewayUserOrder',
      guarded(log, 'GatewayUserOrder', (p) => this.events.emit('order', unwrapUserEvent(p, parseOrder, 'GatewayUserOrder'))),
    );
    c.on(
      'GatewayUserPosition',
      guarded(log, 'GatewayUserPosition', (p) => this.events.emit('position', unwrapUserEvent(p, parsePosition, 'GatewayUserPosition'))),
    );
    c.on(
      'GatewayUserTrade',
      guarded(log, 'GatewayUserTrade', (p) => this.events.emit('trade', unwrapUserEvent(p, parseTrade, 'GatewayUserTrade'))),
    );
    c.on(
      'GatewayLogout',
      guarded(log, 'GatewayLogout', (p) => {
        log.warn('GatewayLogout received');
        this.events.emit('logout', p);
      }),
    );
  }

  /** Subscribes to everything about one account (replayed after every reconnect). */
  async subscribeAccount(accountId: number): Promise<void> {
    await this.connection.subscribe('SubscribeAccounts');
    await this.connection.subscribe('SubscribeOrders', accountId);
    await this.connection.subscribe('SubscribePositions', accountId);
    await this.connection.subscribe('SubscribeTrades', accountId);
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }
}

/** The market hub: quotes, market trades and depth of the subscribed contracts. */
export class MarketHub {
  readonly connection: ProjectXHubConnection;
  readonly events: Emitter<MarketHubEvents>;

  constructor(options: Omit<HubConnectionOptions, 'name' | 'url'> & { rtcUrl: string }) {
    this.connection = new ProjectXHubConnection({ ...options, name: 'market', url: hubUrl(options.rtcUrl, 'market') });
    const log = options.logger.child({ component: 'projectx-market-hub' });
    this.events = new Emitter<MarketHubEvents>(log);
    const c = this.connection;
    c.on(
      'GatewayQuote',
      guarded(log, 'GatewayQuote', (id, p) => this.events.emit('quote', parseQuote(String(id), p))),
    );
    c.on(
      'GatewayTrade',
      guarded(log, 'GatewayTrade', (id, p) => this.events.emit('trade', parseMarketTrades(String(id), p))),
    );
    c.on(
      'GatewayDepth',
      guarded(log, 'GatewayDepth', (id, p) => this.events.emit('depth', parseDepth(String(id), p))),
    );
  }

  /** Subscribes to quotes, trades and (optionally) depth of a contract. */
  async subscribeContract(contractId: string, options: { depth?: boolean } = {}): Promise<void> {
    await this.connection.subscribe('SubscribeContractQuotes', contractId);
    await this.connection.subscribe('SubscribeContractTrades', contractId);
    if (options.depth) await this.connection.subscribe('SubscribeContractMarketDepth', contractId);
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }
}
