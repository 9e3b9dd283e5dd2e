// The label-quality table of a model on bars (train) and its options; the walk-forward one is built from the windows' test bars.

import type { Config } from '../config/index.ts';
import { barAt, lowerBoundTs, regimeLabelsFor, type BarSeries, type RegimeLabel } from '../domain/index.ts';
import { selectTradingDates } from '../data/index.ts';
import type { WindowResult } from '../backtest/index.ts';
import { RegimeDetector, type RegimeModel } from '../regime/index.ts';
import { withMinDwell, labelQuality, type LabelQuality } from '../regime/index.ts';

export const LABEL_HORIZON_OPTION = ['--label-horizon <bars>', 'label-quality table: return horizon N of "next N-bar return" (default 1)'] as const;
export const QUALITY_DAYS_OPTION = ['--quality-days <n>', 'label-quality table: trading days after --to to measure it on (default 120)'] as const;

/** Label quality of `model` on the bars of `series` after `countFromMs` (earlier bars only warm up the detector). */
export function labelQualityOf(series: BarSeries, model: RegimeModel, config: Config, countFromMs: number, horizon: number): LabelQuality {
  const det = withMinDwell(new RegimeDetector(model), config.hmm.min_dwell_bars, () => model.labels);
  const labels = new Array<RegimeLabel | null>(series.length).fill(null);
  for (let i = 0; i < series.length; i++) {
    const info = det.predictRegime(barAt(series, i));
    if (info && series.tsMs[i]! > countFromMs) labels[i] = info.regime;
  }
  return labelQuality(series, (i) => labels[i]!, model.labels, horizon);
}

/** Label quality over every walk-forward window's test bars, each labelled by its own window's model (as the engine acted). */
export function walkForwardLabelQuality(
  series: BarSeries,
  results: readonly Pick<WindowResult, 'window' | 'regimeIndex' | 'modelLabels'>[],
  config: Config,
  horizon: number,
): LabelQuality {
  const labels = new Array<RegimeLabel | null>(series.length).fill(null);
  for (const r of results) {
    const test = selectTradingDates(series, r.window.testFrom, r.window.testTo);
    if (!test.length) continue;
    const start = lowerBoundTs(series, test.tsMs[0]!);
    for (let i = 0; i < r.regimeIndex.length; i++) {
      const k = r.regimeIndex[i]!;
      if (k >= 0) labels[start + i] = r.modelLabels[k] as RegimeLabel;
    }
  }
  const order = (results[0]?.modelLabels as RegimeLabel[] | undefined) ?? regimeLabelsFor(config.hmm.n_states);
  return labelQuality(series, (i) => labels[i]!, order, horizon);
}
