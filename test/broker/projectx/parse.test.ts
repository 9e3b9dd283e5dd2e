// Tests of the pure ProjectX payload parsers on hand-written payloads.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatUtcIso,
  parseBarsResponse,
  parseDepth,
  parseEnvelope,
  parseList,
  parseMarketTrades,
  parseOrder,
  parsePosition,
  parseQuote,
  parseTimestampUtcMs,
  parseTrade,
  unwrapUserEvent,
} from '../../../src/broker/projectx/parse.ts';
import { ProjectXError } from '../../../src/broker/projectx/errors.ts';
import { EventAction, OrderStatus, PositionType } from '../../../src/broker/projectx/types.ts';

const T = Date.UTC(2024, 11, 20, 14, 0, 0);

describe('parseTimestampUtcMs', () => {
  it.each([
    ['2024-12-20T14:00:00+00:00', T],
    ['2024-12-20T14:00:00Z', T],
    ['2024-12-20T14:00:00', T],
    ['2024-12-20 14:00:00', T],
    ['2024-12-20T09:00:00-05:00', T],
    ['2024-12-20T15:00:00+0100', T],
    ['2024-12-20T14:00:00.1234567+00:00', T + 123],
    ['2024-12-20T14:00:00.5Z', T + 500],
  ])('reads %s as UTC', (text, expected) => {
    expect(parseTimestampUtcMs(text)).toBe(expected);
  });

  it('returns NaN for text that is not a timestamp', () => {
    expect(parseTimestampUtcMs('yesterday')).toBeNaN();
    expect(parseTimestampUtcMs('2024-13-01T00:00:00Z')).toBeNaN();
  });

  it('round-trips formatUtcIso for any whole-second instant', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4102444800 }), (s) => parseTimestampUtcMs(formatUtcIso(s * 1000)) === s * 1000));
  });
});

describe('parseEnvelope', () => {
  it('turns success:false into a typed error with the endpoint error-code name', () => {
    let caught: unknown;
    try {
      parseEnvelope('Order/place', { success: false, errorCode: 2, errorMessage: 'Invalid stop loss type (Limit)' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProjectXError);
    const e = caught as ProjectXError;
    expect(e.code).toBe('PROJECTX_REJECTED');
    expect(e.errorCode).toBe(2);
    expect(e.errorName).toBe('OrderRejected');
    expect(e.httpStatus).toBe(200);
    expect(e.retryable).toBe(false);
    expect(e.endpoint).toBe('Order/place');
  });

  it('names retrieveBars, partial-close and login codes from their own tables', () => {
    const name = (endpoint: string, code: number) => {
      try {
        parseEnvelope(endpoint, { success: false, errorCode: code, errorMessage: null });
      } catch (e) {
        return (e as ProjectXError).errorName;
      }
      return 'none';
    };
    expect(name('History/retrieveBars', 2)).toBe('UnitInvalid');
    expect(name('Position/partialCloseContract', 5)).toBe('InvalidCloseSize');
    expect(name('Auth/loginKey', 9)).toBe('ApiSubscriptionNotFound');
  });
});

describe('parseBarsResponse', () => {
  it('sorts newest-first bars ascending, mixes formats and drops duplicate timestamps', () => {
    const body = {
      success: true,
      errorCode: 0,
      errorMessage: null,
      bars: [
        { t: '2024-12-20T14:10:00+00:00', o: 3, h: 3, l: 3, c: 3, v: 30 },
        { t: '2024-12-20T14:05:00Z', o: 2, h: 2, l: 2, c: 2, v: 20 },
        { t: '2024-12-20T14:05:00', o: 2, h: 2, l: 2, c: 2.5, v: 21 },
        { t: '2024-12-20T14:00:00+00:00', o: 1, h: 1, l: 1, c: 1, v: 10 },
      ],
    };
    const bars = parseBarsResponse(body);
    expect(bars.map((b) => b.tsMs)).toEqual([T, T + 300_000, T + 600_000]);
    expect(bars[1]!.close).toBe(2.5);
  });

  it('rejects a bar with a malformed timestamp, naming the field', () => {
    expect(() => parseBarsResponse({ success: true, bars: [{ t: 'soon', o: 1, h: 1, l: 1, c: 1, v: 1 }] })).toThrow(/field "t" is not a timestamp/);
  });
});

describe('orders, positions, trades', () => {
  const order = {
    id: 36598,
    accountId: 704,
    contractId: 'CON.F.US.MNQ.U26',
    symbolId: 'F.US.MNQ',
    creationTimestamp: '2026-07-31T13:44:54.443+00:00',
    updateTimestamp: null,
    status: 8,
    type: 4,
    side: 1,
    size: 1,
    limitPrice: null,
    stopPrice: null,
    fillVolume: 0,
    filledPrice: null,
    customTag: 'abc-SL',
    parentOrderId: 36597,
  };

  it('parses a suspended bracket leg with a null updateTimestamp', () => {
    const o = parseOrder(order);
    expect(o.status).toBe(OrderStatus.Suspended);
    expect(o.updateTsMs).toBeNull();
    expect(o.parentOrderId).toBe(36597);
    expect(o.linkedOrderId).toBeNull();
  });

  it('unwraps {action, data} and accepts a bare payload as an update', () => {
    expect(unwrapUserEvent({ action: 2, data: order }, parseOrder, 'GatewayUserOrder').action).toBe(EventAction.Delete);
    const bare = unwrapUserEvent(order, parseOrder, 'GatewayUserOrder');
    expect(bare.action).toBe(EventAction.Update);
    expect(bare.data.id).toBe(36598);
  });

  it('reads a closed position (type 0, size 0) and a half-turn trade with null P&L', () => {
    const p = parsePosition({ id: 1, accountId: 704, contractId: 'C', creationTimestamp: '2026-07-31T13:44:54Z', type: 0, size: 0, averagePrice: 0 });
    expect(p.type).toBe(PositionType.Undefined);
    expect(p.size).toBe(0);
    const t = parseTrade({
      id: 9,
      accountId: 704,
      contractId: 'C',
      creationTimestamp: '2026-07-31T13:44:54Z',
      price: 100.25,
      profitAndLoss: null,
      fees: 0.37,
      side: 0,
      size: 1,
      voided: false,
      orderId: 5,
    });
    expect(t.profitAndLossUsd).toBeNull();
    expect(t.feesUsd).toBe(0.37);
  });

  it('parseList reads an empty or missing list as empty', () => {
    expect(parseList('Order/searchOpen', { success: true, orders: [] }, 'orders', parseOrder)).toEqual([]);
    expect(parseList('Order/searchOpen', { success: true, orders: null }, 'orders', parseOrder)).toEqual([]);
  });
});

describe('market data', () => {
  it('parses quotes, single or listed trades, and depth lists', () => {
    const q = parseQuote('C', { symbol: 'F.US.MNQ', lastPrice: 100, bestBid: 99.75, bestAsk: 100, volume: 1000, timestamp: '2024-12-20T14:00:00Z' });
    expect(q.tsMs).toBe(T);
    expect(q.bestBid).toBe(99.75);
    expect(parseMarketTrades('C', { price: 100, volume: 2, type: 1, timestamp: '2024-12-20T14:00:00Z' })).toHaveLength(1);
    expect(
      parseMarketTrades('C', [
        { price: 100, volume: 2, type: 0, timestamp: '2024-12-20T14:00:00Z' },
        { price: 101, volume: 1, type: 0, timestamp: '2024-12-20T14:00:01Z' },
      ])[1]!.price,
    ).toBe(101);
    expect(parseDepth('C', [{ type: 2, price: 99.75, volume: 5, currentVolume: 5, timestamp: '2024-12-20T14:00:00Z' }])[0]!.type).toBe(2);
  });
});
