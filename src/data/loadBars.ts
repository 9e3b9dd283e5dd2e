// The data layer's main entry: read a bar file, validate it, resample it to the engine's bar size.

import { DataError, type BarSeries } from '../domain/index.ts';
import { readBarsCsv, summarizeProblems, type DataPolicy, type DataProblem } from './csvBars.ts';
import { detectBarMinutes, resampleBars } from './resample.ts';
import { selectTradingDates } from './tradingDates.ts';
import { finerSpacedBars, finerSpacingWarning } from './barSpacing.ts';
import { backAdjustBars, type BackAdjustment, type RollTable } from './backAdjust.ts';

export interface LoadBarsOptions {
  /** Zone of naive timestamps (default America/New_York). */
  timezone?: string;
  policy?: DataPolicy;
  /** Resample to this bar size in minutes when the file is finer (default: keep as is). */
  barMinutes?: number;
  /** Keep bars of trading dates from/to (YYYY-MM-DD, inclusive). */
  from?: string;
  to?: string;
  /** Back-adjust the (selected) bars with this roll table (unadjusted front-month files); see backAdjustBars. */
  rolls?: RollTable | null;
}

export interface LoadBarsResult {
  series: BarSeries;
  file: string;
  /** Bar size detected in the file, minutes. */
  sourceBarMinutes: number | null;
  rowsRead: number;
  dropped: number;
  problems: DataProblem[];
  /** One-line summary of dropped rows (repair policy), or null. */
  repairSummary: string | null;
  /** Things the caller should show the user (mixed bar sizes, ...); the data was loaded anyway. */
  warnings: string[];
  /** What the roll table did, when one was given. */
  backAdjustment: BackAdjustment | null;
}

/** Loads, validates, optionally resamples and date-filters a bar file. */
export async function loadBars(file: string, options: LoadBarsOptions = {}): Promise<LoadBarsResult> {
  const r = await readBarsCsv(file, { timezone: options.timezone, policy: options.policy });
  const sourceBarMinutes = detectBarMinutes(r.series);
  let series = r.series;
  const warnings: string[] = [];
  if (options.barMinutes !== undefined && sourceBarMinutes !== null && sourceBarMinutes !== options.barMinutes) {
    if (sourceBarMinutes > options.barMinutes || options.barMinutes % sourceBarMinutes !== 0) {
      throw new DataError(
        'DATA_BAR_SIZE',
        `${file}: has ${sourceBarMinutes}-minute bars, which cannot be resampled to ${options.barMinutes}-minute bars`,
        [],
        { hint: `use a file with bars of ${options.barMinutes} minutes or a divisor of it` },
      );
    }
    series = resampleBars(series, options.barMinutes);
  } else if (options.barMinutes !== undefined && sourceBarMinutes === options.barMinutes) {
    const finer = finerSpacedBars(series, sourceBarMinutes);
    if (finer) {
      warnings.push(finerSpacingWarning(file, sourceBarMinutes, finer));
      series = resampleBars(series, options.barMinutes);
    }
  }
  series = selectTradingDates(series, options.from, options.to);
  if (series.length === 0) {
    throw new DataError(
      'DATA_EMPTY',
      `${file}: no bars${options.from || options.to ? ` between ${options.from ?? 'start'} and ${options.to ?? 'end'}` : ''}`,
    );
  }
  let backAdjustment: BackAdjustment | null = null;
  if (options.rolls) ({ series, adjustment: backAdjustment } = backAdjustBars(series, options.rolls));
  const zero = zeroVolumeWarning(file, series);
  if (zero) warnings.push(zero);
  return {
    series,
    file,
    sourceBarMinutes,
    rowsRead: r.rowsRead,
    dropped: r.dropped,
    problems: r.problems,
    repairSummary: summarizeProblems(r),
    warnings,
    backAdjustment,
  };
}

/**
 * A warning when at least half the bars have no volume: the session VWAP and its σ bands are volume
 * weighted, so zero-volume sessions have a flat VWAP with σ 0 and no VWAP entry rule can fire (every
 * decision says VWAP_NOT_READY; a backtest then has 0 trades); the volume_ratio feature is undefined too.
 */
export function zeroVolumeWarning(file: string, series: BarSeries): string | null {
  let zero = 0;
  for (let i = 0; i < series.length; i++) if (!(series.volume[i]! > 0)) zero++;
  if (series.length === 0 || zero * 2 < series.length) return null;
  return `${file}: ${zero} of ${series.length} bars have zero or no volume: the session VWAP and its bands are volume-weighted, so they stay flat (σ 0) and no VWAP entry can fire (decisions say VWAP_NOT_READY, a backtest makes 0 trades); use bars with volume`;
}
