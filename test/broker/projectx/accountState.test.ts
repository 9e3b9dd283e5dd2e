// Pure tests of the account state: duplicate and out-of-order order events, position close, REST snapshots,
// and which bracket legs count as orphans once a position is flat.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProjectXAccountState } from '../../../src/broker/projectx/accountState.ts';
import { EventAction, OrderStatus, OrderType, PositionType, type PxOrder, type PxPosition } from '../../../src/broker/projectx/types.ts';

const order = (over: Partial<PxOrder>): PxOrder => ({
  id: 1,
  accountId: 7,
  contractId: 'C',
  symbolId: null,
  creationTsMs: 1000,
  updateTsMs: 1000,
  status: OrderStatus.Open,
  type: OrderType.Limit,
  side: 0,
  size: 1,
  limitPrice: 100,
  stopPrice: null,
  fillVolume: 0,
  filledPrice: null,
  customTag: null,
  parentOrderId: null,
  linkedOrderId: null,
  ...over,
});
const position = (over: Partial<PxPosition>): PxPosition => ({
  id: 3,
  accountId: 7,
  contractId: 'C',
  creationTsMs: 1000,
  type: PositionType.Long,
  size: 1,
  averagePrice: 100,
  ...over,
});

describe('ProjectXAccountState', () => {
  it('applies newer versions and flags duplicates, older versions and terminal regressions', () => {
    const s = new ProjectXAccountState();
    expect(s.applyOrder({ action: EventAction.Create, data: order({}) })).toBe('applied');
    expect(s.applyOrder({ action: EventAction.Create, data: order({}) })).toBe('duplicate');
    expect(
      s.applyOrder({ action: EventAction.Update, data: order({ updateTsMs: 2000, status: OrderStatus.Filled, fillVolume: 1, filledPrice: 100 }) }),
    ).toBe('applied');
    expect(s.applyOrder({ action: EventAction.Update, data: order({ updateTsMs: 1500, limitPrice: 99 }) })).toBe('stale');
    expect(s.applyOrder({ action: EventAction.Update, data: order({ updateTsMs: 3000, status: OrderStatus.Open }) })).toBe('stale');
    expect(s.orders.get(1)!.status).toBe(OrderStatus.Filled);
  });

  it('ends in the newest version whatever order the events arrive in', () => {
    const versions = [1, 2, 3, 4, 5].map((v) =>
      order({ updateTsMs: 1000 * v, fillVolume: v === 5 ? 1 : 0, status: v === 5 ? OrderStatus.Filled : OrderStatus.Open, limitPrice: 100 + v }),
    );
    fc.assert(
      fc.property(fc.shuffledSubarray(versions, { minLength: 5, maxLength: 5 }), fc.array(fc.nat(4), { maxLength: 5 }), (shuffled, dupes) => {
        const s = new ProjectXAccountState();
        for (const o of [...shuffled, ...dupes.map((i) => versions[i]!)]) s.applyOrder({ action: EventAction.Update, data: o });
        return s.orders.get(1)!.limitPrice === 105 && s.orders.get(1)!.status === OrderStatus.Filled;
      }),
    );
  });

  it('closes a position on action 2 or size 0 and keeps stream-only leg fields across REST copies', () => {
    const s = new ProjectXAccountState();
    s.applyPosition({ action: EventAction.Create, data: position({}) });
    expect(s.applyPosition({ action: EventAction.Delete, data: position({ type: PositionType.Undefined, size: 0 }) })).toBe('applied');
    expect(s.positions.size).toBe(0);
    s.applyOrder({ action: EventAction.Create, data: order({ id: 2, parentOrderId: 1, status: OrderStatus.Suspended, type: OrderType.Stop }) });
    s.applySnapshot({
      account: null,
      positions: [],
      openOrders: [order({ id: 2, updateTsMs: 2000, type: OrderType.Stop, stopPrice: 95 })],
      recentOrders: [],
      recentTrades: [],
    });
    expect(s.orders.get(2)).toMatchObject({ parentOrderId: 1, status: OrderStatus.Open, stopPrice: 95 });
  });

  it('counts as orphans only the live legs of a filled entry', () => {
    const s = new ProjectXAccountState();
    s.applyOrder({ action: EventAction.Update, data: order({ id: 1, status: OrderStatus.Filled, fillVolume: 1 }) });
    s.applyOrder({ action: EventAction.Update, data: order({ id: 2, parentOrderId: 1, status: OrderStatus.Open }) });
    s.applyOrder({ action: EventAction.Update, data: order({ id: 3, parentOrderId: 1, status: OrderStatus.Cancelled }) });
    s.applyOrder({ action: EventAction.Update, data: order({ id: 10, status: OrderStatus.Open }) });
    s.applyOrder({ action: EventAction.Update, data: order({ id: 11, parentOrderId: 10, status: OrderStatus.Suspended }) });
    expect(s.orphanLegs('C').map((o) => o.id)).toEqual([2]);
  });
});
