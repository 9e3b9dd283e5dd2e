// Personal daily loss limit and daily profit target checks on the trading day's P&L.

import type { RiskSettings } from './types.ts';

/** Day P&L (realized + unrealized, net of commissions) at or below −limit breaches; null limit never does. */
export function breachesDailyLoss(dayPnlUsd: number, s: Pick<RiskSettings, 'dailyLossLimitUsd'>): boolean {
  return s.dailyLossLimitUsd !== null && dayPnlUsd <= -s.dailyLossLimitUsd;
}

/** Realized day P&L at or above the target stops trading for the day; null target never does. */
export function reachedProfitTarget(realizedTodayUsd: number, s: Pick<RiskSettings, 'dailyProfitTargetUsd'>): boolean {
  return s.dailyProfitTargetUsd !== null && realizedTodayUsd >= s.dailyProfitTargetUsd;
}

/** Money that may still be lost today before the daily limit: limit + dayPnl (Infinity without a limit). */
export function dailyLossRoomUsd(dayPnlUsd: number, s: Pick<RiskSettings, 'dailyLossLimitUsd'>): number {
  return s.dailyLossLimitUsd === null ? Number.POSITIVE_INFINITY : s.dailyLossLimitUsd + dayPnlUsd;
}
