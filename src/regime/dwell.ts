// Regime hysteresis (config hmm.min_dwell_bars): a new regime must be the detector's answer for K consecutive bars before the engine acts on it.

import type { Bar, RegimeInfo, RegimeLabel, RegimeSource } from '../domain/index.ts';

/**
 * Wraps a regime source. The regime the engine sees (the "effective" one) changes only after the inner
 * source has answered the same new label for `minBars` consecutive scored bars; until then the bar is
 * reported with the effective label, its state index under the current model and that state's filtered
 * probability as confidence (probabilities and log-likelihood unchanged). Bars without an answer
 * (warm-up) do not count. minBars 1 passes every answer through. Causal: only past answers are used.
 */
export class DwellRegimeSource implements RegimeSource {
  private effective: RegimeLabel | null = null;
  private candidate: RegimeLabel | null = null;
  private count = 0;

  constructor(
    private readonly inner: RegimeSource,
    private readonly minBars: number,
    /** Labels of the model scoring bars now (a retraining source may swap models). */
    private readonly labels: () => readonly RegimeLabel[],
  ) {
    if (!Number.isInteger(minBars) || minBars < 1) throw new RangeError(`min dwell must be an integer >= 1 bar (got ${minBars})`);
  }

  predictRegime(bar: Bar): RegimeInfo | null {
    const info = this.inner.predictRegime(bar);
    if (!info) return null;
    if (this.effective === null || info.regime === this.effective || this.minBars === 1) return this.adopt(info);
    if (info.regime === this.candidate) this.count++;
    else {
      this.candidate = info.regime;
      this.count = 1;
    }
    if (this.count >= this.minBars) return this.adopt(info);
    const state = this.labels().indexOf(this.effective);
    // the effective label is not in the current model (after a swap to other labels): follow the detector
    if (state < 0) return this.adopt(info);
    return { ...info, regime: this.effective, state, confidence: info.probs[state] ?? 0 };
  }

  private adopt(info: RegimeInfo): RegimeInfo {
    this.effective = info.regime;
    this.candidate = null;
    this.count = 0;
    return info;
  }
}

/** `source` behind a DwellRegimeSource when `minBars` > 1, else `source` itself (outputs unchanged). */
export function withMinDwell<S extends RegimeSource>(source: S, minBars: number, labels: () => readonly RegimeLabel[]): RegimeSource {
  return minBars > 1 ? new DwellRegimeSource(source, minBars, labels) : source;
}
