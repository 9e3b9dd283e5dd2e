// Prints EM training progress: one line per restart's first iteration and every 10th iteration after.

import type { EmIteration } from '../regime/index.ts';
import { note } from './output.ts';

/** An onIteration callback that writes compact progress lines to stderr. */
export function emProgressPrinter(label = 'train'): (it: EmIteration) => void {
  return (it) => {
    if (it.iteration === 1 || it.iteration % 10 === 0) {
      note(
        `${label}: restart ${it.restart + 1} iteration ${it.iteration} log-likelihood ${it.logProb.toFixed(2)}${Number.isNaN(it.gain) ? '' : ` (gain ${it.gain.toExponential(2)})`}`,
      );
    }
  };
}
