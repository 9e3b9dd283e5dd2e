// Adapter from the journal's metadata (last training time) to the RetrainController's TrainingClock,
// so the schedule survives restarts.

import { lastTrainingTimeMs, setLastTrainingTimeMs, type Journal } from '../state/index.ts';
import type { TrainingClock } from '../regime/index.ts';

/** The journal's `last_training_time_ms` meta (`…:SYM` per instrument of a several-instrument session) as a TrainingClock. */
export function journalTrainingClock(journal: Journal, symbol?: string): TrainingClock {
  return {
    load: () => lastTrainingTimeMs(journal, symbol),
    save: (trainedMs, tsMs) => setLastTrainingTimeMs(journal, trainedMs, tsMs, symbol),
  };
}
