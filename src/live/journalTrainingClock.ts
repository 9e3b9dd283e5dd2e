// Adapter from the journal's metadata (last training time) to the RetrainController's TrainingClock,
// so the schedule survives restarts.

import { lastTrainingTimeMs, setLastTrainingTimeMs, type Journal } from '../state/index.ts';
import type { TrainingClock } from '../regime/index.ts';

/** The journal's `last_training_time_ms` meta as a TrainingClock. */
export function journalTrainingClock(journal: Journal): TrainingClock {
  return {
    load: () => lastTrainingTimeMs(journal),
    save: (trainedMs, tsMs) => setLastTrainingTimeMs(journal, trainedMs, tsMs),
  };
}
