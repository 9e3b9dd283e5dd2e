// RegimeDetector: the live/backtest face of a trained model. Per bar: causal features, standardization,
// one streaming-filter step; reports the most probable regime using only past and current bars.

import type { Bar, RegimeInfo } from '../domain/index.ts';
import { FeatureStatus, FeatureStream, standardizeRow } from './features/index.ts';
import type { RegimeModel } from './modelStore.ts';
import { StreamingFilter } from './streamingFilter.ts';

export interface RegimeDetectorOptions {
  /** Length of the rolling window of per-bar log-likelihoods kept for a drift monitor (default 500). */
  readonly logLikelihoodWindowBars?: number;
}

/**
 * Regime detector over a RegimeModel. `predictRegime(bar)` returns null during feature warm-up, for
 * bars the features ignore (non-RTH when session.rth_only) and for bars outside the HMM's domain
 * (non-RTH when hmm.train_rth_only). The filter restarts from the start probabilities at the first
 * scored bar of each trading day, exactly as training sequences were cut; features run on.
 * @example
 * const det = new RegimeDetector(regimeModelFromJson(readFileSync(path, 'utf8'), path));
 * for (const bar of bars) { const info = det.predictRegime(bar); if (info) use(info.regime, info.confidence); }
 */
export class RegimeDetector {
  readonly model: RegimeModel;
  private readonly features: FeatureStream;
  private readonly filter: StreamingFilter;
  private readonly x: Float64Array;
  private readonly llWindow: Float64Array;
  private llCount = 0;
  private filterDay = Number.NaN;

  constructor(model: RegimeModel, options: RegimeDetectorOptions = {}) {
    this.model = model;
    this.features = new FeatureStream(model.features);
    this.filter = new StreamingFilter(model.params);
    this.x = new Float64Array(model.params.nFeatures);
    this.llWindow = new Float64Array(Math.max(1, options.logLikelihoodWindowBars ?? 500));
  }

  /** Forgets all bars (features, filter, log-likelihood window): use before an unrelated stream. */
  reset(): void {
    this.features.reset();
    this.filter.reset();
    this.filterDay = Number.NaN;
    this.llCount = 0;
  }

  /** Filtered regime after `bar` (bars must come in ascending time), or null (see class doc). */
  predictRegime(bar: Bar): RegimeInfo | null {
    const st = this.features.push(bar, this.x, 0);
    if (st !== FeatureStatus.READY) return null;
    if (this.model.features.trainRthOnly && !this.features.lastIsRth) return null;
    standardizeRow(this.model.standardization, this.x, 0);
    if (this.features.lastTradingDay !== this.filterDay) {
      this.filter.reset();
      this.filterDay = this.features.lastTradingDay;
    }
    const probs = this.filter.step(this.x, 0);
    let s = 0;
    for (let j = 1; j < probs.length; j++) if (probs[j] > probs[s]) s = j;
    const ll = this.filter.logLikelihood;
    this.llWindow[this.llCount % this.llWindow.length] = ll;
    this.llCount++;
    // PLUG: retrain_trigger — a DriftMonitor reads recentLogLikelihoods() after each scored window.
    return { regime: this.model.labels[s], state: s, confidence: probs[s], probs: plainCopy(probs), logLikelihood: ll };
  }

  /** Per-bar log-likelihoods of the last scored bars (up to the window length), oldest first. */
  recentLogLikelihoods(): Float64Array {
    const n = Math.min(this.llCount, this.llWindow.length);
    const out = new Float64Array(n);
    const start = this.llCount - n;
    for (let i = 0; i < n; i++) out[i] = this.llWindow[(start + i) % this.llWindow.length];
    return out;
  }

  /** Number of bars scored since construction or reset. */
  get scoredBars(): number {
    return this.llCount;
  }
}

/** A plain-array copy of a typed array (what Array.from gives, without the iterator protocol: per-bar path). */
function plainCopy(xs: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) out.push(xs[i]!);
  return out;
}
