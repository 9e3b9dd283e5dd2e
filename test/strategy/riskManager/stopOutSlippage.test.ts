// Issue 13 defect 8: sizing counts the stop's slippage ticks and both commissions, so a stop-out filled as the simulated broker fills it never breaches.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RiskManager, type Reservation, type RiskDenied } from '../../../src/strategy/index.ts';
import { DEFAULTS, ES, et, MES, MNQ } from './support.ts';

const isRes = (x: Reservation | RiskDenied): x is Reservation => 'id' in x;
const T = et(2024, 1, 3, 10, 30);
const entry = (stopTicks: number, baseSize: number, symbol = 'MNQ') => ({
  tsMs: T,
  symbol,
  side: 'long' as const,
  stopTicks,
  baseSize,
  regime: 'BULL' as const,
  regimeConfidence: 1,
  vixMultiplier: 1,
  newsMultiplier: 1,
});

describe('sizing with the stop slippage (issue 13, defect 8)', () => {
  it('refuses one MNQ at 40 ticks with $21 of daily room: the stop-out costs $21.24, not $20.74', () => {
    const r = new RiskManager({ ...DEFAULTS, dailyLossLimitUsd: 21, stopSlippageTicks: 1 }, [MNQ]);
    expect(r.reserveEntry(entry(40, 1))).toMatchObject({ code: 'RISK_BUDGET' });
    const roomy = new RiskManager({ ...DEFAULTS, dailyLossLimitUsd: 21.25, stopSlippageTicks: 1 }, [MNQ]);
    expect(roomy.reserveEntry(entry(40, 1))).toMatchObject({ qty: 1, riskUsd: 21.24 });
  });

  it('property: every sized entry stopped out with slippage and commissions stays above the daily limit and the MLL floor', () => {
    const instruments = [MNQ, MES, ES];
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 1, max: 3000, noNaN: true }),
        fc.boolean(),
        (inst, stopTicks, slip, baseSize, room, roomFromMll) => {
          const settings = roomFromMll
            ? { ...DEFAULTS, dailyLossLimitUsd: null, maxLossLimitUsd: room, maxContractsMinis: 50, stopSlippageTicks: slip }
            : { ...DEFAULTS, dailyLossLimitUsd: room, maxLossLimitUsd: 1e6, maxContractsMinis: 50, stopSlippageTicks: slip };
          const r = new RiskManager(settings, instruments);
          const res = r.reserveEntry(entry(stopTicks, baseSize, inst.symbol));
          if (!isRes(res)) return;
          const price = 5000;
          r.onFill({ tsMs: T + 1, symbol: inst.symbol, side: 'buy', qty: res.qty, price, commissionUsd: res.qty * inst.commissionPerSideUsd });
          r.commit(res.id);
          const fill = price - (stopTicks + slip) * inst.tickSize;
          const events = r.onFill({
            tsMs: T + 2,
            symbol: inst.symbol,
            side: 'sell',
            qty: res.qty,
            price: fill,
            commissionUsd: res.qty * inst.commissionPerSideUsd,
          });
          expect(events.filter((e) => e.code === 'MLL_BREACH' || e.code === 'DAILY_LOSS_LIMIT')).toEqual([]);
        },
      ),
      { numRuns: 500, seed: 13 },
    );
  });
});
