// Tests of each simulated fill rule on crafted bars (see the header of src/broker/sim/simBroker.ts).

import { describe, expect, it } from 'vitest';
import { SimBroker } from '../../../src/broker/sim/simBroker.ts';
import { barPath, firstReach } from '../../../src/broker/sim/barPath.ts';
import type { BracketOrderRequest } from '../../../src/domain/orders.ts';
import type { Instrument } from '../../../src/domain/instrument.ts';

const MNQ: Instrument = { symbol: 'MNQ', tickSize: 0.25, tickValueUsd: 0.5, commissionPerSideUsd: 0.37, isMicro: true };
const bar = (tsMs: number, open: number, high: number, low: number, close: number) => ({ tsMs, open, high, low, close, volume: 100 });

function order(over: Partial<BracketOrderRequest> = {}): BracketOrderRequest {
  return {
    intentId: 'i1',
    customTag: 't1',
    symbol: 'MNQ',
    side: 'long',
    qty: 2,
    entryType: 'market',
    stopTicks: 8,
    targetTicks: 16,
    decidedAtMs: 0,
    ...over,
  };
}

function broker(slippageTicks = 1) {
  return new SimBroker({ instrument: MNQ, slippageTicks });
}

describe('bar path', () => {
  it('goes to the nearer extreme first', () => {
    expect(barPath(bar(0, 100, 110, 99, 105))).toEqual([100, 99, 110, 105]);
    expect(barPath(bar(0, 109, 110, 99, 105))).toEqual([109, 110, 99, 105]);
  });

  it('measures where a level is first reached', () => {
    const path = [100, 110, 90, 95];
    expect(firstReach(path, 105, 'up')).toBe(5);
    expect(firstReach(path, 95, 'down')).toBe(25);
    expect(firstReach(path, 110, 'upThrough')).toBe(Number.POSITIVE_INFINITY);
    expect(firstReach(path, 101, 'down', 20)).toBe(20); // price at 20 is 100, already below 101
  });
});

describe('SimBroker fills', () => {
  it('fills a market entry at the next bar open plus slippage and sets the bracket from the fill', () => {
    const b = broker(1);
    b.submitBracket(order());
    const ev = b.onBar(bar(1, 100, 100.5, 99.75, 100.25));
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ kind: 'entry_filled', price: 100.25, qty: 2, commissionUsd: 0.74, stopPrice: 98.25, targetPrice: 104.25 });
  });

  it('fills a short market entry below the open', () => {
    const b = broker(2);
    b.submitBracket(order({ side: 'short' }));
    const [e] = b.onBar(bar(1, 100, 100.5, 99.75, 100.25));
    expect(e).toMatchObject({ kind: 'entry_filled', side: 'sell', price: 99.5, stopPrice: 101.5, targetPrice: 95.5 });
  });

  it('does not fill a buy limit that is only touched, fills when traded through', () => {
    const b = broker();
    b.submitBracket(order({ entryType: 'limit', limitPrice: 99 }));
    expect(b.onBar(bar(1, 100, 101, 99, 100))).toEqual([]);
    const [e] = b.onBar(bar(2, 100, 101, 98.75, 100));
    expect(e).toMatchObject({ kind: 'entry_filled', price: 99 });
  });

  it('fills a limit at the open when the bar opens beyond it', () => {
    const b = broker();
    b.submitBracket(order({ entryType: 'limit', limitPrice: 99 }));
    const [e] = b.onBar(bar(1, 98.5, 99.5, 98, 99));
    expect(e).toMatchObject({ kind: 'entry_filled', price: 98.5 });
  });

  it('expires an unfilled limit entry', () => {
    const b = broker();
    b.submitBracket(order({ entryType: 'limit', limitPrice: 90, expiresAtMs: 2 }));
    expect(b.onBar(bar(1, 100, 101, 99, 100))).toEqual([]);
    expect(b.onBar(bar(2, 100, 101, 89, 100))[0]).toMatchObject({ kind: 'entry_cancelled', reason: 'limit entry expired unfilled' });
    expect(b.position).toBeNull();
  });

  it('counts the stop when one bar reaches both stop and target', () => {
    const b = broker(0);
    b.submitBracket(order());
    b.onBar(bar(1, 100, 100, 100, 100)); // entry 100, stop 98, target 104
    const [x] = b.onBar(bar(2, 100, 105, 97, 101)); // open nearer high: target first on the path
    expect(x).toMatchObject({ kind: 'exit_filled', reason: 'stop', price: 98, side: 'sell', commissionUsd: 0.74 });
  });

  it('fills the stop at the stop price minus slippage', () => {
    const b = broker(1);
    b.submitBracket(order());
    b.onBar(bar(1, 100, 100, 100, 100)); // fill 100.25, stop 98.25
    const [x] = b.onBar(bar(2, 100, 100.5, 98, 99));
    expect(x).toMatchObject({ reason: 'stop', price: 98 });
  });

  it('fills a gap through the stop at the open minus slippage', () => {
    const b = broker(1);
    b.submitBracket(order());
    b.onBar(bar(1, 100, 100, 100, 100)); // stop 98.25
    const [x] = b.onBar(bar(2, 95, 96, 94, 95.5));
    expect(x).toMatchObject({ reason: 'stop', price: 94.75 });
  });

  it('fills the target only when traded through, at the target price', () => {
    const b = broker(0);
    b.submitBracket(order());
    b.onBar(bar(1, 100, 100, 100, 100)); // target 104
    expect(b.onBar(bar(2, 101, 104, 100.5, 103))).toEqual([]);
    expect(b.onBar(bar(3, 103, 104.5, 102.5, 104))[0]).toMatchObject({ reason: 'target', price: 104 });
  });

  it('lets a limit filled on the way down exit at the target later in the same bar (open nearer the low)', () => {
    const b = broker(0);
    b.submitBracket(order({ entryType: 'limit', limitPrice: 99, stopTicks: 20, targetTicks: 8 }));
    // path 99.5 -> 98.75 (fills 99) -> 101.5 (target 101 traded through) -> 100
    const ev = b.onBar(bar(1, 99.5, 101.5, 98.75, 100));
    expect(ev.map((e) => e.kind)).toEqual(['entry_filled', 'exit_filled']);
    expect(ev[1]).toMatchObject({ reason: 'target', price: 101 });
  });

  it('does not exit on prices before the entry fill in the same bar (open nearer the high)', () => {
    const b = broker(0);
    b.submitBracket(order({ entryType: 'limit', limitPrice: 99, stopTicks: 20, targetTicks: 4 }));
    // path 101 -> 101.75 (before the fill; above target 100) -> 98.75 (fill 99) -> 99.5
    const ev = b.onBar(bar(1, 101, 101.75, 98.75, 99.5));
    expect(ev.map((e) => e.kind)).toEqual(['entry_filled']);
  });

  it('liquidates at the risk level when the path reaches it before the stop', () => {
    const b = broker(1);
    b.submitBracket(order({ stopTicks: 40 }));
    b.onBar(bar(1, 100, 100, 100, 100)); // fill 100.25, stop 90.25
    b.setLiquidationLevel({ price: 95, rule: 'MAX_LOSS_LIMIT' });
    const [x] = b.onBar(bar(2, 99, 99.5, 90, 91));
    expect(x).toMatchObject({ reason: 'risk_liquidation', price: 94.75 });
  });

  it('flattens at the given price minus slippage and cancels a working entry', () => {
    const b = broker(1);
    b.submitBracket(order());
    b.onBar(bar(1, 100, 100, 100, 100));
    const ev = b.flatten(101, 5, 'session_end');
    expect(ev[0]).toMatchObject({ kind: 'exit_filled', price: 100.75, reason: 'session_end' });
    const b2 = broker(1);
    b2.submitBracket(order());
    expect(b2.flatten(101, 5, 'session_end')[0]).toMatchObject({ kind: 'entry_cancelled' });
  });

  it('rejects a second entry while one is working or open', () => {
    const b = broker();
    b.submitBracket(order());
    expect(b.submitBracket(order({ intentId: 'i2' })).events[0]).toMatchObject({ kind: 'entry_rejected' });
  });
});
