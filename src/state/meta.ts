// Typed helpers over the journal's metadata store for values the engine reads at start-up.

import type { Journal } from './journal.ts';
import { META_KEYS } from './types.ts';

/** When the HMM was last trained (UTC epoch ms), or null when never recorded. */
export async function lastTrainingTimeMs(journal: Journal): Promise<number | null> {
  const v = await journal.getMeta(META_KEYS.LAST_TRAINING_TIME_MS);
  if (v === null) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** Records the last HMM training time (UTC epoch ms) at journal time `tsMs`. */
export async function setLastTrainingTimeMs(journal: Journal, trainedTsMs: number, tsMs: number): Promise<void> {
  await journal.setMeta(META_KEYS.LAST_TRAINING_TIME_MS, String(trainedTsMs), tsMs);
}
