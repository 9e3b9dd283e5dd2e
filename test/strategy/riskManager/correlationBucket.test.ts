// Issue 14 item 2 (last clause): risk.correlation_bucket, a shared budget of correlated instruments (stop
// risk in USD and/or contracts in mini equivalents) enforced by the account risk manager; off by default.
import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../../src/domain/instrument.ts';
import type { ConfigError } from '../../../src/domain/errors.ts';
import { loadConfig, validateConfig } from '../../../src/config/index.ts';
import { RiskManager, riskSettingsFromConfig, type EntryRequest, type RiskSettings } from '../../../src/strategy/riskManager/index.ts';
import { DEFAULTS, et, MES, MNQ } from './support.ts';

const MGC: Instrument = { symbol: 'MGC', tickSize: 0.1, tickValueUsd: 1, commissionPerSideUsd: 0.37, isMicro: true };
const T = et(2024, 1, 3, 10, 30);
const entry = (symbol: string, baseSize = 1, tsMs = T): EntryRequest => ({
  tsMs,
  symbol,
  side: 'long',
  stopTicks: 40,
  baseSize,
  regime: 'BULL',
  regimeConfidence: 0.9,
  vixMultiplier: 1,
  newsMultiplier: 1,
});
const manager = (bucket: RiskSettings['correlationBucket']) =>
  new RiskManager({ ...DEFAULTS, regimeSizeMultipliers: { BULL: 1 }, correlationBucket: bucket }, [MNQ, MES, MGC]);

describe('correlation bucket', () => {
  it('is off by default: two correlated instruments on the same bar both enter', () => {
    expect(DEFAULTS.correlationBucket).toBeNull();
    const r = manager(DEFAULTS.correlationBucket);
    expect('id' in r.reserveEntry(entry('MNQ'))).toBe(true);
    expect('id' in r.reserveEntry(entry('MES'))).toBe(true);
  });

  it('a contract cap of 0.1 mini (one micro): the bucket admits one of two correlated entries, the uncorrelated one still enters', () => {
    const r = manager({ symbols: ['MNQ', 'MES'], maxStopRiskUsd: null, maxUnits: 1 });
    const first = r.reserveEntry(entry('MNQ'));
    expect(first).toMatchObject({ symbol: 'MNQ', qty: 1, cappedBy: null });
    const second = r.reserveEntry(entry('MES'));
    expect(second).toMatchObject({ code: 'CORRELATION_BUCKET' });
    expect((second as { detail: string }).detail).toContain('capped to 0 by correlation bucket MNQ,MES units=1/1');
    expect(r.reserveEntry(entry('MGC'))).toMatchObject({ symbol: 'MGC', qty: 1 });
    // the MNQ entry is rejected: its room goes back to the bucket
    r.release((first as { id: string }).id);
    expect(r.reserveEntry(entry('MES'))).toMatchObject({ symbol: 'MES', qty: 1 });
  });

  it('a stop-risk budget counts the filled positions of the bucket and sizes an entry down to what is left', () => {
    // 40-tick stops + 1 tick slippage: MNQ 41 × 0.50 + 0.74 = 21.24 USD, MES 41 × 1.25 + 0.74 = 52.99 USD per contract
    const r = manager({ symbols: ['MNQ', 'MES'], maxStopRiskUsd: 100, maxUnits: null });
    const mnq = r.reserveEntry(entry('MNQ', 2));
    expect(mnq).toMatchObject({ qty: 2, riskUsd: 42.48 });
    r.commit((mnq as { id: string }).id);
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 2, price: 20_000, commissionUsd: 0.74 });
    // 100 − 42.48 = 57.52 left: one MES (52.99) fits, two do not
    expect(r.reserveEntry(entry('MES', 3))).toMatchObject({ symbol: 'MES', qty: 1, cappedBy: 'CORRELATION_BUCKET' });
    // the account's own room (daily 1000 USD) would have taken all three
    expect(manager(null).reserveEntry(entry('MES', 3))).toMatchObject({ qty: 3, cappedBy: null });
    expect(r.reserveEntry(entry('MGC', 3))).toMatchObject({ symbol: 'MGC', qty: 3, cappedBy: null });
  });

  it('a budget of exactly one stop takes that stop (at most the budget, not strictly below)', () => {
    const r = manager({ symbols: ['MNQ', 'MES'], maxStopRiskUsd: 21.24, maxUnits: null });
    expect(r.reserveEntry(entry('MNQ', 2))).toMatchObject({ qty: 1, cappedBy: 'CORRELATION_BUCKET' });
    expect(r.reserveEntry(entry('MES'))).toMatchObject({ code: 'CORRELATION_BUCKET' });
  });

  it('config: maps mini equivalents to micro units and refuses an incoherent bucket', () => {
    const on = validateConfig({ risk: { correlation_bucket: { symbols: ['MNQ', 'MES', 'M2K'], max_contracts_mini_equivalent: 0.5 } } }, 'test');
    expect(riskSettingsFromConfig(on).correlationBucket).toEqual({ symbols: ['MNQ', 'MES', 'M2K'], maxStopRiskUsd: null, maxUnits: 5 });
    const problems = (bucket: unknown): string[] => {
      try {
        validateConfig({ risk: { correlation_bucket: bucket } }, 'test');
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ symbols: ['MNQ', 'MES'] })).toEqual([
      'risk.correlation_bucket: set max_stop_risk_usd or max_contracts_mini_equivalent (or both), or set the bucket to null (got neither)',
    ]);
    expect(problems({ symbols: ['MNQ', 'NQX', 'MNQ'], max_stop_risk_usd: 100 })).toEqual([
      'risk.correlation_bucket.symbols.1: not in instruments (got NQX; have MNQ, MES, M2K, MGC)',
      'risk.correlation_bucket.symbols.2: listed twice (got MNQ)',
    ]);
    expect(problems({ symbols: ['MNQ', 'MES'], max_contracts_mini_equivalent: 0.25 })).toEqual([
      'risk.correlation_bucket.max_contracts_mini_equivalent: must be a multiple of 0.1 (one micro) (got 0.25)',
    ]);
    expect(problems({ symbols: ['MNQ'], max_stop_risk_usd: 100 })[0]).toMatch(/^risk\.correlation_bucket\.symbols: /);
    expect(loadConfig({ cwd: '/nonexistent-dir-for-defaults', env: {} }).config.risk.correlation_bucket).toBeNull();
  });
});
