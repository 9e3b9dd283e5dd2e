// Typed helpers over the journal's metadata store for values the engine reads at start-up.

import type { Journal } from './journal.ts';
import { META_KEYS } from './types.ts';

/** The meta key of the last training time: one per instrument in a several-instrument session. */
const trainingKey = (symbol?: string): string => (symbol ? `${META_KEYS.LAST_TRAINING_TIME_MS}:${symbol}` : META_KEYS.LAST_TRAINING_TIME_MS);

/** When the HMM (of `symbol`, in a several-instrument session) was last trained (UTC epoch ms), or null when never recorded. */
export async function lastTrainingTimeMs(journal: Journal, symbol?: string): Promise<number | null> {
  const v = await journal.getMeta(trainingKey(symbol));
  if (v === null) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** Records the last HMM training time (UTC epoch ms; of `symbol` in a several-instrument session) at journal time `tsMs`. */
export async function setLastTrainingTimeMs(journal: Journal, trainedTsMs: number, tsMs: number, symbol?: string): Promise<void> {
  await journal.setMeta(trainingKey(symbol), String(trainedTsMs), tsMs);
}
