// Per-bar regime label index for the report's price chart: filled from each bar's decision in bar order.

import type { RegimeLabel } from '../domain/index.ts';
import type { DecisionRecord } from '../engine/index.ts';

/** Label index per bar (-1 = no regime), in the order of `labels`, for `length` bars. */
export class RegimeIndexRecorder {
  readonly index: Int8Array;
  private bar = 0;

  constructor(length: number) {
    this.index = new Int8Array(length).fill(-1);
  }

  /** Records the next bar's decision; `labels` are those of the model that scored it. */
  record(d: DecisionRecord, labels: readonly RegimeLabel[]): void {
    if (d.regime && this.bar < this.index.length) this.index[this.bar] = labels.indexOf(d.regime);
    this.bar++;
  }
}
