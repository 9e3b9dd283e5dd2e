// Keeps one account's state in step with the gateway: user-hub events applied as they come, a REST resync
// after every (re)connect over the gap (the hubs do not replay) retried until it succeeds, a periodic
// resync, and leftover bracket legs cancelled once the position they protected is flat. Lookup windows are
// on the venue's clock (the market clock), with a margin; gap lengths are measured on the hub's clock.

import type { Logger } from 'pino';
import { ProjectXAccountState, type AccountSnapshot, type ApplyResult } from '../accountState.ts';
import { Emitter, fireAndForget, type Clock } from '../../../domain/index.ts';
import { ProjectXError } from '../errors.ts';
import type { ProjectXClient } from '../http/client.ts';
import type { PxOrder, PxPosition, PxTrade } from '../types.ts';
import type { HubResubscribed } from './hubConnection.ts';
import type { UserHub } from './hubs.ts';

export interface AccountSyncEvents extends Record<string, unknown> {
  order: { order: PxOrder; result: ApplyResult };
  position: { position: PxPosition; closed: boolean; result: ApplyResult };
  trade: { trade: PxTrade; result: ApplyResult };
  /** After a REST reconciliation: the gap it covered. */
  resynced: { sinceMs: number; untilMs: number; reason: HubResubscribed['reason'] };
  /** Legs cancelled after their position went flat. */
  legsCancelled: { contractId: string; orderIds: number[] };
  /** A resync failed; it is retried after `retryInMs` (hub-clock ms). */
  resyncFailed: { error: string; attempt: number; retryInMs: number };
}

export interface AccountSyncOptions {
  readonly client: ProjectXClient;
  readonly userHub: UserHub;
  readonly accountId: number;
  readonly clock: Clock;
  /** The venue's clock (market time) for lookup windows; default `clock`. */
  readonly venueClock?: Clock;
  readonly logger: Logger;
  /** How far back the first resync looks for orders and trades (default 24 h). */
  readonly initialLookbackMs?: number;
  /** Margin added before a gap's start when resyncing (default 60 s). */
  readonly gapMarginMs?: number;
  /** Cancel surviving bracket legs when their position closes (default true). */
  readonly cancelOrphanLegs?: boolean;
}

/** Subscribes one account on the user hub and reconciles over REST after every gap. */
export class ProjectXAccountSync {
  readonly state = new ProjectXAccountState();
  readonly events: Emitter<AccountSyncEvents>;
  /** Resyncs done so far. */
  resyncCount = 0;
  private readonly log: Logger;
  private stopped = false;
  private periodic: Promise<void> | null = null;

  constructor(private readonly options: AccountSyncOptions) {
    this.log = options.logger.child({ component: 'projectx-account-sync', accountId: options.accountId });
    this.events = new Emitter<AccountSyncEvents>(this.log);
    const hub = options.userHub;
    hub.events.on('account', (ev) => {
      if (ev.data.id === options.accountId) this.state.applyAccount(ev);
    });
    hub.events.on('order', (ev) => {
      if (ev.data.accountId !== options.accountId) return;
      const result = this.state.applyOrder(ev);
      if (result !== 'applied') this.log.debug({ orderId: ev.data.id, result }, 'order event ignored');
      this.events.emit('order', { order: this.state.orders.get(ev.data.id) ?? ev.data, result });
    });
    hub.events.on('position', (ev) => {
      if (ev.data.accountId !== options.accountId) return;
      const result = this.state.applyPosition(ev);
      const closed = !this.state.positions.has(ev.data.contractId);
      this.events.emit('position', { position: ev.data, closed, result });
      if (closed && result === 'applied' && (options.cancelOrphanLegs ?? true))
        fireAndForget(this.cancelOrphanLegs(ev.data.contractId), this.log, 'cancel orphan legs');
    });
    hub.events.on('trade', (ev) => {
      if (ev.data.accountId !== options.accountId) return;
      this.events.emit('trade', { trade: ev.data, result: this.state.applyTrade(ev) });
    });
    hub.connection.events.on('resubscribed', (info) => {
      // The gap's length on the hub's clock, placed on the venue's clock (the two may be skewed).
      const venueNow = this.venueNowMs();
      const since =
        info.gapStartMs === null
          ? venueNow - (options.initialLookbackMs ?? 86_400_000)
          : venueNow - Math.max(0, options.clock.nowMs() - info.gapStartMs) - (options.gapMarginMs ?? 60_000);
      fireAndForget(this.resyncUntilDone(since, info.reason), this.log, 'resync');
    });
  }

  /** Now on the venue's clock. */
  venueNowMs(): number {
    return (this.options.venueClock ?? this.options.clock).nowMs();
  }

  /**
   * Resyncs, retrying (1 s, 2 s, … ≤ 30 s of the hub clock) until it succeeds or the sync is stopped; a
   * failed reconnect resync would otherwise leave the gap unknown for good.
   */
  async resyncUntilDone(sinceMs: number, reason: HubResubscribed['reason'] = 'reconnect'): Promise<boolean> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.resync(sinceMs, reason);
        return true;
      } catch (e) {
        const retryInMs = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
        const error = e instanceof Error ? e.message : String(e);
        this.log.warn({ attempt, retryInMs, err: error }, 'account resync failed; retrying');
        this.events.emit('resyncFailed', { error, attempt, retryInMs });
        await this.options.clock.sleep(retryInMs);
      }
    }
    return false;
  }

  /**
   * Resyncs every `intervalMs` (hub clock) over the last `windowMs` of venue time until stopped, so a
   * disagreement the stream never reported (a lost event, a gap it did not notice) is found.
   */
  startPeriodic(intervalMs: number, windowMs = 30 * 60_000): void {
    if (this.periodic || !(intervalMs > 0)) return;
    const loop = async () => {
      // Short sleeps: a stop is noticed within a second, no long timer keeps the process alive.
      for (let waited = 0; !this.stopped;) {
        const step = Math.min(1000, intervalMs - waited);
        await this.options.clock.sleep(step);
        waited += step;
        if (waited < intervalMs) continue;
        waited = 0;
        if (!this.stopped) await this.resyncUntilDone(this.venueNowMs() - windowMs, 'reconnect');
      }
    };
    this.periodic = loop();
  }

  /** Subscribes the account and connects the hub (resolves once connected; the first resync follows). */
  async start(): Promise<void> {
    await this.options.userHub.subscribeAccount(this.options.accountId);
    await this.options.userHub.start();
  }

  /** Reads account, positions, open orders, and orders/trades since `sinceMs` over REST and merges them. */
  async resync(sinceMs: number, reason: HubResubscribed['reason'] = 'reconnect'): Promise<void> {
    const { client, accountId } = this.options;
    const [accounts, positions, openOrders, recentOrders, recentTrades] = await Promise.all([
      client.searchAccounts(false),
      client.searchOpenPositions(accountId),
      client.searchOpenOrders(accountId),
      client.searchOrders(accountId, sinceMs),
      client.searchTrades(accountId, sinceMs),
    ]);
    const snapshot: AccountSnapshot = {
      account: accounts.find((a) => a.id === accountId) ?? null,
      positions,
      openOrders,
      recentOrders,
      recentTrades,
    };
    const flatBefore = new Set([...this.state.positions.keys()]);
    this.state.applySnapshot(snapshot);
    this.resyncCount++;
    this.log.info({ sinceMs, positions: positions.length, openOrders: openOrders.length, trades: recentTrades.length }, 'account resynced');
    this.events.emit('resynced', { sinceMs, untilMs: this.venueNowMs(), reason });
    if (this.options.cancelOrphanLegs ?? true) {
      for (const contractId of flatBefore) if (!this.state.positions.has(contractId)) await this.cancelOrphanLegs(contractId);
    }
  }

  /** Cancels legs whose entry filled but whose position is now flat (closeContract leaves them alive). */
  async cancelOrphanLegs(contractId: string): Promise<number[]> {
    const legs = this.state.orphanLegs(contractId);
    const cancelled: number[] = [];
    for (const leg of legs) {
      try {
        await this.options.client.cancelOrder(this.options.accountId, leg.id);
        cancelled.push(leg.id);
      } catch (e) {
        // Already filled or cancelled by OCO: nothing left to do for this leg.
        if (!(e instanceof ProjectXError) || e.code !== 'PROJECTX_REJECTED') throw e;
      }
    }
    if (cancelled.length > 0) {
      this.log.info({ contractId, orderIds: cancelled }, 'cancelled bracket legs of a closed position');
      this.events.emit('legsCancelled', { contractId, orderIds: cancelled });
    }
    return cancelled;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.options.userHub.stop();
    await this.periodic;
  }
}
