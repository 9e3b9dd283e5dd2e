// Objectives: each kind reads its metric, the weighted score applies its penalties, infeasible trials score null.

import { describe, expect, it } from 'vitest';
import { objectiveSchema, scoreTrial } from '../../src/optimize/objective.ts';
import type { TrialMetrics } from '../../src/optimize/types.ts';

const metrics: TrialMetrics = {
  netPnl: 1200,
  sharpe: 1.5,
  maxDrawdown: 800,
  minRoomToFloorUsd: 300,
  combinePassProbability: 0.4,
  trades: 25,
  dailyReturns: [0.001, -0.002],
};

describe('scoreTrial', () => {
  it('defaults to net P&L', () => {
    expect(scoreTrial(metrics, objectiveSchema.parse(undefined))).toBe(1200);
  });

  it('reads Sharpe and Combine pass probability, null when undefined', () => {
    expect(scoreTrial(metrics, objectiveSchema.parse({ kind: 'sharpe' }))).toBe(1.5);
    expect(scoreTrial(metrics, objectiveSchema.parse({ kind: 'combine_pass_probability' }))).toBe(0.4);
    expect(scoreTrial({ ...metrics, sharpe: null }, objectiveSchema.parse({ kind: 'sharpe' }))).toBeNull();
  });

  it('weighted: w·metrics − drawdown penalty − shortfall of room below min_room_usd', () => {
    const o = objectiveSchema.parse({ kind: 'weighted', net_pnl: 1, sharpe: 100, drawdown_penalty: 0.5, min_room_usd: 500, room_penalty: 2 });
    // 1200 + 150 − 0.5·800 − 2·(500 − 300) = 550
    expect(scoreTrial(metrics, o)).toBe(550);
    // room above the minimum costs nothing
    expect(scoreTrial({ ...metrics, minRoomToFloorUsd: 900 }, o)).toBe(950);
    // a zero-weight term never makes the score null; a used term that is undefined does
    expect(scoreTrial({ ...metrics, combinePassProbability: null }, o)).toBe(550);
    expect(scoreTrial({ ...metrics, minRoomToFloorUsd: null }, o)).toBeNull();
  });

  it('scores trials with fewer than min_trades trades as null (infeasible)', () => {
    expect(scoreTrial({ ...metrics, trades: 3 }, objectiveSchema.parse({ kind: 'net_pnl', min_trades: 10 }))).toBeNull();
  });

  it('refuses unknown kinds and keys', () => {
    expect(objectiveSchema.safeParse({ kind: 'sortino' }).success).toBe(false);
    expect(objectiveSchema.safeParse({ kind: 'sharpe', weight: 2 }).success).toBe(false);
  });
});
