// Contract-count rules: TopstepX counts a mini as 10 micro units; the cap is max_contracts_minis × 10 units.

import type { Instrument } from '../../domain/index.ts';

/** Units per contract: 1 for a micro, 10 for a mini (so the cap in units is minis × 10). */
export function contractUnits(inst: Pick<Instrument, 'isMicro'>): number {
  return inst.isMicro ? 1 : 10;
}

/** Cap in micro units for a mini limit (50K: 5 minis = 50 units). */
export function maxContractUnits(maxContractsMinis: number): number {
  return maxContractsMinis * 10;
}

/** Contracts of `inst` that still fit: floor((cap − used) / units), never negative. */
export function contractsAvailable(inst: Pick<Instrument, 'isMicro'>, usedUnits: number, maxContractsMinis: number): number {
  return Math.max(0, Math.floor((maxContractUnits(maxContractsMinis) - usedUnits) / contractUnits(inst)));
}
