// REST client against the Gateway simulator over real sockets: login and refresh, every endpoint's happy
// and success:false paths, 429 storms, lost place responses resolved by customTag, brackets and flatten.

import { afterEach, describe, expect, it } from 'vitest';
import { ProjectXError } from '../../../src/broker/projectx/errors.ts';
import { placeOrderSafely, placeBracketEntry, flattenContract } from '../../../src/broker/projectx/http/orders.ts';
import { ContractResolver } from '../../../src/broker/projectx/http/contracts.ts';
import { downloadBars } from '../../../src/broker/projectx/http/history.ts';
import { bracketFromPrices, bracketFromTickDistances } from '../../../src/broker/projectx/brackets.ts';
import { BarUnit, OrderSideCode, OrderStatus, OrderType, PositionType } from '../../../src/broker/projectx/types.ts';
import { ProjectXClient } from '../../../src/broker/projectx/http/client.ts';
import { MNQ, T0, makeBars, startHarness, type Harness } from './support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function rejection(p: Promise<unknown>): Promise<ProjectXError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProjectXError) return e;
    throw e;
  }
  throw new Error('expected a ProjectXError');
}

describe('session', () => {
  it('logs in once, refreshes through Auth/validate before the 24 h expiry, and renews once after a 401', async () => {
    h = await startHarness();
    await h.client.searchAccounts();
    await h.client.searchAccounts();
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Auth/loginKey')).toHaveLength(1);
    h.clock.advanceBy(23 * 3_600_000 + 45 * 60_000);
    await h.client.searchAccounts();
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Auth/validate')).toHaveLength(1);
    h.sim.tokens.expireAll();
    const accounts = await h.client.searchAccounts();
    expect(accounts[0]!.id).toBe(h.accountId);
    expect(h.sim.restLog.filter((r) => r.status === 401)).toHaveLength(1);
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Auth/loginKey')).toHaveLength(2);
  });

  it('reports wrong credentials as Auth/loginKey InvalidCredentials', async () => {
    h = await startHarness();
    const bad = new ProjectXClient({ apiUrl: h.address.apiUrl, clock: h.clock, credentials: () => ({ userName: 'sim-user', apiKey: 'wrong' }) });
    const e = await rejection(bad.searchAccounts());
    expect(e.endpoint).toBe('Auth/loginKey');
    expect(e.errorName).toBe('InvalidCredentials');
  });

  it('answers Status/ping and logs out', async () => {
    h = await startHarness();
    expect(await h.client.ping()).toBe(true);
    await h.client.login();
    await h.client.logout();
    expect(h.sim.restLog.some((r) => r.endpoint === 'Auth/logout' && r.status === 200)).toBe(true);
  });
});

describe('reads', () => {
  it('lists accounts and contracts, resolves the front month by root, and names ContractNotFound', async () => {
    h = await startHarness();
    const [acct] = await h.client.searchAccounts();
    expect(acct).toMatchObject({ id: h.accountId, balanceUsd: 50_000, canTrade: true, simulated: true });
    const found = await h.client.searchContracts('MNQ', false);
    expect(found.map((c) => c.id).sort()).toEqual(['CON.F.US.MNQ.H26', 'CON.F.US.MNQ.Z25']);
    expect((await h.client.availableContracts(false)).every((c) => c.activeContract)).toBe(true);
    expect((await h.client.searchContractById(MNQ)).tickValueUsd).toBe(0.5);
    expect((await rejection(h.client.searchContractById('CON.F.US.NOPE.H26'))).errorName).toBe('ContractNotFound');
    const resolver = new ContractResolver(h.client, false);
    expect(await resolver.resolve('mnq')).toMatchObject({ contractId: MNQ, tickSize: 0.25, tickValueUsd: 0.5 });
    await resolver.resolve('MNQ');
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Contract/search')).toHaveLength(2);
    h.sim.engine.contracts.get(MNQ)!.activeContract = false;
    h.sim.engine.addContract({ ...h.sim.engine.contracts.get(MNQ)!, id: 'CON.F.US.MNQ.M26', name: 'MNQM6', activeContract: true });
    h.clock.advanceBy(3_600_000);
    expect((await resolver.resolve('MNQ')).contractId).toBe('CON.F.US.MNQ.M26');
  });

  it('returns success:false of the search endpoints as AccountNotFound', async () => {
    h = await startHarness();
    for (const p of [h.client.searchOpenOrders(9), h.client.searchOrders(9, T0), h.client.searchOpenPositions(9), h.client.searchTrades(9, T0)]) {
      const e = await rejection(p);
      expect([e.code, e.errorName]).toEqual(['PROJECTX_REJECTED', 'AccountNotFound']);
    }
  });

  it('pages history past the per-request cap, ascending, de-duplicated, with mixed timestamp formats', async () => {
    const bars = makeBars(250);
    h = await startHarness({ bars: { [MNQ]: bars }, historyVisibility: 'all' });
    h.sim.faults.mixedTimestampResponses = 100;
    const got = await downloadBars(h.client, {
      contractId: MNQ,
      live: false,
      startMs: T0,
      endMs: T0 + 250 * 60_000,
      unit: BarUnit.Minute,
      unitNumber: 1,
      pageSize: 40,
    });
    expect(got).toEqual(bars);
    expect(h.sim.restLog.filter((r) => r.endpoint === 'History/retrieveBars').length).toBe(7);
    const five = await h.client.retrieveBars({
      contractId: MNQ,
      live: false,
      startMs: T0,
      endMs: T0 + 10 * 60_000,
      unit: BarUnit.Minute,
      unitNumber: 5,
      limit: 100,
    });
    expect(five.map((b) => b.tsMs)).toEqual([T0, T0 + 300_000]);
    expect(five[0]!.high).toBe(Math.max(...bars.slice(0, 5).map((b) => b.high)));
    expect(
      (
        await rejection(
          h.client.retrieveBars({ contractId: MNQ, live: false, startMs: T0, endMs: T0 + 1, unit: BarUnit.Minute, unitNumber: 1, limit: 20_001 }),
        )
      ).errorName,
    ).toBe('LimitInvalid');
  });
});

describe('rate limits', () => {
  it('survives a 429 storm: every read answered, at most 200 requests in any 60 s, 50 bars requests in any 30 s', async () => {
    h = await startHarness({ bars: { [MNQ]: makeBars(30) }, historyVisibility: 'all' });
    await h.client.login();
    h.sim.faults.rateLimitBurst(25);
    const reads = Array.from({ length: 450 }, (_, i) => h.client.searchOpenPositions(h.accountId).then((p) => p.length + i));
    const bars = Array.from({ length: 120 }, () =>
      h.client.retrieveBars({ contractId: MNQ, live: false, startMs: T0, endMs: T0 + 3_600_000, unit: BarUnit.Minute, unitNumber: 1, limit: 10 }),
    );
    const results = await Promise.all(reads);
    expect(results).toEqual(Array.from({ length: 450 }, (_, i) => i));
    expect((await Promise.all(bars)).every((b) => b.length === 10)).toBe(true);
    const accepted = h.sim.restLog.filter((r) => r.status !== 429);
    const maxInWindow = (entries: typeof accepted, windowMs: number) =>
      Math.max(...entries.map((e) => entries.filter((x) => x.tsMs >= e.tsMs && x.tsMs < e.tsMs + windowMs).length));
    expect(
      maxInWindow(
        h.sim.restLog.filter((r) => r.endpoint !== 'History/retrieveBars'),
        60_000,
      ),
    ).toBeLessThanOrEqual(200);
    expect(
      maxInWindow(
        h.sim.restLog.filter((r) => r.endpoint === 'History/retrieveBars'),
        30_000,
      ),
    ).toBeLessThanOrEqual(50);
    expect(accepted.filter((r) => r.endpoint === 'Position/searchOpen')).toHaveLength(450);
    expect(h.sim.restLog.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(25);
  });

  it('retries reads through 5xx and gives a typed error once the policy gives up', async () => {
    h = await startHarness();
    h.sim.faults.serverErrors(3, 502);
    expect(await h.client.searchAccounts()).toHaveLength(1);
    h.sim.faults.serverErrors(100, 503, 'Account/search');
    const e = await rejection(h.client.searchAccounts());
    expect([e.code, e.httpStatus, e.retryable]).toEqual(['PROJECTX_SERVER_ERROR', 503, true]);
  });

  it('does not multiply retries when the login inside a read keeps failing', async () => {
    h = await startHarness();
    h.sim.faults.serverErrors(1000, 503, 'Auth/loginKey');
    const e = await rejection(h.client.searchAccounts());
    expect([e.endpoint, e.code]).toEqual(['Auth/loginKey', 'PROJECTX_SERVER_ERROR']);
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Auth/loginKey')).toHaveLength(21);
    expect(h.sim.restLog.filter((r) => r.endpoint === 'Account/search')).toHaveLength(0);
  });

  it('refuses an order locally when the budget is spent instead of queueing it', async () => {
    h = await startHarness({ enforceRateLimits: false });
    h.sim.tick(MNQ, 21_000);
    await h.client.login();
    for (let i = 0; i < 199; i++) h.client.limits.default.tryAcquire();
    const e = await rejection(
      h.client.placeOrder({ accountId: h.accountId, contractId: MNQ, type: OrderType.Market, side: OrderSideCode.Bid, size: 1 }),
    );
    expect(e.code).toBe('PROJECTX_LOCAL_RATE_LIMIT');
    expect(h.sim.engine.placedCount).toBe(0);
  });
});

describe('orders', () => {
  it('places, modifies, cancels and searches orders; refusals carry the endpoint code names', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const id = await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Bid,
      size: 2,
      limitPrice: 20_990,
      customTag: 'a1',
    });
    await h.client.modifyOrder({ accountId: h.accountId, orderId: id, limitPrice: 20_980 });
    const open = await h.client.searchOpenOrders(h.accountId);
    expect(open).toMatchObject([{ id, limitPrice: 20_980, status: OrderStatus.Open, customTag: 'a1' }]);
    await h.client.cancelOrder(h.accountId, id);
    expect(await h.client.searchOpenOrders(h.accountId)).toEqual([]);
    expect((await h.client.searchOrders(h.accountId, T0 - 60_000))[0]!.status).toBe(OrderStatus.Cancelled);
    expect((await rejection(h.client.cancelOrder(h.accountId, 424242))).errorName).toBe('OrderNotFound');
    expect((await rejection(h.client.modifyOrder({ accountId: h.accountId, orderId: 424242, size: 1 }))).errorName).toBe('OrderNotFound');
    const placeErr = await rejection(
      h.client.placeOrder({ accountId: h.accountId, contractId: 'CON.F.US.MNQ.Z25', type: OrderType.Market, side: 0, size: 1 }),
    );
    expect(placeErr.errorName).toBe('ContractNotActive');
    h.sim.faults.reject('Order/place', 2, 'Brackets cannot be used with Position Brackets');
    const bracketErr = await rejection(h.client.placeOrder({ accountId: h.accountId, contractId: MNQ, type: OrderType.Market, side: 0, size: 1 }));
    expect([bracketErr.errorName, bracketErr.message.includes('Position Brackets')]).toEqual(['OrderRejected', true]);
  });

  it('rejects unsigned bracket ticks with the live gateway text', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const e = await rejection(
      h.client.placeOrder({
        accountId: h.accountId,
        contractId: MNQ,
        type: OrderType.Market,
        side: 0,
        size: 1,
        stopLossBracket: { ticks: 40, type: 4 },
        takeProfitBracket: { ticks: 30, type: 1 },
      }),
    );
    expect(e.message).toContain('Invalid stop loss ticks (40). Ticks should be less than zero when longing.');
    expect(h.sim.engine.placedCount).toBe(0);
  });

  it('finds an order whose response was lost by its customTag and does not place it twice', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    h.sim.faults.loseResponses('Order/place');
    const r = await placeOrderSafely(h.client, {
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Bid,
      size: 1,
      limitPrice: 20_950,
      customTag: 'entry-1',
    });
    expect(r.resolvedBy).toBe('customTag');
    expect(r.attempts).toBe(1);
    expect(h.sim.engine.placedCount).toBe(1);
    expect(h.sim.engine.orders.get(r.orderId)!.customTag).toBe('entry-1');
  });

  it('resends a place only after the customTag search shows it never arrived', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    h.sim.faults.serverErrors(1, 503, 'Order/place');
    const r = await placeOrderSafely(h.client, {
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Market,
      side: OrderSideCode.Ask,
      size: 1,
      customTag: 'entry-2',
    });
    expect([r.resolvedBy, r.attempts, h.sim.engine.placedCount]).toEqual(['response', 2, 1]);
    const log = h.sim.restLog.map((x) => x.endpoint).filter((x) => x !== 'Auth/loginKey');
    expect(log).toEqual(['Order/place', 'Order/search', 'Order/place']);
  });

  it('moves bracket legs from status 8 to working on fill, applies OCO, and flatten cancels the leftovers', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const bracket = bracketFromPrices('long', 21_000, 20_990, 21_020, 0.25);
    expect([bracket.stopLossBracket.ticks, bracket.takeProfitBracket.ticks]).toEqual([-40, 80]);
    const id = await h.client.placeOrder({
      accountId: h.accountId,
      contractId: MNQ,
      type: OrderType.Limit,
      side: OrderSideCode.Bid,
      size: 1,
      limitPrice: 20_995,
      customTag: 'b1',
      ...bracket,
    });
    const legs = [...h.sim.engine.orders.values()].filter((o) => o.parentOrderId === id);
    expect(legs.map((l) => [l.status, l.type, l.customTag])).toEqual([
      [8, 4, 'b1-SL'],
      [8, 1, 'b1-TP'],
    ]);
    expect((await h.client.searchOpenOrders(h.accountId)).map((o) => o.id)).toEqual([id]);
    h.sim.tick(MNQ, 20_995);
    const working = await h.client.searchOpenOrders(h.accountId);
    expect(working.map((o) => [o.type, o.stopPrice ?? o.limitPrice])).toEqual([
      [4, 20_985],
      [1, 21_015],
    ]);
    const positions = await h.client.searchOpenPositions(h.accountId);
    expect(positions).toMatchObject([{ contractId: MNQ, type: PositionType.Long, size: 1, averagePrice: 20_995 }]);
    h.sim.tick(MNQ, 21_000);
    const flat = await flattenContract(h.client, h.accountId, MNQ);
    expect(flat.cancelledOrderIds.sort()).toEqual(legs.map((l) => l.id).sort());
    expect(await h.client.searchOpenPositions(h.accountId)).toEqual([]);
    expect(await h.client.searchOpenOrders(h.accountId)).toEqual([]);
    const trades = await h.client.searchTrades(h.accountId, T0 - 60_000);
    expect(trades.map((t) => t.profitAndLossUsd)).toEqual([null, 10]);
    expect(trades.every((t) => t.feesUsd === 0.37)).toBe(true);
  });

  it('places a short market entry with its bracket from absolute prices, legs priced from the fill', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const r = await placeBracketEntry(h.client, {
      accountId: h.accountId,
      contractId: MNQ,
      side: 'short',
      entryType: 'market',
      entryPrice: 21_000,
      stopPrice: 21_010,
      targetPrice: 20_975,
      size: 2,
      tickSize: 0.25,
      customTag: 'sig-1',
    });
    const legs = [...h.sim.engine.orders.values()].filter((o) => o.parentOrderId === r.orderId);
    expect(legs.map((l) => [l.type, l.side, l.size, l.status, l.stopPrice ?? l.limitPrice])).toEqual([
      [4, 0, 2, 1, 21_010],
      [1, 0, 2, 1, 20_975],
    ]);
    h.sim.tick(MNQ, 20_975);
    expect(legs.map((l) => h.sim.engine.orders.get(l.id)!.status)).toEqual([OrderStatus.Cancelled, OrderStatus.Filled]);
    expect(await h.client.searchOpenPositions(h.accountId)).toEqual([]);
    expect(() => bracketFromPrices('short', 21_000, 20_990, 20_975, 0.25)).toThrow(/expected stop above and target below/);
  });

  it('places a long limit entry from unsigned tick distances (the broker seam shape)', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const r = await placeBracketEntry(h.client, {
      accountId: h.accountId,
      contractId: MNQ,
      side: 'long',
      entryType: 'limit',
      limitPrice: 20_998,
      stopTicks: 16,
      targetTicks: 24,
      size: 1,
      customTag: 'sig-2',
    });
    h.sim.tick(MNQ, 20_998);
    const legs = [...h.sim.engine.orders.values()].filter((o) => o.parentOrderId === r.orderId);
    expect(legs.map((l) => [l.type, l.stopPrice ?? l.limitPrice])).toEqual([
      [4, 20_994],
      [1, 21_004],
    ]);
    await expect(
      placeBracketEntry(h.client, {
        accountId: h.accountId,
        contractId: MNQ,
        side: 'long',
        entryType: 'limit',
        stopTicks: 16,
        targetTicks: 24,
        size: 1,
        customTag: 'sig-3',
      }),
    ).rejects.toThrow(/expected a limit price/);
    expect(() => bracketFromTickDistances('short', 0, 8)).toThrow(/whole ticks >= 1/);
    expect(bracketFromTickDistances('short', 8, 12)).toEqual({ stopLossBracket: { ticks: 8, type: 4 }, takeProfitBracket: { ticks: -12, type: 1 } });
  });

  it('partially closes a position and refuses an invalid close size', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    h.sim.faults.reject('Order/place', 2, 'unused', 0);
    h.sim.engine.partialFillCount = 1;
    const id = await h.client.placeOrder({ accountId: h.accountId, contractId: MNQ, type: OrderType.Market, side: OrderSideCode.Ask, size: 3 });
    expect(h.sim.engine.orders.get(id)!.fillVolume).toBe(2);
    h.sim.tick(MNQ, 21_001);
    expect(h.sim.engine.orders.get(id)!.status).toBe(OrderStatus.Filled);
    await h.client.partialClosePosition(h.accountId, MNQ, 1);
    expect((await h.client.searchOpenPositions(h.accountId))[0]).toMatchObject({ type: PositionType.Short, size: 2 });
    expect((await rejection(h.client.partialClosePosition(h.accountId, MNQ, 5))).errorName).toBe('InvalidCloseSize');
    await h.client.closePosition(h.accountId, MNQ);
    expect((await rejection(h.client.closePosition(h.accountId, MNQ))).errorName).toBe('PositionNotFound');
  });
});
