// Position sizing: the regime/VIX/confidence/news formula, then caps by contract limit and by the risk budget.

import type { Instrument, RegimeLabel } from '../../domain/index.ts';
import type { RiskSettings } from './types.ts';

/** Inputs of the size formula (field names follow the computeFinalSize arguments). */
export interface SizingInput {
  readonly baseSize: number;
  readonly regime: RegimeLabel;
  readonly vixMultiplier: number;
  /** Max filtered state probability in [0, 1]. */
  readonly regimeConfidence: number;
  readonly newsMultiplier: number;
  /** Optional caps; without them only the formula applies. */
  readonly caps?: SizingCaps;
}

/** Limits applied after the formula. */
export interface SizingCaps {
  /** Contracts still allowed by the contract cap (exposure.ts). */
  readonly contractsAvailable: number;
  /** Money lost per contract if the stop is hit, commissions included (stopLossUsdPerContract). */
  readonly perContractRiskUsd: number;
  /** Money that may still be lost before the daily limit or the MLL floor, whichever is nearer. */
  readonly riskRoomUsd: number;
}

/** Final size and why it is what it is. */
export interface SizingResult {
  readonly size: number;
  /** Size from the formula before caps. */
  readonly formulaSize: number;
  readonly cappedBy: 'MAX_CONTRACTS' | 'RISK_BUDGET' | null;
  /** e.g. "base=2 regime=1 vix=0.5 confidence=1 news=1 → 1". */
  readonly detail: string;
}

/** Confidence multiplier: `multiplier` below `threshold` when enabled, else 1. */
// PLUG: regime_confidence
export function confidenceMultiplier(confidence: number, s: Pick<RiskSettings, 'confidenceSizing'>): number {
  const c = s.confidenceSizing;
  return c.enabled && confidence < c.threshold ? c.multiplier : 1;
}

/**
 * Worst-case stop-loss money per contract: (stopTicks + slippageTicks) × tickValue + 2 × commission per
 * side (entry and exit). The stop is placed at stopTicks from the fill price and fills slippageTicks
 * beyond it (the simulated broker's rule), so that is what a stop-out costs. A gap through the stop
 * can cost more; no sizing rule can bound that.
 * Example MNQ, 40 ticks, 1 tick slippage: 41 × 0.50 + 2 × 0.37 = 21.24 USD.
 */
export function stopLossUsdPerContract(
  stopTicks: number,
  inst: Pick<Instrument, 'tickValueUsd' | 'commissionPerSideUsd'>,
  slippageTicks: number,
): number {
  return (stopTicks + slippageTicks) * inst.tickValueUsd + 2 * inst.commissionPerSideUsd;
}

/**
 * Largest q >= 0 with q × perContractRiskUsd < riskRoomUsd (a stop-out leaves equity strictly above
 * the limit, since touching a limit is a breach).
 */
export function maxContractsForRisk(perContractRiskUsd: number, riskRoomUsd: number): number {
  if (!(riskRoomUsd > 0)) return 0;
  if (!(perContractRiskUsd > 0)) return Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(riskRoomUsd)) return Number.MAX_SAFE_INTEGER;
  let q = Math.floor(riskRoomUsd / perContractRiskUsd);
  while (q > 0 && q * perContractRiskUsd >= riskRoomUsd) q--;
  return q;
}

/**
 * size = max(1, floor(base × regimeMult × vix × confMult × news)), or 0 when the product is 0
 * (e.g. VIX tier 0 or a regime multiplier of 0: no trade, not max(1, 0)); then capped by the
 * contracts available and by the risk budget (0 when even one contract's stop would breach).
 * A regime missing from the multiplier table counts as 0. A tiny epsilon absorbs float dust
 * (2 × 0.75 × 2 = 2.9999999 → 3).
 */
export function computeFinalSize(input: SizingInput, s: Pick<RiskSettings, 'confidenceSizing' | 'regimeSizeMultipliers'>): SizingResult {
  const rm = s.regimeSizeMultipliers[input.regime] ?? 0;
  const cm = confidenceMultiplier(input.regimeConfidence, s);
  const product = input.baseSize * rm * input.vixMultiplier * cm * input.newsMultiplier;
  const formulaSize = product > 0 && Number.isFinite(product) ? Math.max(1, Math.floor(product + 1e-9)) : 0;
  let detail = `base=${input.baseSize} regime=${rm} vix=${input.vixMultiplier} confidence=${cm} news=${input.newsMultiplier} → ${formulaSize}`;
  let size = formulaSize;
  let cappedBy: SizingResult['cappedBy'] = null;
  const caps = input.caps;
  if (caps && size > 0) {
    const byContracts = Math.max(0, Math.floor(caps.contractsAvailable));
    if (byContracts < size) {
      size = byContracts;
      cappedBy = 'MAX_CONTRACTS';
      detail += ` capped to ${size} by contracts available=${byContracts}`;
    }
    const byRisk = maxContractsForRisk(caps.perContractRiskUsd, caps.riskRoomUsd);
    if (byRisk < size) {
      size = byRisk;
      cappedBy = 'RISK_BUDGET';
      detail += ` capped to ${size} by risk room=${caps.riskRoomUsd.toFixed(2)} per_contract=${caps.perContractRiskUsd.toFixed(2)}`;
    }
  }
  return { size, formulaSize, cappedBy, detail };
}
