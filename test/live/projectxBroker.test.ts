// The ProjectX live broker and start-up reconciliation against the Gateway simulator over real sockets:
// bracket entries, leg exits, flatten, a hub drop mid-trade, and restart reconciliation by customTag.

import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import type { BracketOrderRequest, ExecutionEvent } from '../../src/domain/orders.ts';
import { HubState, OrderSideCode, OrderStatus, OrderType, placeBracketEntry } from '../../src/broker/projectx/index.ts';
import { IntentStatus, MemoryJournal } from '../../src/state/index.ts';
import { ProjectXBroker } from '../../src/broker/projectx/projectxBroker.ts';
import { reconcileLive } from '../../src/live/reconcile.ts';
import { MNQ, startHarness, type Harness } from '../broker/projectx/support/harness.ts';
import { nextEvent, startSync, until } from '../broker/projectx/support/hubs.ts';

let h: Harness | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await h?.close();
  h = null;
});

async function connected(harness: Harness) {
  const { sync, userHub } = startSync(harness);
  cleanups.push(() => sync.stop());
  const first = nextEvent(sync.events, 'resynced');
  await sync.start();
  await first;
  const broker = new ProjectXBroker({
    client: harness.client,
    sync,
    accountId: harness.accountId,
    contractId: MNQ,
    symbol: 'MNQ',
    tickSize: 0.25,
    logger: silentLogger(),
  });
  const events: ExecutionEvent[] = [];
  broker.setEventSink((evs) => events.push(...evs));
  cleanups.push(() => broker.close());
  return { sync, userHub, broker, events };
}

const order = (intentId: string, over: Partial<BracketOrderRequest> = {}): BracketOrderRequest => ({
  intentId,
  customTag: `txbot-${intentId}`,
  symbol: 'MNQ',
  side: 'long',
  qty: 1,
  entryType: 'market',
  stopTicks: 8,
  targetTicks: 16,
  decidedAtMs: 0,
  ...over,
});

describe('ProjectXBroker', () => {
  it('places an entry with a server-side bracket; the stop leg closes the position as a stop', async () => {
    h = await startHarness();
    const { broker, events } = await connected(h);
    h.sim.tick(MNQ, 21_000);
    const res = await broker.submitBracket(order('a-1'));
    events.push(...res.events);
    expect(res.brokerOrderId).toMatch(/^\d+$/);
    await until(() => events.some((e) => e.kind === 'entry_filled'));
    expect(events.find((e) => e.kind === 'entry_filled')).toMatchObject({
      intentId: 'a-1',
      price: 21_000,
      stopPrice: 20_998,
      targetPrice: 21_004,
      qty: 1,
      side: 'buy',
    });
    expect(broker.position?.stopPrice).toBe(20_998);
    h.sim.tick(MNQ, 20_997.5);
    await until(() => events.some((e) => e.kind === 'exit_filled'));
    const exit = events.find((e) => e.kind === 'exit_filled');
    expect(exit).toMatchObject({ intentId: 'a-1', reason: 'stop', side: 'sell', qty: 1 });
    expect(exit && exit.kind === 'exit_filled' ? exit.price : 0).toBeLessThanOrEqual(20_998);
    expect(broker.position).toBeNull();
  });

  it('flatten closes the position and leaves no working bracket leg', async () => {
    h = await startHarness();
    const { broker, events, sync } = await connected(h);
    h.sim.tick(MNQ, 21_000);
    events.push(...(await broker.submitBracket(order('b-1', { side: 'short' }))).events);
    await until(() => broker.position !== null);
    const entryId = broker.entryOrderId!;
    await until(() => sync.state.legsOf(entryId).length === 2);
    events.push(...(await broker.flatten(21_000, 1, 'kill_switch')));
    await until(() => events.some((e) => e.kind === 'exit_filled'));
    expect(events.find((e) => e.kind === 'exit_filled')).toMatchObject({ intentId: 'b-1', reason: 'kill_switch', side: 'buy' });
    expect((await h.client.searchOpenPositions(h.accountId)).length).toBe(0);
    expect((await h.client.searchOpenOrders(h.accountId)).filter((o) => o.contractId === MNQ).length).toBe(0);
  });

  it('a hub drop mid-trade recovers: the stop fill during the gap is reported after the REST resync', async () => {
    h = await startHarness();
    const { broker, events, sync, userHub } = await connected(h);
    h.sim.tick(MNQ, 21_000);
    events.push(...(await broker.submitBracket(order('c-1'))).events);
    await until(() => broker.position !== null);
    await until(() => sync.state.legsOf(broker.entryOrderId!).length === 2);
    h.sim.hubs.dropConnections(120_000);
    await until(() => userHub.connection.state === HubState.Reconnecting);
    h.sim.tick(MNQ, 20_990); // the stop fills while the hub is down: its events are lost
    expect(events.some((e) => e.kind === 'exit_filled')).toBe(false);
    const resynced = nextEvent(sync.events, 'resynced', (e) => e.reason === 'reconnect');
    h.sim.advanceBy(120_000);
    await resynced;
    await until(() => events.some((e) => e.kind === 'exit_filled'));
    expect(events.find((e) => e.kind === 'exit_filled')).toMatchObject({ intentId: 'c-1', reason: 'stop' });
    expect(broker.position).toBeNull();
  });
  it('token expiry mid-session recovers: the next entry is placed once and its fill still arrives', async () => {
    h = await startHarness();
    const { broker, events } = await connected(h);
    h.sim.tick(MNQ, 21_000);
    h.sim.tokens.expireAll();
    events.push(...(await broker.submitBracket(order('t-1'))).events);
    await until(() => events.some((e) => e.kind === 'entry_filled'));
    expect(events.find((e) => e.kind === 'entry_filled')).toMatchObject({ intentId: 't-1', price: 21_000 });
    const orders = await h.client.searchOrders(h.accountId, h.clock.nowMs() - 3_600_000);
    expect(orders.filter((o) => o.customTag === 'txbot-t-1').length).toBe(1);
    h.sim.tick(MNQ, 21_004.25);
    await until(() => events.some((e) => e.kind === 'exit_filled'));
    expect(events.find((e) => e.kind === 'exit_filled')).toMatchObject({ intentId: 't-1', reason: 'target' });
  });
});

describe('reconcileLive (restart)', () => {
  it('resolves journaled intents by customTag and adopts a protected position without resending', async () => {
    h = await startHarness();
    const journal = new MemoryJournal();
    const intent = (id: string) => ({
      intentId: id,
      customTag: `txbot-${id}`,
      symbol: 'MNQ',
      side: 'buy' as const,
      qty: 1,
      entryType: 'market' as const,
      entryPrice: null,
      stopPrice: null,
      targetPrice: null,
      regime: null,
      reason: 'test',
      createdTsMs: h!.clock.nowMs(),
    });
    // Killed before send: journaled, never reached the venue.
    await journal.recordIntent(intent('r-1'));
    // Killed after send, before the response: at the venue and filled, journal says SENT.
    await journal.recordIntent(intent('r-2'));
    await journal.markSent('r-2', h.clock.nowMs());
    h.sim.tick(MNQ, 21_000);
    await placeBracketEntry(h.client, {
      accountId: h.accountId,
      contractId: MNQ,
      side: 'long',
      entryType: 'market',
      size: 1,
      customTag: 'txbot-r-2',
      stopTicks: 8,
      targetTicks: 16,
    });
    h.sim.tick(MNQ, 21_001);
    const placesBefore = h.sim.restLog.filter((e) => e.endpoint === 'Order/place').length;

    const { broker } = await connected(h);
    const adopted: ExecutionEvent[] = [];
    const actions = await reconcileLive({
      client: h.client,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      journal,
      broker,
      adopt: async (ev) => void adopted.push(ev),
      nowMs: h.clock.nowMs(),
      logger: silentLogger(),
    });
    expect(actions.map((a) => a.code)).toEqual(['INTENT_NOT_AT_VENUE', 'INTENT_FILLED', 'POSITION_ADOPTED']);
    expect((await journal.intent('r-1'))?.status).toBe(IntentStatus.REJECTED);
    expect((await journal.intent('r-2'))?.status).toBe(IntentStatus.FILLED);
    expect(broker.position).toMatchObject({ intentId: 'r-2', side: 'long', qty: 1, entryPrice: 21_000, stopPrice: 20_998 });
    expect(adopted).toMatchObject([{ kind: 'entry_filled', intentId: 'r-2' }]);
    expect(h.sim.restLog.filter((e) => e.endpoint === 'Order/place').length).toBe(placesBefore);
  });

  it('flattens a position found without a working stop', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    await h.client.placeOrder({ accountId: h.accountId, contractId: MNQ, type: OrderType.Market, side: OrderSideCode.Ask, size: 2 });
    const { broker } = await connected(h);
    const actions = await reconcileLive({
      client: h.client,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      journal: new MemoryJournal(),
      broker,
      adopt: async () => undefined,
      nowMs: h.clock.nowMs(),
      logger: silentLogger(),
    });
    expect(actions.map((a) => a.code)).toEqual(['POSITION_UNPROTECTED_FLATTENED']);
    expect(await h.client.searchOpenPositions(h.accountId)).toEqual([]);
    expect(broker.position).toBeNull();
  });

  it('cancels a journaled entry still working at the venue', async () => {
    h = await startHarness();
    const journal = new MemoryJournal();
    await journal.recordIntent({
      intentId: 'w-1',
      customTag: 'txbot-w-1',
      symbol: 'MNQ',
      side: 'buy',
      qty: 1,
      entryType: 'limit',
      entryPrice: 20_900,
      stopPrice: null,
      targetPrice: null,
      regime: null,
      reason: 'test',
      createdTsMs: h.clock.nowMs(),
    });
    h.sim.tick(MNQ, 21_000);
    const id = (
      await placeBracketEntry(h.client, {
        accountId: h.accountId,
        contractId: MNQ,
        side: 'long',
        entryType: 'limit',
        limitPrice: 20_900,
        size: 1,
        customTag: 'txbot-w-1',
        stopTicks: 8,
        targetTicks: 16,
      })
    ).orderId;
    const { broker } = await connected(h);
    const actions = await reconcileLive({
      client: h.client,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      journal,
      broker,
      adopt: async () => undefined,
      nowMs: h.clock.nowMs(),
      logger: silentLogger(),
    });
    expect(actions.map((a) => a.code)).toEqual(['INTENT_WORKING_CANCELLED']);
    expect((await journal.intent('w-1'))?.status).toBe(IntentStatus.CANCELLED);
    expect((await h.client.searchOpenOrders(h.accountId)).some((o) => o.id === id && o.status === OrderStatus.Open)).toBe(false);
  });

  it('several instruments: a contract takes only its own intents, unless told to take those of instruments no longer traded', async () => {
    const hh = (h = await startHarness());
    const journal = new MemoryJournal();
    const intent = (intentId: string, symbol: string) =>
      journal.recordIntent({
        intentId,
        customTag: `txbot-${intentId}`,
        symbol,
        side: 'buy',
        qty: 1,
        entryType: 'market',
        entryPrice: null,
        stopPrice: null,
        targetPrice: null,
        regime: null,
        reason: 'test',
        createdTsMs: hh.clock.nowMs(),
      });
    await intent('mes-1', 'MES');
    await intent('old-1', 'NQ');
    const { broker } = await connected(hh);
    const run = (takesIntentOf?: (s: string) => boolean) =>
      reconcileLive({
        client: hh.client,
        accountId: hh.accountId,
        contractId: MNQ,
        symbol: 'MNQ',
        takesIntentOf,
        journal,
        broker,
        adopt: async () => undefined,
        nowMs: hh.clock.nowMs(),
        logger: silentLogger(),
      });
    // MNQ's own reconciliation leaves MES's and NQ's intents alone
    expect(await run()).toEqual([]);
    expect((await journal.openIntents()).map((i) => i.intentId).sort()).toEqual(['mes-1', 'old-1']);
    // the first contract of a session trading MNQ and MES also takes NQ's (no longer traded), not MES's
    const actions = await run((s) => s === 'MNQ' || !['MNQ', 'MES'].includes(s));
    expect(actions.map((a) => a.code)).toEqual(['INTENT_NOT_AT_VENUE']);
    expect((await journal.intent('old-1'))?.status).toBe(IntentStatus.REJECTED);
    expect((await journal.intent('mes-1'))?.status).not.toBe(IntentStatus.REJECTED);
  });

  it('places a protective stop on a position found without one (stop distance by the journaled regime)', async () => {
    h = await startHarness();
    const journal = new MemoryJournal();
    await journal.recordIntent({
      intentId: 'p-1',
      customTag: 'txbot-p-1',
      symbol: 'MNQ',
      side: 'sell',
      qty: 1,
      entryType: 'market',
      entryPrice: null,
      stopPrice: null,
      targetPrice: null,
      regime: 'BEAR',
      reason: 'test',
      createdTsMs: h.clock.nowMs(),
    });
    h.sim.tick(MNQ, 21_000);
    await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Market,
      side: OrderSideCode.Ask,
      size: 1,
      customTag: 'txbot-p-1',
    });
    const { broker } = await connected(h);
    const actions = await reconcileLive({
      client: h.client,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      journal,
      broker,
      adopt: async () => undefined,
      nowMs: h.clock.nowMs(),
      logger: silentLogger(),
      tickSize: 0.25,
      protectiveStopTicks: (regime) => (regime === 'BEAR' ? 12 : 99),
    });
    expect(actions.map((a) => a.code)).toEqual(['INTENT_FILLED', 'PROTECTIVE_STOP_PLACED', 'POSITION_ADOPTED']);
    const stops = (await h.client.searchOpenOrders(h.accountId)).filter((o) => o.type === OrderType.Stop);
    expect(stops.map((o) => [o.side, o.stopPrice, o.size])).toEqual([[OrderSideCode.Bid, 21_003, 1]]);
    expect(broker.position).toMatchObject({ intentId: 'p-1', side: 'short', stopPrice: 21_003 });
    expect((await h.client.searchOpenPositions(h.accountId)).length).toBe(1);
  });
});
