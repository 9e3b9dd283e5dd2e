// Prints a trained model's per-state table (label, mean return, volatility, occupancy, duration) and transitions.

import type { TrainResult } from '../regime/index.ts';
import { out, table } from './output.ts';

/** Writes the state table and the transition matrix of a training result to stdout. */
export function printStateTable(t: TrainResult): void {
  const rows = t.summary.map((s) => [
    s.label,
    `${(s.meanReturn * 1e4).toFixed(2)} bp`,
    `${(s.volatility * 1e4).toFixed(2)} bp`,
    `${(s.occupancy * 100).toFixed(1)}%`,
    s.meanDurationBars.toFixed(1),
  ]);
  out(table(['state', 'mean return/bar', 'volatility/bar', 'occupancy', 'mean duration (bars)'], rows));
  const p = t.model.params;
  const k = p.nStates;
  const labels = t.model.labels;
  const trans = labels.map((from, i) => [from, ...Array.from({ length: k }, (_, j) => p.transMat[i * k + j]!.toFixed(3))]);
  out('\ntransition matrix (row = from, column = to):');
  out(table(['from \\ to', ...labels], trans));
}
