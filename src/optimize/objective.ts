// Objectives that rank trials: net P&L, Sharpe, Combine pass probability, or a weighted score with penalties.

import type { z } from 'zod';
import type { TrialMetrics } from './types.ts';

export { objectiveSchema } from '../config/index.ts';
import type { objectiveSchema } from '../config/index.ts';

export type ObjectiveConfig = z.output<typeof objectiveSchema>;

/**
 * Scores a trial; null when the trial is infeasible (fewer than min_trades trades) or the chosen metric is
 * undefined (no Sharpe without variance, no pass probability without a Combine simulation).
 * weighted = w_pnl·netPnl + w_sr·sharpe + w_pass·passProbability − λ_dd·maxDrawdown − λ_room·max(0, min_room − minRoom);
 * a weighted term with weight 0 never makes the score null.
 */
export function scoreTrial(metrics: TrialMetrics, objective: ObjectiveConfig): number | null {
  if (metrics.trades < objective.min_trades) return null;
  switch (objective.kind) {
    case 'net_pnl':
      return metrics.netPnl;
    case 'sharpe':
      return metrics.sharpe;
    case 'combine_pass_probability':
      return metrics.combinePassProbability;
    case 'weighted': {
      const term = (weight: number, value: number | null): number | null => (weight === 0 ? 0 : value === null ? null : weight * value);
      const parts = [
        term(objective.net_pnl, metrics.netPnl),
        term(objective.sharpe, metrics.sharpe),
        term(objective.combine_pass_probability, metrics.combinePassProbability),
        term(-objective.drawdown_penalty, metrics.maxDrawdown),
        term(-objective.room_penalty, metrics.minRoomToFloorUsd === null ? null : Math.max(0, objective.min_room_usd - metrics.minRoomToFloorUsd)),
      ];
      if (parts.some((p) => p === null)) return null;
      return (parts as number[]).reduce((a, b) => a + b, 0);
    }
  }
}
