// In-sample check: does a model's training period (recorded in its JSON) overlap the bars it is scored or tested on?

import { formatIsoInZone } from '../domain/index.ts';
import type { RegimeModel } from './modelStore.ts';

const day = (ms: number) => formatIsoInZone('America/New_York', ms).slice(0, 10);

/**
 * Why a run over bars `firstMs`..`lastMs` (bar open times) is in-sample for `model`, or null when it is
 * out of sample. `model` null means the model was trained on the run's own bars.
 */
export function inSampleReason(model: RegimeModel | null, firstMs: number | null, lastMs: number | null): string | null {
  if (model === null) return 'the HMM was trained on these same bars (--train)';
  if (firstMs === null || lastMs === null) return null;
  const t = model.training;
  if (t.fromTsMs > lastMs || t.toTsMs < firstMs) return null;
  return `the model was trained on bars from ${day(t.fromTsMs)} to ${day(t.toTsMs)}, which overlap the tested bars ${day(firstMs)} to ${day(lastMs)}`;
}
