// Unit tests of the pure risk rule functions: MLL floor, daily limits, contract units, flat time, sizing formula.
import { describe, expect, it } from 'vitest';
import {
  breachesDailyLoss,
  breachesMll,
  computeFinalSize,
  contractsAvailable,
  isAfterFlatTime,
  maxContractsForRisk,
  mllFloor,
  reachedProfitTarget,
  stopLossUsdPerContract,
} from '../../../src/strategy/riskManager/index.ts';
import { combinePlanFor, exceedsCombinePlan } from '../../../src/domain/combinePlans.ts';
import { ct, DEFAULTS, ES, MNQ } from './support.ts';

describe('mllFloor', () => {
  it.each([
    [50_000, 48_000],
    [49_000, 48_000],
    [50_500, 48_500],
    [51_999, 49_999],
    [52_000, 50_000],
    [60_000, 50_000],
  ])('50K/2K with highest EOD %d gives floor %d', (h, floor) => {
    expect(mllFloor(50_000, 2_000, h)).toBe(floor);
  });
  it('treats touching the floor as a breach', () => {
    expect(breachesMll(48_000, 48_000)).toBe(true);
    expect(breachesMll(48_000.01, 48_000)).toBe(false);
  });
});

describe('daily limits', () => {
  it('breaches at −limit and not before', () => {
    expect(breachesDailyLoss(-1000, DEFAULTS)).toBe(true);
    expect(breachesDailyLoss(-999.99, DEFAULTS)).toBe(false);
    expect(breachesDailyLoss(-1e9, { dailyLossLimitUsd: null })).toBe(false);
  });
  it('reaches the profit target at the target', () => {
    expect(reachedProfitTarget(500, { dailyProfitTargetUsd: 500 })).toBe(true);
    expect(reachedProfitTarget(499.99, { dailyProfitTargetUsd: 500 })).toBe(false);
    expect(reachedProfitTarget(1e9, { dailyProfitTargetUsd: null })).toBe(false);
  });
});

describe('contractsAvailable', () => {
  it('counts micros 10:1 against minis (5 minis = 50 micros; 4 ES + 10 MES)', () => {
    expect(contractsAvailable(MNQ, 0, 5)).toBe(50);
    expect(contractsAvailable(ES, 0, 5)).toBe(5);
    expect(contractsAvailable(MNQ, 40, 5)).toBe(10);
    expect(contractsAvailable(ES, 41, 5)).toBe(0);
    expect(contractsAvailable(MNQ, 60, 5)).toBe(0);
  });
});

describe('isAfterFlatTime', () => {
  it('is false at 15:09 CT and true from 15:10 CT until the 17:00 CT reopen', () => {
    expect(isAfterFlatTime(ct(2024, 1, 3, 15, 9), DEFAULTS)).toBe(false);
    expect(isAfterFlatTime(ct(2024, 1, 3, 15, 10), DEFAULTS)).toBe(true);
    expect(isAfterFlatTime(ct(2024, 1, 3, 16, 59), DEFAULTS)).toBe(true);
    expect(isAfterFlatTime(ct(2024, 1, 3, 17, 0), DEFAULTS)).toBe(false);
  });
  it('follows DST: 15:10 CT is 21:10 UTC in winter and 20:10 UTC in summer', () => {
    expect(isAfterFlatTime(Date.UTC(2024, 2, 8, 21, 9), DEFAULTS)).toBe(false);
    expect(isAfterFlatTime(Date.UTC(2024, 2, 8, 21, 10), DEFAULTS)).toBe(true);
    expect(isAfterFlatTime(Date.UTC(2024, 2, 11, 20, 10), DEFAULTS)).toBe(true);
    expect(isAfterFlatTime(Date.UTC(2024, 2, 11, 20, 9), DEFAULTS)).toBe(false);
  });
});

describe('computeFinalSize', () => {
  const base = { regime: 'BULL' as const, vixMultiplier: 1, regimeConfidence: 0.9, newsMultiplier: 1 };
  it.each([
    ['full size', { baseSize: 2 }, 2],
    ['VIX 0.5 halves', { baseSize: 2, vixMultiplier: 0.5 }, 1],
    ['low confidence halves (0.59 < 0.6)', { baseSize: 2, regimeConfidence: 0.59 }, 1],
    ['confidence exactly 0.6 is not reduced', { baseSize: 2, regimeConfidence: 0.6 }, 2],
    ['a fraction rounds up to the minimum of 1', { baseSize: 1, vixMultiplier: 0.25, newsMultiplier: 0.5 }, 1],
    ['floor of 2.25 is 2 (SOFT_BULL 0.75 × 3)', { baseSize: 3, regime: 'SOFT_BULL' as const }, 2],
    ['float dust does not lose a contract (4 × 0.75 = 3)', { baseSize: 4, regime: 'SOFT_BULL' as const }, 3],
    ['VIX tier 0 gives 0, not max(1, 0)', { baseSize: 5, vixMultiplier: 0 }, 0],
    ['news multiplier 0 gives 0', { baseSize: 5, newsMultiplier: 0 }, 0],
    ['base size 0 gives 0', { baseSize: 0 }, 0],
  ])('%s', (_name, over, size) => {
    expect(computeFinalSize({ ...base, ...over }, DEFAULTS).size).toBe(size);
  });
  it('ignores confidence when confidence sizing is disabled', () => {
    const s = { ...DEFAULTS, confidenceSizing: { ...DEFAULTS.confidenceSizing, enabled: false } };
    expect(computeFinalSize({ ...base, baseSize: 2, regimeConfidence: 0.1 }, s).size).toBe(2);
  });
  it('gives 0 for a regime missing from the multiplier table', () => {
    expect(computeFinalSize({ ...base, baseSize: 2 }, { ...DEFAULTS, regimeSizeMultipliers: {} }).size).toBe(0);
  });
  it('caps by contracts and then by risk room, 0 when one contract would breach', () => {
    const caps = { contractsAvailable: 3, perContractRiskUsd: 100, riskRoomUsd: 1000 };
    expect(computeFinalSize({ ...base, baseSize: 10, caps }, DEFAULTS)).toMatchObject({ size: 3, formulaSize: 10, cappedBy: 'MAX_CONTRACTS' });
    expect(computeFinalSize({ ...base, baseSize: 10, caps: { ...caps, contractsAvailable: 50, riskRoomUsd: 250 } }, DEFAULTS)).toMatchObject({
      size: 2,
      cappedBy: 'RISK_BUDGET',
    });
    // exactly 3 × 100 = 300 would touch the limit: only 2
    expect(computeFinalSize({ ...base, baseSize: 10, caps: { ...caps, contractsAvailable: 50, riskRoomUsd: 300 } }, DEFAULTS).size).toBe(2);
    expect(computeFinalSize({ ...base, baseSize: 10, caps: { ...caps, riskRoomUsd: 100 } }, DEFAULTS).size).toBe(0);
  });
  it('includes the stop slippage and both commissions in the stop-loss money', () => {
    expect(stopLossUsdPerContract(40, MNQ, 0)).toBeCloseTo(20.74, 10);
    expect(stopLossUsdPerContract(40, MNQ, 1)).toBeCloseTo(21.24, 10);
    expect(stopLossUsdPerContract(40, ES, 2)).toBeCloseTo(42 * 12.5 + 2.8, 10);
    expect(maxContractsForRisk(20.74, 1000)).toBe(48);
    expect(maxContractsForRisk(20.74, 0)).toBe(0);
    expect(maxContractsForRisk(20.74, -5)).toBe(0);
  });
});

describe('Topstep Combine plans', () => {
  it('gives the published limits per account size', () => {
    expect(combinePlanFor(100_000)).toEqual({
      name: '100K',
      accountSizeUsd: 100_000,
      dailyLossLimitUsd: 2_000,
      maxLossLimitUsd: 3_000,
      maxContractsMinis: 10,
      profitTargetUsd: 6_000,
    });
    expect(combinePlanFor(75_000)).toBeNull();
  });
  it('flags settings above the plan and accepts the defaults', () => {
    expect(exceedsCombinePlan(DEFAULTS)).toEqual([]);
    expect(exceedsCombinePlan({ accountSizeUsd: 50_000, maxLossLimitUsd: 3_000, maxContractsMinis: 6 })).toEqual([
      'risk.max_contracts_minis: the 50K Combine allows 5 minis (got 6)',
      'risk.max_loss_limit: the 50K Combine MLL is 2000 (got 3000)',
    ]);
  });
});
