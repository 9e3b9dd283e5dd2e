// Public surface of the risk manager: Topstep rules (MLL, daily limits, contracts, trades, cooldown, flat time), sizing.
export * from './types.ts';
export { mllFloor, breachesMll } from './mll.ts';
export { breachesDailyLoss, reachedProfitTarget, dailyLossRoomUsd } from './dailyLimits.ts';
export { contractUnits, maxContractUnits, contractsAvailable } from './exposure.ts';
export { isAfterFlatTime } from './flatTime.ts';
export {
  computeFinalSize,
  confidenceMultiplier,
  stopLossUsdPerContract,
  maxContractsForRisk,
  type SizingInput,
  type SizingCaps,
  type SizingResult,
} from './sizing.ts';
export { AccountBook, type PositionState, type FillEffect } from './account.ts';
export { RiskManager, type RiskInitialState, type RiskSnapshot } from './riskManager.ts';
