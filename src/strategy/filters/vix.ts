// VIX filter: previous-session VIX close lookup (no look-ahead) and the size multiplier from configured tiers.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Daily VIX closes, ascending by date, one row per date ("YYYY-MM-DD"). Built by integrations/vix.ts. */
export interface VixTable {
  readonly dates: readonly string[];
  readonly closes: readonly number[];
}

/** One tier of config `filters.vix.tiers`: applies when VIX < below (null = unbounded). */
export interface VixTier {
  readonly below: number | null;
  readonly multiplier: number;
}

/**
 * The VIX value to use on trading date `tradingDate`: the last close strictly before that date
 * (the previous session's close, known before the open). Null when the table has no earlier row.
 * O(log n) binary search; ISO dates compare correctly as strings.
 */
export function vixForTradingDate(table: VixTable, tradingDate: string): number | null {
  if (!ISO_DATE.test(tradingDate)) throw new RangeError(`vixForTradingDate: date must be "YYYY-MM-DD" (got "${tradingDate}")`);
  let lo = 0;
  let hi = table.dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.dates[mid]! < tradingDate) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : table.closes[lo - 1]!;
}

/**
 * Size multiplier for a VIX level: the multiplier of the first tier (ascending) with VIX < below,
 * e.g. default tiers give 1 below 20, 0.5 in [20, 30), 0.25 in [30, 35), 0 at 35 and above.
 * Null VIX (no data) gives 1: the filter cannot judge, so it does not scale.
 */
export function getVixMultiplier(vix: number | null, tiers: readonly VixTier[]): number {
  if (vix === null || Number.isNaN(vix)) return 1;
  for (const t of tiers) {
    if (t.below === null || vix < t.below) return t.multiplier;
  }
  return 0;
}
