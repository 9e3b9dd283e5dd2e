// The simulator's fault switches behave as their documentation in simulator/faults.ts says: what the
// venue does (engine state) and what a client sees (raw HTTP answers and hub frames, no txbot client).

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { FaultPlan, GatewaySimulator, defaultSimContracts } from '../../../../src/broker/projectx/simulator/index.ts';
import { MatchingEngine } from '../../../../src/broker/projectx/simulator/matchingEngine.ts';
import { RS } from '../../../../src/broker/projectx/simulator/hubServer.ts';
import { OrderStatus, OrderType } from '../../../../src/broker/projectx/types.ts';
import { MNQ, T0 } from '../support/harness.ts';
import { until } from '../support/hubs.ts';

const BUY = 0;
const SELL = 1;
const ACCOUNT = 1001;

interface Sim {
  readonly sim: GatewaySimulator;
  readonly base: string;
  token: string;
}

const started: GatewaySimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function startSim(options: ConstructorParameters<typeof GatewaySimulator>[0] = {}): Promise<Sim> {
  const sim = new GatewaySimulator({ clock: new ManualClock(T0), enforceRateLimits: false, ...options });
  started.push(sim);
  const { apiUrl } = await sim.start(0);
  sim.tick(MNQ, 21_000);
  const s: Sim = { sim, base: apiUrl, token: '' };
  s.token = ((await (await post(s, 'Auth/loginKey', { userName: 'sim-user', apiKey: 'sim-key' })).json()) as { token: string }).token;
  return s;
}

function post(s: Sim, endpoint: string, body: unknown): Promise<Response> {
  return fetch(`${s.base}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(s.token ? { authorization: `Bearer ${s.token}` } : {}) },
    body: JSON.stringify(body),
  });
}

const market = (side: number, size: number, customTag?: string) => ({
  accountId: ACCOUNT,
  contractId: MNQ,
  type: OrderType.Market,
  side,
  size,
  customTag,
});
const ordersTagged = (s: Sim, tag: string) => [...s.sim.engine.orders.values()].filter((o) => o.customTag === tag);
const position = (s: Sim) => s.sim.engine.openPositions(ACCOUNT)[0]?.netSize ?? 0;

describe('answer lost after commit (Order/place)', () => {
  it("'drop': the order is placed and filled, the connection closes without an answer", async () => {
    const s = await startSim();
    s.sim.faults.answerLostAfterCommit({ answer: 'drop' });
    await expect(post(s, 'Order/place', market(BUY, 1, 'tag-drop'))).rejects.toThrow();
    expect(ordersTagged(s, 'tag-drop')).toHaveLength(1);
    expect(ordersTagged(s, 'tag-drop')[0]!.status).toBe(OrderStatus.Filled);
    expect(position(s)).toBe(1);
    const search = (await (await post(s, 'Order/search', { accountId: ACCOUNT, startTimestamp: new Date(T0 - 1000).toISOString() })).json()) as {
      orders: { customTag: string }[];
    };
    expect(search.orders.map((o) => o.customTag)).toContain('tag-drop');
  });

  it('504: the order exists, the client sees a proxy 504 text answer; the next place is answered normally', async () => {
    const s = await startSim();
    s.sim.faults.answerLostAfterCommit({ answer: 504, count: 1 });
    const r = await post(s, 'Order/place', market(BUY, 2, 'tag-504'));
    expect(r.status).toBe(504);
    expect(await r.text()).toBe('504 Gateway Timeout');
    expect(ordersTagged(s, 'tag-504')).toHaveLength(1);
    expect(position(s)).toBe(2);
    const next = await post(s, 'Order/place', market(SELL, 2, 'tag-ok'));
    expect(next.status).toBe(200);
    expect(((await next.json()) as { success: boolean }).success).toBe(true);
  });

  it('502 applies only to the endpoint it is armed for', async () => {
    const s = await startSim();
    s.sim.faults.answerLostAfterCommit({ answer: 502 });
    expect((await post(s, 'Account/search', { onlyActiveAccounts: true })).status).toBe(200);
    expect((await post(s, 'Order/place', market(BUY, 1, 'tag-502'))).status).toBe(502);
    expect(ordersTagged(s, 'tag-502')).toHaveLength(1);
  });
});

describe('429 storm on Order/place', () => {
  it('every place for the duration is 429 and not processed; after it, places work again', async () => {
    const s = await startSim();
    s.sim.faults.rateLimitStorm({ durationMs: 10_000 });
    for (let i = 0; i < 5; i++) {
      expect((await post(s, 'Order/place', market(BUY, 1, `storm-${i}`))).status).toBe(429);
      s.sim.advanceBy(1_000);
    }
    expect((await post(s, 'Position/searchOpen', { accountId: ACCOUNT })).status).toBe(200);
    s.sim.advanceBy(4_999);
    expect((await post(s, 'Order/place', market(BUY, 1, 'storm-last'))).status).toBe(429);
    s.sim.advanceBy(1);
    expect((await post(s, 'Order/place', market(BUY, 1, 'after'))).status).toBe(200);
    expect(s.sim.engine.placedCount).toBe(1);
    expect(position(s)).toBe(1);
  });
});

describe('500 on Position/closeContract', () => {
  it('not committed: the first N calls are 500 and the position stays open; then the close works', async () => {
    const s = await startSim();
    await post(s, 'Order/place', market(BUY, 1));
    s.sim.faults.closeContractErrors({ count: 2 });
    for (let i = 0; i < 2; i++) expect((await post(s, 'Position/closeContract', { accountId: ACCOUNT, contractId: MNQ })).status).toBe(500);
    expect(position(s)).toBe(1);
    expect((await post(s, 'Position/closeContract', { accountId: ACCOUNT, contractId: MNQ })).status).toBe(200);
    expect(position(s)).toBe(0);
  });

  it('committed: the position is closed although the answer is 500', async () => {
    const s = await startSim();
    await post(s, 'Order/place', market(BUY, 3));
    s.sim.faults.closeContractErrors({ count: 1, committed: true });
    expect((await post(s, 'Position/closeContract', { accountId: ACCOUNT, contractId: MNQ })).status).toBe(500);
    expect(position(s)).toBe(0);
  });
});

/** A matching engine with a fault plan of its own (pure; no HTTP). */
function engineWithFaults(): { e: MatchingEngine; faults: FaultPlan } {
  const faults = new FaultPlan();
  const e = new MatchingEngine(
    () => T0,
    () => undefined,
    faults,
  );
  e.addAccount({ id: 1, name: 'A', balanceUsd: 50_000, canTrade: true, simulated: true });
  for (const c of defaultSimContracts()) e.addContract(c);
  e.tick(MNQ, 21_000);
  return { e, faults };
}

const bracketed = (size: number) => ({
  accountId: 1,
  contractId: MNQ,
  type: OrderType.Market,
  side: BUY,
  size,
  customTag: 'entry',
  stopLossBracket: { ticks: -20, type: OrderType.Stop },
  takeProfitBracket: { ticks: 40, type: OrderType.Limit },
});

describe('partial fills of entries', () => {
  it("'next-tick': the first fill takes firstFillQty, legs stay suspended, the rest fills on the next tick and the legs go live for all", () => {
    const { e, faults } = engineWithFaults();
    faults.partialEntryFills({ firstFillQty: 1 });
    const r = e.place(bracketed(4));
    const entry = e.orders.get(r.ok ? r.orderId : -1)!;
    expect(entry.fillVolume).toBe(1);
    expect(entry.status).toBe(OrderStatus.Open);
    expect(e.openPositions(1)[0]!.netSize).toBe(1);
    const legs = entry.legIds.map((id) => e.orders.get(id)!);
    expect(legs.map((l) => l.status)).toEqual([OrderStatus.Suspended, OrderStatus.Suspended]);
    e.tick(MNQ, 21_001);
    expect(entry.status).toBe(OrderStatus.Filled);
    expect(entry.fillVolume).toBe(4);
    expect(legs.map((l) => [l.status, l.size])).toEqual([
      [OrderStatus.Open, 4],
      [OrderStatus.Open, 4],
    ]);
  });

  it("'cancel': the venue cancels the rest at once and the legs go live sized to the filled part", () => {
    const { e, faults } = engineWithFaults();
    faults.partialEntryFills({ remainder: 'cancel' });
    const r = e.place(bracketed(5));
    const entry = e.orders.get(r.ok ? r.orderId : -1)!;
    expect(entry.status).toBe(OrderStatus.Cancelled);
    expect(entry.fillVolume).toBe(3);
    expect(entry.legIds.map((id) => [e.orders.get(id)!.status, e.orders.get(id)!.size])).toEqual([
      [OrderStatus.Open, 3],
      [OrderStatus.Open, 3],
    ]);
    expect(e.openPositions(1)[0]!.netSize).toBe(3);
  });

  it("'next-tick' fills the rest of a limit entry only when the price is back at its limit, at the limit", () => {
    const { e, faults } = engineWithFaults();
    faults.partialEntryFills({ firstFillQty: 2 });
    const r = e.place({ accountId: 1, contractId: MNQ, type: OrderType.Limit, side: BUY, size: 4, limitPrice: 21_000 });
    const entry = e.orders.get(r.ok ? r.orderId : -1)!;
    expect(entry.fillVolume).toBe(2);
    e.tick(MNQ, 21_002);
    expect(entry.fillVolume).toBe(2);
    e.tick(MNQ, 20_999.75);
    expect([entry.status, entry.fillVolume, entry.filledPrice]).toEqual([OrderStatus.Filled, 4, 21_000]);
  });

  it('never splits exits, single contracts or more entries than armed', () => {
    const { e, faults } = engineWithFaults();
    faults.partialEntryFills({ count: 1, remainder: 'cancel' });
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: BUY, size: 1 });
    expect(e.openPositions(1)[0]!.netSize).toBe(1);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: SELL, size: 1 });
    expect(e.openPositions(1)).toEqual([]);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: BUY, size: 4 });
    expect(e.openPositions(1)[0]!.netSize).toBe(2);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: SELL, size: 2 });
    expect(e.openPositions(1)).toEqual([]);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: BUY, size: 4 });
    expect(e.openPositions(1)[0]!.netSize).toBe(4);
  });
});

describe('Position Brackets on', () => {
  it('refuses orders with brackets with the live error text', async () => {
    const s = await startSim();
    s.sim.faults.positionBrackets({ stopLossTicks: 20, takeProfitTicks: 40 });
    const body = (await (await post(s, 'Order/place', { ...bracketed(1), accountId: ACCOUNT })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ success: false, errorCode: 2, errorMessage: 'Brackets cannot be used with Position Brackets', orderId: null });
    expect(s.sim.engine.placedCount).toBe(0);
  });

  it('attaches, resizes and re-prices its own stop and target, and cancels the other when one fills', () => {
    const { e, faults } = engineWithFaults();
    faults.positionBrackets({ stopLossTicks: 8, takeProfitTicks: 16 });
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: BUY, size: 2 });
    const venue = () => [...e.orders.values()].filter((o) => o.customTag === null && o.parentOrderId === null && o.type !== OrderType.Market);
    expect(venue().map((o) => [o.type, o.side, o.size, o.stopPrice ?? o.limitPrice, o.status])).toEqual([
      [OrderType.Stop, SELL, 2, 20_998, OrderStatus.Open],
      [OrderType.Limit, SELL, 2, 21_004, OrderStatus.Open],
    ]);
    e.tick(MNQ, 21_002);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: BUY, size: 2 });
    expect(venue().map((o) => [o.size, o.stopPrice ?? o.limitPrice])).toEqual([
      [4, 20_999],
      [4, 21_005],
    ]);
    e.tick(MNQ, 20_998.5);
    expect(e.openPositions(1)).toEqual([]);
    expect(venue().map((o) => o.status)).toEqual([OrderStatus.Filled, OrderStatus.Cancelled]);
  });

  it('replaces the pair on a reversal and can be turned off', () => {
    const { e, faults } = engineWithFaults();
    faults.positionBrackets({ stopLossTicks: 4, takeProfitTicks: null });
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: BUY, size: 1 });
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: SELL, size: 2 });
    const stops = [...e.orders.values()].filter((o) => o.type === OrderType.Stop);
    expect(stops.map((o) => [o.side, o.status, o.stopPrice])).toEqual([
      [SELL, OrderStatus.Cancelled, 20_999],
      [BUY, OrderStatus.Open, 21_001],
    ]);
    faults.positionBrackets(null);
    expect(() => faults.positionBrackets({ stopLossTicks: 0, takeProfitTicks: 1 })).toThrow(RangeError);
  });
});

describe('short token lifetime', () => {
  it('tokens issued after the switch expire after the lifetime: REST 401, exp claim says so', async () => {
    const s = await startSim();
    s.sim.faults.shortTokenLifetime(60_000);
    s.token = ((await (await post(s, 'Auth/loginKey', { userName: 'sim-user', apiKey: 'sim-key' })).json()) as { token: string }).token;
    const exp = (JSON.parse(Buffer.from(s.token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    expect(exp).toBe(Math.floor((T0 + 60_000) / 1000));
    expect((await post(s, 'Account/search', { onlyActiveAccounts: true })).status).toBe(200);
    s.sim.advanceBy(60_000);
    expect((await post(s, 'Account/search', { onlyActiveAccounts: true })).status).toBe(401);
  });

  it('is also a constructor option', async () => {
    const s = await startSim({ tokenLifetimeMs: 5_000 });
    s.sim.advanceBy(5_000);
    expect((await post(s, 'Account/search', { onlyActiveAccounts: true })).status).toBe(401);
  });
});

/** A raw SignalR JSON-protocol client of one hub: frames received and whether the socket closed. */
async function hubClient(s: Sim, hub: 'user' | 'market', subscribe: [string, unknown[]][]): Promise<{ frames: unknown[]; closed: () => boolean }> {
  const ws = new WebSocket(`${s.base.replace('http', 'ws')}/hubs/${hub}?access_token=${s.token}`);
  const frames: unknown[] = [];
  let closed = false;
  ws.on('message', (d) => {
    for (const f of d.toString().split(RS)) if (f) frames.push(JSON.parse(f));
  });
  ws.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(`${JSON.stringify({ protocol: 'json', version: 1 })}${RS}`);
  for (const [target, args] of subscribe) ws.send(`${JSON.stringify({ type: 1, target, arguments: args })}${RS}`);
  await until(() => s.sim.hubs.invocations.filter((i) => i.hub === hub).length >= subscribe.length);
  return { frames, closed: () => closed };
}

async function upgradeStatus(s: Sim, hub: 'user' | 'market'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${s.base.replace('http', 'ws')}/hubs/${hub}?access_token=${s.token}`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
  });
}

describe('hub drops', () => {
  it('dropConnections(ms, "market") closes only the market hub and refuses it with 503 until the time passes', async () => {
    const s = await startSim();
    const user = await hubClient(s, 'user', [['SubscribeAccounts', []]]);
    const mkt = await hubClient(s, 'market', [['SubscribeContractQuotes', [MNQ]]]);
    s.sim.hubs.dropConnections(30_000, 'market');
    await until(() => mkt.closed());
    expect(user.closed()).toBe(false);
    expect(await upgradeStatus(s, 'market')).toBe(503);
    expect(await upgradeStatus(s, 'user')).toBe(101);
    s.sim.advanceBy(30_000);
    expect(await upgradeStatus(s, 'market')).toBe(101);
  });

  it('dropHubsOnPositionOpen: the position Create arrives, then the user hub drops; a stop fills in the gap and only REST shows it', async () => {
    const s = await startSim();
    const user = await hubClient(s, 'user', [
      ['SubscribePositions', [ACCOUNT]],
      ['SubscribeTrades', [ACCOUNT]],
    ]);
    s.sim.faults.dropHubsOnPositionOpen({ hub: 'user', downForMs: 60_000 });
    const placed = (await (await post(s, 'Order/place', { ...bracketed(1), accountId: ACCOUNT })).json()) as { success: boolean };
    expect(placed.success).toBe(true);
    await until(() => user.closed());
    const positionEvents = user.frames.filter((f) => (f as { target?: string }).target === 'GatewayUserPosition');
    expect(positionEvents).toHaveLength(1);
    expect((positionEvents[0] as { arguments: [{ action: number }] }).arguments[0].action).toBe(0);
    expect(await upgradeStatus(s, 'user')).toBe(503);
    s.sim.tick(MNQ, 20_990);
    expect(position(s)).toBe(0);
    const trades = (await (await post(s, 'Trade/search', { accountId: ACCOUNT, startTimestamp: new Date(T0 - 1000).toISOString() })).json()) as {
      trades: unknown[];
    };
    expect(trades.trades).toHaveLength(2);
    s.sim.advanceBy(60_000);
    expect(await upgradeStatus(s, 'user')).toBe(101);
  });
});
