// Pure tests of the simulator's fill rules, P&L, fees, OCO and events, and of bar replay/aggregation.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MatchingEngine, type SimEvent } from '../../../../src/broker/projectx/simulator/matchingEngine.ts';
import { defaultSimContracts } from '../../../../src/broker/projectx/simulator/gatewaySimulator.ts';
import { aggregateBars, barToTicks } from '../../../../src/broker/projectx/simulator/marketReplay.ts';
import { OrderStatus, OrderType } from '../../../../src/broker/projectx/types.ts';

const MNQ = 'CON.F.US.MNQ.H26';

function engine(): { e: MatchingEngine; events: SimEvent[] } {
  const events: SimEvent[] = [];
  const e = new MatchingEngine(
    () => 0,
    (ev) => events.push(ev),
  );
  e.addAccount({ id: 1, name: 'A', balanceUsd: 50_000, canTrade: true, simulated: true });
  for (const c of defaultSimContracts()) e.addContract(c);
  return { e, events };
}

describe('MatchingEngine fill rules', () => {
  it('fills a buy stop at the first price that crosses it (a gap fills worse) and a limit at its price', () => {
    const { e } = engine();
    e.tick(MNQ, 100);
    const stop = e.place({ accountId: 1, contractId: MNQ, type: OrderType.Stop, side: 0, size: 1, stopPrice: 101 });
    const limit = e.place({ accountId: 1, contractId: MNQ, type: OrderType.Limit, side: 1, size: 1, limitPrice: 102 });
    e.tick(MNQ, 103);
    expect(stop.ok && e.orders.get(stop.orderId)!.filledPrice).toBe(103);
    expect(limit.ok && e.orders.get(limit.orderId)!.filledPrice).toBe(102);
    expect(e.openPositions(1)).toEqual([]);
  });

  it('books P&L on the reducing part, fees per side, and reverses a position', () => {
    const { e } = engine();
    e.tick(MNQ, 100);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: 0, size: 2 });
    e.tick(MNQ, 110);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: 1, size: 3 });
    expect(e.trades.map((t) => [t.profitAndLossUsd, t.feesUsd])).toEqual([
      [null, 0.74],
      [40, 1.11],
    ]);
    expect(e.openPositions(1)).toMatchObject([{ netSize: -1, averagePrice: 110 }]);
    expect(e.accounts.get(1)!.balanceUsd).toBeCloseTo(50_000 + 40 - 0.74 - 1.11, 6);
  });

  it('cancels the sibling leg when one fills (OCO) and keeps legs when the position is closed by closeContract', () => {
    const { e } = engine();
    e.tick(MNQ, 100);
    const r = e.place({
      accountId: 1,
      contractId: MNQ,
      type: OrderType.Market,
      side: 0,
      size: 1,
      stopLossBracket: { ticks: -8, type: 4 },
      takeProfitBracket: { ticks: 8, type: 1 },
    });
    const [sl, tp] = e.orders.get(r.ok ? r.orderId : -1)!.legIds.map((id) => e.orders.get(id)!);
    expect([sl!.stopPrice, tp!.limitPrice]).toEqual([98, 102]);
    e.tick(MNQ, 97.5);
    expect([sl!.status, tp!.status, sl!.filledPrice]).toEqual([OrderStatus.Filled, OrderStatus.Cancelled, 97.5]);
    const again = e.place({
      accountId: 1,
      contractId: MNQ,
      type: OrderType.Market,
      side: 0,
      size: 1,
      stopLossBracket: { ticks: -8, type: 4 },
      takeProfitBracket: { ticks: 8, type: 1 },
    });
    expect(e.close(1, MNQ, null, false).ok).toBe(true);
    expect(e.orders.get(again.ok ? again.orderId : -1)!.legIds.map((id) => e.orders.get(id)!.status)).toEqual([OrderStatus.Open, OrderStatus.Open]);
  });

  it('rejects with the gateway codes: unknown account, inactive contract, limit type as stop loss, short tick signs', () => {
    const { e } = engine();
    e.tick(MNQ, 100);
    expect(e.place({ accountId: 9, contractId: MNQ, type: 2, side: 0, size: 1 })).toMatchObject({ ok: false, errorCode: 1 });
    expect(e.place({ accountId: 1, contractId: 'CON.F.US.MNQ.Z25', type: 2, side: 0, size: 1 })).toMatchObject({ ok: false, errorCode: 9 });
    expect(e.place({ accountId: 1, contractId: MNQ, type: 2, side: 0, size: 1, stopLossBracket: { ticks: -8, type: 1 } })).toMatchObject({
      ok: false,
      errorCode: 2,
      errorMessage: 'Invalid stop loss type (Limit)',
    });
    expect(e.place({ accountId: 1, contractId: MNQ, type: 2, side: 1, size: 1, takeProfitBracket: { ticks: 30, type: 1 } })).toMatchObject({
      errorMessage: 'Invalid take profit ticks (30). Ticks should be less than zero when going short.',
    });
  });

  it('emits user events wrapped as {action, data} and closes a position with action 2, type 0, size 0', () => {
    const { e, events } = engine();
    e.tick(MNQ, 100);
    e.place({ accountId: 1, contractId: MNQ, type: OrderType.Market, side: 0, size: 1 });
    e.close(1, MNQ, null, false);
    const positions = events
      .filter((x) => x.hub === 'user' && x.target === 'GatewayUserPosition')
      .map((x) => x.payload as { action: number; data: { type: number; size: number } });
    expect(positions.map((p) => [p.action, p.data.type, p.data.size])).toEqual([
      [0, 1, 1],
      [2, 0, 0],
    ]);
  });
});

describe('market replay', () => {
  const bar = { tsMs: 0, open: 10, high: 12, low: 9, close: 11, volume: 40 };

  it('walks an up bar O→L→H→C and a down bar O→H→L→C at quarter-bar steps', () => {
    expect(barToTicks(bar, 60_000).map((t) => [t.tsMs, t.price])).toEqual([
      [0, 10],
      [15_000, 9],
      [30_000, 12],
      [45_000, 11],
    ]);
    expect(barToTicks({ ...bar, close: 9.5 }, 60_000).map((t) => t.price)).toEqual([10, 12, 9, 9.5]);
  });

  it('keeps volume and extremes when expanding, and aggregation keeps OHLCV of the buckets', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            o: fc.integer({ min: 1, max: 100 }),
            h: fc.integer({ min: 0, max: 5 }),
            l: fc.integer({ min: 0, max: 5 }),
            c: fc.integer({ min: 1, max: 100 }),
            v: fc.integer({ min: 0, max: 1000 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (rows) => {
          const bars = rows.map((r, i) => ({
            tsMs: i * 60_000,
            open: r.o,
            close: r.c,
            high: Math.max(r.o, r.c) + r.h,
            low: Math.min(r.o, r.c) - r.l,
            volume: r.v,
          }));
          for (const b of bars) {
            const ticks = barToTicks(b, 60_000);
            if (Math.abs(ticks.reduce((s, t) => s + t.volume, 0) - b.volume) > 1e-9) return false;
            if (Math.max(...ticks.map((t) => t.price)) !== b.high || Math.min(...ticks.map((t) => t.price)) !== b.low) return false;
          }
          const agg = aggregateBars(bars, 300_000);
          return (
            agg.reduce((s, b) => s + b.volume, 0) === bars.reduce((s, b) => s + b.volume, 0) &&
            agg[0]!.open === bars[0]!.open &&
            agg[agg.length - 1]!.close === bars[bars.length - 1]!.close
          );
        },
      ),
    );
  });
});
