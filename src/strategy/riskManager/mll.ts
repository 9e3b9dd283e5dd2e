// Topstep Maximum Loss Limit: the floor trailing the highest end-of-day balance, locking at the starting balance.

/**
 * MLL floor = min(S, S − D + max(0, H − S)), with S the starting balance, D the MLL allowance and
 * H the highest end-of-day balance so far (projectx_topstep.md §4.1, GlitchTrader TOPSTEP-POLICY.md).
 * Example 50K/2K: H = 50 500 → 48 500; H >= 52 000 → 50 000 (locked).
 */
export function mllFloor(startingBalanceUsd: number, allowanceUsd: number, highestEodBalanceUsd: number): number {
  const S = startingBalanceUsd;
  return Math.min(S, S - allowanceUsd + Math.max(0, highestEodBalanceUsd - S));
}

/** Whether equity (realized + unrealized) breaches the floor; touching it counts as a breach. */
export function breachesMll(equityUsd: number, floorUsd: number): boolean {
  return equityUsd <= floorUsd;
}
