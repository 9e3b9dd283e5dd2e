// Live-path faults of issue 20 against the Gateway simulator over real sockets: an answer lost after the
// venue committed the place (with a local clock skewed from the venue's), a duplicate-tag refusal, an exit
// that arrives before the place answer, a hub drop with a failing resync, a phantom position found by the
// periodic reconciliation, a 429 storm on place, and closeContract failing at the session end.

import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { BracketOrderRequest, ExecutionEvent } from '../../src/domain/orders.ts';
import { OrderSideCode, OrderType, ProjectXClient, connectRealtime, placeOrderSafely } from '../../src/broker/projectx/index.ts';
import { ExponentialBackoffPolicy } from '../../src/broker/projectx/retryPolicy.ts';
import { ProjectXBroker, type VenueAlert } from '../../src/broker/projectx/projectxBroker.ts';
import { IntentStatus, MemoryJournal } from '../../src/state/index.ts';
import { reconcileLive } from '../../src/live/reconcile.ts';
import { placeBracketEntry } from '../../src/broker/projectx/index.ts';
import { MNQ, startHarness, type Harness } from '../broker/projectx/support/harness.ts';
import { nextEvent, startSync, until } from '../broker/projectx/support/hubs.ts';

let h: Harness | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await h?.close();
  h = null;
});

/** A client on `clock` (e.g. a wall clock skewed from the venue's) sharing the harness's driver. */
function clientOn(harness: Harness, clock: Clock, fetchFn: typeof fetch = harness.fetch): ProjectXClient {
  return new ProjectXClient({
    apiUrl: harness.address.apiUrl,
    clock,
    fetch: fetchFn,
    credentials: () => ({ userName: 'sim-user', apiKey: 'sim-key' }),
    retryPolicy: new ExponentialBackoffPolicy({ firstDelayMs: 1000, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetries: 20, jitter: 0 }),
  });
}

async function connected(harness: Harness, client: ProjectXClient = harness.client) {
  const { sync, userHub } = startSync(harness);
  cleanups.push(() => sync.stop());
  const first = nextEvent(sync.events, 'resynced');
  await sync.start();
  await first;
  const alerts: VenueAlert[] = [];
  const broker = new ProjectXBroker({
    client,
    sync,
    accountId: harness.accountId,
    contractId: MNQ,
    symbol: 'MNQ',
    tickSize: 0.25,
    logger: silentLogger(),
    onAlert: (a) => alerts.push(a),
    closeRetryDelayMs: 10,
  });
  const events: ExecutionEvent[] = [];
  broker.setEventSink((evs) => events.push(...evs));
  cleanups.push(() => broker.close());
  return { sync, userHub, broker, events, alerts };
}

const order = (h: Harness, intentId: string, over: Partial<BracketOrderRequest> = {}): BracketOrderRequest => ({
  intentId,
  customTag: `txbot-${intentId}`,
  symbol: 'MNQ',
  side: 'long',
  qty: 1,
  entryType: 'market',
  stopTicks: 8,
  targetTicks: 16,
  decidedAtMs: h.clock.nowMs(),
  ...over,
});

async function ordersTagged(harness: Harness, tag: string): Promise<number> {
  const all = await harness.client.searchOrders(harness.accountId, 0);
  return all.filter((o) => o.customTag === tag).length;
}

describe('live faults (issue 20)', () => {
  it('1. a 502 after the venue committed the place, local clock 2 h ahead: the order is adopted, never duplicated or rejected', async () => {
    h = await startHarness();
    const harness = h;
    const skewed: Clock = { nowMs: () => harness.clock.nowMs() + 2 * 3_600_000, sleep: (ms) => harness.clock.sleep(ms) };
    const { broker, events } = await connected(h, clientOn(h, skewed));
    h.sim.tick(MNQ, 21_000);
    h.sim.faults.answerLostAfterCommit({ answer: 502 });
    const res = await broker.submitBracket(order(h, 'd-1'));
    events.push(...res.events);
    expect(res.events.some((e) => e.kind === 'entry_rejected')).toBe(false);
    await until(() => events.some((e) => e.kind === 'entry_filled'));
    expect(await ordersTagged(h, 'txbot-d-1')).toBe(1);
    expect(res.brokerOrderId).toBe(String(broker.entryOrderId));
    expect(broker.position).toMatchObject({ qty: 1, entryPrice: 21_000 });
  });

  it('1b. a resend refused because its customTag exists is resolved by looking the order up (adopted, not a rejection)', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const req = {
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Bid,
      size: 1,
      limitPrice: 20_000,
      customTag: 'txbot-dup',
    };
    const first = await h.client.placeOrder(req);
    // A lookup window that misses the order (as a skewed clock does) would have resent: the refusal must adopt.
    const r = await placeOrderSafely(h.client, req, { sinceMs: h.clock.nowMs() + 3_600_000 });
    expect(r).toEqual({ orderId: first, resolvedBy: 'customTag', attempts: 1 });
    expect(await ordersTagged(h, 'txbot-dup')).toBe(1);
  });

  it('2a. an exit that arrives before the place answer is not lost', async () => {
    h = await startHarness();
    const harness = h;
    let syncRef: { trades: number } = { trades: 0 };
    // The place answer is held back until the entry's fill and its stop's exit were streamed.
    const slowPlace: typeof fetch = async (input, init) => {
      const res = await harness.fetch(input, init);
      if (String(input).endsWith('/api/Order/place')) {
        await until(() => syncRef.trades >= 1);
        harness.sim.tick(MNQ, 20_990);
        await until(() => syncRef.trades >= 2);
      }
      return res;
    };
    const { broker, events, sync } = await connected(h, clientOn(h, h.clock, slowPlace));
    syncRef = {
      get trades() {
        return sync.state.trades.size;
      },
    };
    h.sim.tick(MNQ, 21_000);
    events.push(...(await broker.submitBracket(order(h, 'e-1'))).events);
    expect(events.map((e) => e.kind)).toEqual(['entry_filled', 'exit_filled']);
    expect(events[1]).toMatchObject({ reason: 'stop', intentId: 'e-1' });
    expect(broker.position).toBeNull();
    expect(broker.hasPendingEntry).toBe(false);
  });

  it('2b. hubs drop while a position is open, the stop fills in the gap and the reconnect resync fails: retried until it succeeds', async () => {
    h = await startHarness();
    const { broker, events, sync } = await connected(h);
    const failures: number[] = [];
    sync.events.on('resyncFailed', (f) => failures.push(f.attempt));
    h.sim.tick(MNQ, 21_000);
    h.sim.faults.dropHubsOnPositionOpen({ hub: 'both', downForMs: 60_000 });
    events.push(...(await broker.submitBracket(order(h, 'g-1'))).events);
    await until(() => broker.position !== null || events.some((e) => e.kind === 'entry_filled'));
    // Position/searchOpen fails beyond the client's own retries (21 answers) during the first resync.
    h.sim.faults.serverErrors(25, 503, 'Position/searchOpen');
    h.sim.tick(MNQ, 20_990);
    h.sim.advanceBy(60_000);
    await until(() => events.some((e) => e.kind === 'exit_filled'), 2_000_000);
    expect(failures.length).toBeGreaterThan(0);
    expect(events.find((e) => e.kind === 'exit_filled')).toMatchObject({ intentId: 'g-1', reason: 'stop' });
    expect(broker.position).toBeNull();
  });

  it('2c. the periodic reconciliation finds a position txbot holds but the venue does not: alerted and closed in txbot', async () => {
    h = await startHarness();
    const { broker, events, sync, alerts } = await connected(h);
    broker.adopt(
      {
        intentId: 'ph-1',
        symbol: 'MNQ',
        side: 'long',
        qty: 1,
        entryPrice: 21_000,
        entryTsMs: h.clock.nowMs(),
        stopPrice: 20_998,
        targetPrice: 21_004,
      },
      null,
    );
    sync.startPeriodic(5_000);
    await until(() => events.some((e) => e.kind === 'exit_filled'), 2_000_000);
    expect(alerts.map((a) => a.code)).toContain('VENUE_DISAGREEMENT');
    expect(broker.position).toBeNull();
  });

  it('2d. the periodic reconciliation flattens a venue position txbot does not know', async () => {
    h = await startHarness();
    const { broker, sync, alerts } = await connected(h);
    void broker;
    h.sim.tick(MNQ, 21_000);
    await h.client.placeOrder({ accountId: h.accountId, contractId: MNQ, type: OrderType.Market, side: OrderSideCode.Bid, size: 2 });
    sync.startPeriodic(5_000);
    await until(() => alerts.length > 0, 2_000_000);
    await until(() => h!.sim.engine.openPositions(h!.accountId).length === 0, 2_000_000);
    expect(alerts[0]).toMatchObject({ code: 'VENUE_DISAGREEMENT', title: 'Unknown position at the venue' });
  });

  it('4. a 429 storm on Order/place: the intent does not block trading; it times out as never placed', async () => {
    h = await startHarness();
    const { broker } = await connected(h);
    h.sim.tick(MNQ, 21_000);
    h.sim.faults.rateLimitStorm({ durationMs: 10 * 60_000 });
    const res = await broker.submitBracket(order(h, 's-1'));
    expect(res).toEqual({ brokerOrderId: null, events: [] });
    expect(broker.hasPendingEntry).toBe(true);
    const later: ExecutionEvent[] = [];
    for (let i = 0; i < 200 && !later.length; i++) {
      h.sim.advanceBy(5_000);
      later.push(...(await broker.onBar({ tsMs: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 })));
    }
    expect(later).toMatchObject([{ kind: 'entry_rejected', intentId: 's-1' }]);
    expect(broker.hasPendingEntry).toBe(false);
    expect(await ordersTagged(h, 'txbot-s-1')).toBe(0);
    h.sim.advanceBy(10 * 60_000);
    const next = await broker.submitBracket(order(h, 's-2'));
    expect(next.brokerOrderId).toMatch(/^\d+$/);
  });

  it('7c. closeContract answers 500 at the session end: retried, then a market order closes the position, and it is alerted', async () => {
    h = await startHarness();
    const { broker, events, alerts } = await connected(h);
    h.sim.tick(MNQ, 21_000);
    events.push(...(await broker.submitBracket(order(h, 'c-1'))).events);
    await until(() => broker.position !== null);
    h.sim.faults.closeContractErrors({ count: 10 });
    await broker.flatten(21_000, h.clock.nowMs(), 'session_end');
    await until(() => events.some((e) => e.kind === 'exit_filled'));
    expect(events.find((e) => e.kind === 'exit_filled')).toMatchObject({ intentId: 'c-1', reason: 'session_end' });
    expect(await h.client.searchOpenPositions(h.accountId)).toEqual([]);
    expect((await h.client.searchOpenOrders(h.accountId)).length).toBe(0);
    expect(alerts.map((a) => a.code)).toEqual(['FLATTEN_FAILED']);
  });

  it('5. a 20-minute token lifetime: refreshed ahead of expiry at a bounded rate, hubs never torn down, fills still arrive', async () => {
    h = await startHarness({ tokenLifetimeMs: 20 * 60_000 });
    const realtime = await connectRealtime({ client: h.client, rtcUrl: h.address.rtcUrl, accountId: h.accountId, logger: silentLogger() });
    cleanups.push(() => realtime.stop());
    const broker = new ProjectXBroker({
      client: h.client,
      sync: realtime.sync,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      tickSize: 0.25,
      logger: silentLogger(),
    });
    const events: ExecutionEvent[] = [];
    broker.setEventSink((evs) => events.push(...evs));
    cleanups.push(() => broker.close());
    const subscribesBefore = h.sim.hubs.invocations.length;
    h.sim.tick(MNQ, 21_000);
    for (let minute = 1; minute <= 120; minute++) {
      h.sim.advanceBy(60_000);
      await h.client.searchOpenPositions(h.accountId);
      if (minute === 61) events.push(...(await broker.submitBracket(order(h, 'tk-1'))).events);
    }
    await until(() => events.some((e) => e.kind === 'entry_filled'));
    const validates = h.sim.restLog.filter((e) => e.endpoint === 'Auth/validate').length;
    // Due every 15 min (a quarter of the lifetime before expiry): 8 in two hours, not one per request.
    expect(validates).toBeGreaterThanOrEqual(6);
    expect(validates).toBeLessThanOrEqual(10);
    expect(h.sim.restLog.filter((e) => e.endpoint === 'Auth/loginKey').length).toBe(1);
    expect(h.sim.hubs.invocations.length).toBe(subscribesBefore);
  });

  const intentRow = (harness: Harness, id: string, side: 'buy' | 'sell', regime: 'BEAR' | null = null) => ({
    intentId: id,
    customTag: `txbot-${id}`,
    symbol: 'MNQ',
    side,
    qty: 1,
    entryType: 'market' as const,
    entryPrice: null,
    stopPrice: null,
    targetPrice: null,
    regime,
    reason: 'test',
    createdTsMs: harness.clock.nowMs(),
  });

  it('7a. a round trip that entered and exited while txbot was down is journaled from Trade/search with the venue P&L, and warned', async () => {
    h = await startHarness();
    const journal = new MemoryJournal();
    await journal.recordIntent(intentRow(h, 'down-1', 'buy'));
    await journal.markSent('down-1', h.clock.nowMs());
    h.sim.tick(MNQ, 21_000);
    await placeBracketEntry(h.client, {
      accountId: h.accountId,
      contractId: MNQ,
      side: 'long',
      entryType: 'market',
      size: 1,
      customTag: 'txbot-down-1',
      stopTicks: 8,
      targetTicks: 16,
    });
    h.sim.advanceBy(60_000);
    h.sim.tick(MNQ, 20_997); // the stop fills while txbot is down
    h.sim.advanceBy(60_000);
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
    expect(actions.map((a) => a.code)).toEqual(['INTENT_FILLED', 'ROUND_TRIP_WHILE_DOWN']);
    const venue = h.sim.engine.trades;
    const venueNet = venue.reduce((a, t) => a + (t.profitAndLossUsd ?? 0) - t.feesUsd, 0);
    const day = await journal.latestTradingDate();
    const trades = await journal.tradesForDay(day!);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ tradeId: 'down-1', side: 'long', qty: 1, entryPrice: 21_000, exitReason: 'stop' });
    expect(trades[0]!.pnlUsd).toBeCloseTo(venueNet, 6);
    expect((await journal.recentEvents(10)).some((e) => /ROUND_TRIP_WHILE_DOWN/.test(e.message))).toBe(true);
    expect((await journal.intent('down-1'))?.status).toBe(IntentStatus.FILLED);
    expect(broker.position).toBeNull();
  });

  it('7b. the protective stop placed at restart is cancelled once the position is gone', async () => {
    h = await startHarness();
    const journal = new MemoryJournal();
    await journal.recordIntent(intentRow(h, 'pp-1', 'sell', 'BEAR'));
    h.sim.tick(MNQ, 21_000);
    await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Market,
      side: OrderSideCode.Ask,
      size: 1,
      customTag: 'txbot-pp-1',
    });
    const { broker, events } = await connected(h);
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
      protectiveStopTicks: () => 40,
    });
    expect(actions.map((a) => a.code)).toContain('PROTECTIVE_STOP_PLACED');
    // The position goes away without the stop (closed by hand at the venue).
    await h.client.closePosition(h.accountId, MNQ);
    await until(() => events.some((e) => e.kind === 'exit_filled'));
    await until(() => h!.sim.engine.orders.size > 0 && [...h!.sim.engine.orders.values()].every((o) => o.status !== 1));
    expect((await h.client.searchOpenOrders(h.accountId)).length).toBe(0);
  });
});
