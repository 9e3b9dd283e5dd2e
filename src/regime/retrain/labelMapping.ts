// Relabelling after a retrain: states re-sorted by mean return (the labelling rule), and how the old
// model's labels map to the new model's on the validation bars (which new regime the old one became).

import type { Config } from '../../config/index.ts';
import type { RegimeLabel } from '../../domain/index.ts';
import { labelsInOrder, permuteStates, statesInLabelOrder } from '../labels.ts';
import type { RegimeModel } from '../modelStore.ts';

/**
 * `model` with states ordered by config `hmm.label_by` (default the mean of log_return, highest first) and
 * labels re-derived from config `state_labels` (idempotent on a trainer's output).
 */
export function relabelByMeanReturn(model: RegimeModel, config?: Config): RegimeModel {
  const ri = model.features.names.indexOf('log_return');
  const order = statesInLabelOrder(model.params, ri, config?.hmm.label_by ?? 'mean_return', model.standardization);
  return { ...model, params: permuteStates(model.params, order), labels: [...labelsInOrder(model.params.nStates, config?.state_labels)] };
}

/** Where the bars of one old label went under the new model. */
export interface LabelMapping {
  readonly oldLabel: RegimeLabel;
  /** Most frequent new label on the bars the old model put in `oldLabel`, or null when it had none. */
  readonly newLabel: RegimeLabel | null;
  /** Share of those bars given `newLabel`, 0..1. */
  readonly share: number;
  /** Validation bars the old model put in `oldLabel`. */
  readonly bars: number;
}

/**
 * Label map old → new from the filtered states of both models on the same bars (co-occurrence counts
 * C[i][j] = bars with old state i and new state j; new label of i = argmax_j C[i][j]).
 */
export function mapLabels(
  oldLabels: readonly RegimeLabel[],
  oldStates: Int32Array,
  newLabels: readonly RegimeLabel[],
  newStates: Int32Array,
): LabelMapping[] {
  const ko = oldLabels.length;
  const kn = newLabels.length;
  const c = new Float64Array(ko * kn);
  const n = Math.min(oldStates.length, newStates.length);
  for (let t = 0; t < n; t++) c[oldStates[t]! * kn + newStates[t]!]!++;
  return oldLabels.map((oldLabel, i) => {
    let bars = 0;
    let best = -1;
    for (let j = 0; j < kn; j++) {
      bars += c[i * kn + j]!;
      if (best < 0 || c[i * kn + j]! > c[i * kn + best]!) best = j;
    }
    return { oldLabel, newLabel: bars > 0 ? newLabels[best]! : null, share: bars > 0 ? c[i * kn + best]! / bars : 0, bars };
  });
}
