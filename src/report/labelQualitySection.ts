// The label-quality section of every run report: per regime label as the engine acted on it, what followed (see regime/labelQuality.ts).

import type { BarSeries, RegimeLabel } from '../domain/index.ts';
import { labelQuality, type LabelQuality } from '../regime/index.ts';
import { esc } from './reportHtml.ts';

/** Label quality of a run from its per-bar regime index (-1 = none) into `labels`; next-bar horizon. */
export function labelQualityOfRun(series: BarSeries, regimeIndex: Int8Array, labels: readonly RegimeLabel[]): LabelQuality {
  return labelQuality(series, (i) => (regimeIndex[i]! >= 0 ? labels[regimeIndex[i]!]! : null), labels, 1);
}

const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));

/** The report section's HTML. */
export function labelQualityHtml(q: LabelQuality): string {
  const rows = q.rows
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td><td>${r.bars}</td><td>${f(r.meanNextReturnBp, 3)}</td><td>${f(r.tStat)}</td><td>${r.samples}</td><td>${f(r.volatilityBp)}</td><td>${f(r.meanRunBars, 1)}</td><td>${f(r.entriesPerDay)}</td></tr>`,
    )
    .join('');
  return (
    `<table><tr><th>state</th><th>bars</th><th>next ${q.horizonBars}-bar mean (bp)</th><th>t-stat</th><th>samples</th><th>vol/bar (bp)</th><th>mean run (bars)</th><th>entries/day</th></tr>${rows}</table>` +
    `<p>Label changes per trading day: ${q.flipsPerDay.toFixed(2)} over ${q.tradingDays} days. Labels as the engine acted on them on this run's bars; |t| below 2 means the label's direction is not distinguishable from noise.</p>`
  );
}
