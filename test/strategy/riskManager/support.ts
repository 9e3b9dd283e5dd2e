// Shared fixtures for the risk manager tests: instruments, default settings, ET/CT instants.
import type { Instrument } from '../../../src/domain/instrument.ts';
import { localToUtc, naiveLocalMs } from '../../../src/domain/time.ts';
import { validateConfig } from '../../../src/config/index.ts';
import { riskSettingsFromConfig, type RiskSettings } from '../../../src/strategy/riskManager/index.ts';

export const MNQ: Instrument = { symbol: 'MNQ', tickSize: 0.25, tickValueUsd: 0.5, commissionPerSideUsd: 0.37, isMicro: true };
export const MES: Instrument = { symbol: 'MES', tickSize: 0.25, tickValueUsd: 1.25, commissionPerSideUsd: 0.37, isMicro: true };
export const ES: Instrument = { symbol: 'ES', tickSize: 0.25, tickValueUsd: 12.5, commissionPerSideUsd: 1.4, isMicro: false };
export const INSTRUMENTS = [MNQ, MES, ES];

/** Default settings from the config defaults (50K, MLL 2000, daily 1000, 5 minis, 8 trades, 3 losses → 30 min). */
export const DEFAULTS: RiskSettings = riskSettingsFromConfig(validateConfig({}, 'test'));

export function et(y: number, mo: number, d: number, h: number, mi: number): number {
  return localToUtc('America/New_York', naiveLocalMs(y, mo, d, h, mi))!;
}
export function ct(y: number, mo: number, d: number, h: number, mi: number): number {
  return localToUtc('America/Chicago', naiveLocalMs(y, mo, d, h, mi))!;
}
