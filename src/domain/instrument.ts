// Instrument specification: tick size/value, commissions, and price/tick helpers.

/** Contract specification used for P&L, rounding and costs. */
export interface Instrument {
  /** Root symbol, e.g. MNQ. */
  readonly symbol: string;
  readonly tickSize: number;
  /** Money value of one tick for one contract (USD). */
  readonly tickValueUsd: number;
  /** Commission + fees per contract per side (USD). */
  readonly commissionPerSideUsd: number;
  /** True for micro contracts (counted 10:1 against minis on TopstepX). */
  readonly isMicro: boolean;
}

/** Money value of one full point per contract. */
export function pointValueUsd(inst: Instrument): number {
  return inst.tickValueUsd / inst.tickSize;
}

/** Rounds a price to the nearest tick (avoids float dust such as 23927.62). */
export function roundToTick(price: number, tickSize: number): number {
  return Math.round(price / tickSize) * tickSize;
}

/** Rounds a price down/up to the tick grid. */
export function floorToTick(price: number, tickSize: number): number {
  return Math.floor(price / tickSize + 1e-9) * tickSize;
}
export function ceilToTick(price: number, tickSize: number): number {
  return Math.ceil(price / tickSize - 1e-9) * tickSize;
}
