// Tests of the AccountBook: average-price P&L, partial exits, flips, stop-risk bookkeeping, contract units.
import { describe, expect, it } from 'vitest';
import { AccountBook, RiskManager } from '../../../src/strategy/riskManager/index.ts';
import { DEFAULTS, et, INSTRUMENTS } from './support.ts';

const book = () => new AccountBook(new Map(INSTRUMENTS.map((i) => [i.symbol, i])));
const T = et(2024, 1, 3, 10, 30);

describe('AccountBook', () => {
  it('realizes P&L on the average price, net of commission', () => {
    const b = book();
    b.applyFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 1, price: 20000, commissionUsd: 0.37 });
    b.applyFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 1, price: 20010, commissionUsd: 0.37 });
    expect(b.positions()[0]).toMatchObject({ qty: 2, avgPrice: 20005 });
    // sell 1 at 20025: (20025 − 20005) × 1 × $2 − 0.37 = 39.63
    const e1 = b.applyFill({ tsMs: T, symbol: 'MNQ', side: 'sell', qty: 1, price: 20025, commissionUsd: 0.37 });
    expect(e1.realizedUsd).toBeCloseTo(39.63, 10);
    expect(e1.closedTripPnlUsd).toBeNull();
    b.mark('MNQ', 20000);
    expect(b.unrealizedUsd()).toBeCloseTo(-10, 10);
    const e2 = b.applyFill({ tsMs: T, symbol: 'MNQ', side: 'sell', qty: 1, price: 20000, commissionUsd: 0.37 });
    // round trip: −0.74 entry commissions + 39.63 + (−10 − 0.37)
    expect(e2.closedTripPnlUsd).toBeCloseTo(-0.74 + 39.63 - 10.37, 10);
    expect(b.positions()).toEqual([]);
  });

  it('flips a position at the fill price and closes the old round trip', () => {
    const b = book();
    b.applyFill({ tsMs: T, symbol: 'ES', side: 'sell', qty: 1, price: 4700, commissionUsd: 1.4 });
    const e = b.applyFill({ tsMs: T, symbol: 'ES', side: 'buy', qty: 3, price: 4690, commissionUsd: 4.2 });
    // short 1 closed +10 points × $50 = 500 − 4.2 commission of the fill
    expect(e.realizedUsd).toBeCloseTo(495.8, 10);
    expect(e.closedTripPnlUsd).toBeCloseTo(495.8 - 1.4, 10);
    expect(b.positions()[0]).toMatchObject({ symbol: 'ES', qty: 2, avgPrice: 4690 });
    expect(b.usedUnits()).toBe(20);
  });

  it('scales stop risk down on partial exits and keeps it for committed entries not yet filled', () => {
    const b = book();
    b.addRisk('MNQ', 100);
    expect(b.remainingRiskUsd()).toBe(100);
    b.applyFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 4, price: 20000, commissionUsd: 1.48 });
    b.applyFill({ tsMs: T, symbol: 'MNQ', side: 'sell', qty: 1, price: 20000, commissionUsd: 0.37 });
    expect(b.positions()[0]!.riskUsd).toBeCloseTo(75, 10);
    b.mark('MNQ', 19995); // −5 × 3 × $2 = −30 already in equity
    expect(b.remainingRiskUsd()).toBeCloseTo(45, 10);
    b.mark('MNQ', 19970); // loss beyond the stop money: nothing more at risk to the stop
    expect(b.remainingRiskUsd()).toBe(0);
  });
});

describe('RiskManager resume', () => {
  it('resumes from a balance and a highest EOD balance', () => {
    const r = new RiskManager(DEFAULTS, INSTRUMENTS, { balanceUsd: 51_000, highestEodBalanceUsd: 51_500 });
    expect(r.mllFloorUsd).toBe(49_500);
    expect(r.snapshot()).toMatchObject({ balanceUsd: 51_000, equityUsd: 51_000, dayPnlUsd: 0 });
  });
});
