// Hubs against the Gateway simulator over real WebSockets: typed events, a 2-minute drop with reconnect,
// resubscription and REST resync, duplicate and out-of-order events, and bracket legs through a flatten.

import { afterEach, describe, expect, it } from 'vitest';
import { HubState } from '../../../src/broker/projectx/realtime/hubConnection.ts';
import { bracketFromPrices } from '../../../src/broker/projectx/brackets.ts';
import { EventAction, OrderSideCode, OrderStatus, OrderType } from '../../../src/broker/projectx/types.ts';
import type { ApplyResult } from '../../../src/broker/projectx/accountState.ts';
import { MNQ, makeBars, startHarness, T0, type Harness } from './support/harness.ts';
import { newMarketHub, nextEvent, startSync, tinyHubPolicy, until } from './support/hubs.ts';
import { connectRealtime } from '../../../src/broker/projectx/realtime/realtimeSession.ts';
import { ProjectXClient } from '../../../src/broker/projectx/http/client.ts';
import pino from 'pino';

let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await h?.close();
});

describe('user hub', () => {
  it('connects with the JSON protocol, subscribes the account and delivers typed, unwrapped events', async () => {
    h = await startHarness();
    const { sync, userHub } = startSync(h);
    cleanups.push(() => sync.stop());
    const firstResync = nextEvent(sync.events, 'resynced');
    await sync.start();
    await firstResync;
    expect(userHub.connection.state).toBe(HubState.Connected);
    expect(h.sim.hubs.invocations.filter((i) => i.hub === 'user').map((i) => [i.target, i.args])).toEqual([
      ['SubscribeAccounts', []],
      ['SubscribeOrders', [h.accountId]],
      ['SubscribePositions', [h.accountId]],
      ['SubscribeTrades', [h.accountId]],
    ]);
    h.sim.tick(MNQ, 21_000);
    const orderEvent = nextEvent(userHub.events, 'order', (e) => e.data.status === OrderStatus.Filled);
    const tradeEvent = nextEvent(userHub.events, 'trade');
    const id = await h.client.placeOrder({ accountId: h.accountId, contractId: MNQ, type: OrderType.Market, side: OrderSideCode.Bid, size: 1 });
    const filled = await orderEvent;
    expect([filled.action, filled.data.id, filled.data.filledPrice]).toEqual([EventAction.Update, id, 21_000]);
    expect((await tradeEvent).data).toMatchObject({ orderId: id, price: 21_000, profitAndLossUsd: null, feesUsd: 0.37 });
    await until(() => sync.state.positions.get(MNQ)?.size === 1);
  });

  it('survives a 2-minute drop: reconnects, resubscribes, and resyncs what happened in the gap over REST', async () => {
    h = await startHarness();
    const { sync, userHub } = startSync(h);
    cleanups.push(() => sync.stop());
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    h.sim.tick(MNQ, 21_000);
    const entryId = await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Bid,
      size: 1,
      limitPrice: 20_990,
    });
    await until(() => sync.state.orders.get(entryId)?.status === OrderStatus.Open);

    const dropAtMs = h.clock.nowMs();
    h.sim.hubs.dropConnections(120_000);
    await until(() => userHub.connection.state === HubState.Reconnecting);
    h.sim.tick(MNQ, 20_990); // fills while the hub is down: the event is lost
    expect(sync.state.orders.get(entryId)!.status).toBe(OrderStatus.Open);

    const acceptedBefore = h.sim.hubs.acceptedConnections;
    const resynced = nextEvent(sync.events, 'resynced', (e) => e.reason === 'reconnect');
    h.sim.advanceBy(60_000);
    expect(userHub.connection.state).toBe(HubState.Reconnecting);
    h.sim.advanceBy(60_000);
    const info = await resynced;

    expect(info.sinceMs).toBeLessThanOrEqual(dropAtMs);
    expect(h.sim.hubs.acceptedConnections).toBe(acceptedBefore + 1);
    const resubscribed = h.sim.hubs.invocations.filter((i) => i.connectionSeq === h.sim.hubs.acceptedConnections).map((i) => i.target);
    expect(resubscribed).toEqual(['SubscribeAccounts', 'SubscribeOrders', 'SubscribePositions', 'SubscribeTrades']);
    expect(sync.state.orders.get(entryId)!.status).toBe(OrderStatus.Filled);
    expect(sync.state.positions.get(MNQ)).toMatchObject({ size: 1, averagePrice: 20_990 });
    expect([...sync.state.trades.values()].map((t) => t.orderId)).toContain(entryId);
  });

  it('ignores duplicate events and an older event arriving after a newer one', async () => {
    h = await startHarness();
    const { sync } = startSync(h);
    cleanups.push(() => sync.stop());
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    h.sim.tick(MNQ, 21_000);
    const results: ApplyResult[] = [];
    sync.events.on('order', (e) => results.push(e.result));
    h.sim.faults.delayedEvents = { remaining: 1, delayMs: 5_000 };
    const id = await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Bid,
      size: 1,
      limitPrice: 20_900,
    });
    h.sim.advanceBy(1_000);
    h.sim.faults.duplicateEvents = 1;
    await h.client.modifyOrder({ accountId: h.accountId, orderId: id, limitPrice: 20_950 });
    await until(() => results.length === 2);
    h.sim.advanceBy(5_000);
    await until(() => results.length === 3);
    expect(results).toEqual(['applied', 'duplicate', 'stale']);
    expect(sync.state.orders.get(id)!.limitPrice).toBe(20_950);
  });

  it('shows bracket legs as status 8, activates them on the fill, and cancels them after a flatten', async () => {
    h = await startHarness();
    const { sync } = startSync(h);
    cleanups.push(() => sync.stop());
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    h.sim.tick(MNQ, 21_000);
    const entryId = await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Ask,
      size: 1,
      limitPrice: 21_005,
      customTag: 's1',
      ...bracketFromPrices('short', 21_005, 21_015, 20_985, 0.25),
    });
    await until(() => sync.state.legsOf(entryId).length === 2);
    expect(sync.state.legsOf(entryId).map((l) => [l.status, l.type, l.customTag])).toEqual([
      [8, 4, 's1-SL'],
      [8, 1, 's1-TP'],
    ]);
    h.sim.tick(MNQ, 21_005);
    await until(() => sync.state.legsOf(entryId).every((l) => l.status === OrderStatus.Open));
    expect(sync.state.legsOf(entryId).map((l) => l.stopPrice ?? l.limitPrice)).toEqual([21_015, 20_985]);
    const cancelled = nextEvent(sync.events, 'legsCancelled');
    await h.client.closePosition(h.accountId, MNQ);
    const legIds = sync.state.legsOf(entryId).map((l) => l.id);
    expect((await cancelled).orderIds.sort()).toEqual(legIds.sort());
    expect(legIds.map((id) => h.sim.engine.orders.get(id)!.status)).toEqual([OrderStatus.Cancelled, OrderStatus.Cancelled]);
    await until(() => sync.state.legsOf(entryId).every((l) => l.status === OrderStatus.Cancelled));
  });

  it('stops for good when stop() is called while reconnecting', async () => {
    h = await startHarness();
    const { sync, userHub } = startSync(h);
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    h.sim.hubs.dropConnections(3_600_000);
    await until(() => userHub.connection.state === HubState.Reconnecting);
    await sync.stop();
    expect(userHub.connection.state).toBe(HubState.Disconnected);
    const accepted = h.sim.hubs.acceptedConnections;
    h.sim.advanceBy(3_600_000);
    for (let i = 0; i < 2000; i++) await new Promise<void>((r) => setImmediate(r));
    expect(h.sim.hubs.acceptedConnections).toBe(accepted);
  });
});

describe('server close and logs', () => {
  it('restarts on its own after a server close message (type 7) that forbids reconnecting', async () => {
    h = await startHarness();
    const { sync, userHub } = startSync(h);
    cleanups.push(() => sync.stop());
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    const restarted = nextEvent(sync.events, 'resynced', (e) => e.reason === 'restart');
    h.sim.hubs.closeGracefully('Server shutting down', false);
    const info = await restarted;
    expect(info.sinceMs).toBeLessThanOrEqual(h.clock.nowMs());
    expect(userHub.connection.state).toBe(HubState.Connected);
    expect(h.sim.hubs.acceptedConnections).toBe(2);
  });

  it('never writes the token or the credentials into logs, at trace level, through 401s and reconnects', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (l: string) => lines.push(l) });
    h = await startHarness({ users: { 'log-user-5521': 'log-key-8842' } });
    const client = new ProjectXClient({
      apiUrl: h.address.apiUrl,
      clock: h.clock,
      logger,
      credentials: () => ({ userName: 'log-user-5521', apiKey: 'log-key-8842' }),
    });
    const rt = await connectRealtime({
      client,
      rtcUrl: h.address.rtcUrl,
      accountId: h.accountId,
      contractIds: [MNQ],
      retryPolicy: tinyHubPolicy(),
      logger,
    });
    cleanups.push(() => rt.stop());
    await until(() => rt.sync.resyncCount === 1);
    const tokens = new Set<string>([client.session.currentToken()!]);
    h.sim.tokens.expireAll();
    h.sim.hubs.dropConnections();
    await until(() => rt.userHub.connection.state === 'Connected' && client.session.currentToken() !== [...tokens][0]);
    tokens.add(client.session.currentToken()!);
    await client.searchAccounts();
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(all).not.toContain('log-key-8842');
    expect(all).not.toContain('log-user-5521');
    for (const t of tokens) expect(all).not.toContain(t);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});

describe('token lifecycle', () => {
  it('keeps healthy hubs across a token refresh (issue 20); a later reconnect carries the new token and resyncs', async () => {
    h = await startHarness();
    const rt = await connectRealtime({
      client: h.client,
      rtcUrl: h.address.rtcUrl,
      accountId: h.accountId,
      contractIds: [MNQ],
      retryPolicy: tinyHubPolicy(),
    });
    cleanups.push(() => rt.stop());
    await until(() => rt.sync.resyncCount === 1 && h.sim.hubs.openConnections('market') === 1);
    const connectionsBefore = new Set(h.sim.hubs.invocations.map((i) => i.connectionSeq)).size;
    h.clock.advanceBy(23 * 3_600_000 + 45 * 60_000);
    await h.client.searchAccounts();
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Auth/validate' && r.status === 200)).toHaveLength(1);
    // No teardown: the same connections, no new subscriptions.
    for (let i = 0; i < 50; i++) await new Promise<void>((r) => setImmediate(r));
    expect(new Set(h.sim.hubs.invocations.map((i) => i.connectionSeq)).size).toBe(connectionsBefore);
    expect(h.sim.hubs.openConnections('user')).toBe(1);
    // The old token expires; a drop now reconnects with the refreshed one and resyncs the gap.
    h.clock.advanceBy(20 * 60_000);
    const resynced = nextEvent(rt.sync.events, 'resynced', (e) => e.reason === 'reconnect');
    h.sim.hubs.dropConnections(0);
    await resynced;
    await until(() => h.sim.hubs.openConnections('user') === 1 && h.sim.hubs.openConnections('market') === 1);
    const lastUser = Math.max(...h.sim.hubs.invocations.filter((i) => i.hub === 'user').map((i) => i.connectionSeq));
    expect(h.sim.hubs.invocations.filter((i) => i.connectionSeq === lastUser).map((i) => i.target)).toEqual([
      'SubscribeAccounts',
      'SubscribeOrders',
      'SubscribePositions',
      'SubscribeTrades',
    ]);
  });

  it('renews a revoked token when the hub reconnect is refused with 401', async () => {
    h = await startHarness();
    const { sync, userHub } = startSync(h);
    cleanups.push(() => sync.stop());
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    const logins = h.sim.restLog.filter((r) => r.endpoint === 'Auth/loginKey').length;
    const resynced = nextEvent(sync.events, 'resynced', (e) => e.reason === 'reconnect');
    h.sim.tokens.expireAll();
    h.sim.hubs.dropConnections();
    await resynced;
    expect(userHub.connection.state).toBe(HubState.Connected);
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Auth/loginKey').length).toBe(logins + 1);
  });
});

describe('market hub', () => {
  it('streams quotes, trades and depth of replayed bars to a subscribed contract', async () => {
    h = await startHarness({ bars: { [MNQ]: makeBars(3) } });
    const hub = newMarketHub(h);
    cleanups.push(() => hub.stop());
    await hub.subscribeContract(MNQ, { depth: true });
    await hub.start();
    await until(() => h.sim.hubs.invocations.filter((i) => i.hub === 'market').length === 3);
    const quotes: number[] = [];
    hub.events.on('quote', (q) => quotes.push(q.lastPrice!));
    const depth = nextEvent(hub.events, 'depth');
    const trade = nextEvent(hub.events, 'trade');
    h.sim.advanceTo(T0 + 60_000);
    await until(() => quotes.length >= 4);
    const bar = makeBars(1)[0]!;
    expect(quotes.slice(0, 3)).toEqual([bar.open, bar.low, bar.high]);
    expect((await trade)[0]!.contractId).toBe(MNQ);
    expect((await depth).map((d) => d.type)).toEqual([4, 3]);
  });
});
