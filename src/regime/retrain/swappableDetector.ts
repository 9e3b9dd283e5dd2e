// A RegimeSource whose model can be replaced while bars keep flowing: a swap requested at any time takes
// effect before the next bar, and the new detector is warmed up on the recent bars first.

import type { Bar, RegimeInfo } from '../../domain/index.ts';
import { RegimeDetector, type RegimeDetectorOptions } from '../detector.ts';
import type { RegimeModel } from '../modelStore.ts';

export interface SwappableDetectorOptions extends RegimeDetectorOptions {
  /**
   * Recent bars kept for the warm-up of a new model (default 1000: more than a full Globex day of
   * 5-minute bars plus the longest feature window, so features, session VWAP and the day's filter
   * state are rebuilt exactly as if the new model had run all along over those bars).
   */
  readonly historyBars?: number;
}

/**
 * RegimeDetector behind a swap point. `requestSwap(model)` (e.g. when a retrain finishes on another
 * thread) only stores the model; the next `predictRegime(bar)` first builds a detector for it, replays
 * the kept recent bars through it (features warm, filter at the current day's state), then scores `bar`
 * with it. So a swap always happens between bars and never mid-bar.
 */
export class SwappableRegimeDetector {
  private detector: RegimeDetector;
  private pending: RegimeModel | null = null;
  private readonly options: SwappableDetectorOptions;
  private readonly history: Bar[];
  private historyCount = 0;
  private swapCount = 0;

  constructor(model: RegimeModel, options: SwappableDetectorOptions = {}) {
    this.options = options;
    this.detector = new RegimeDetector(model, options);
    this.history = new Array<Bar>(Math.max(1, options.historyBars ?? 1000));
  }

  /** The model scoring bars now (a requested swap shows here once the next bar arrives). */
  get model(): RegimeModel {
    return this.detector.model;
  }

  /** The detector in use (per-bar log-likelihood window for monitoring). */
  get current(): RegimeDetector {
    return this.detector;
  }

  /** Swaps applied so far. */
  get swaps(): number {
    return this.swapCount;
  }

  /** Whether a swap waits for the next bar. */
  get swapPending(): boolean {
    return this.pending !== null;
  }

  /** Replaces the model before the next bar (a later request before that bar wins). */
  requestSwap(model: RegimeModel): void {
    this.pending = model;
  }

  predictRegime(bar: Bar): RegimeInfo | null {
    if (this.pending) this.applySwap();
    const n = this.history.length;
    this.history[this.historyCount % n] = bar;
    this.historyCount++;
    return this.detector.predictRegime(bar);
  }

  private applySwap(): void {
    const next = new RegimeDetector(this.pending!, this.options);
    this.pending = null;
    const n = this.history.length;
    const kept = Math.min(this.historyCount, n);
    for (let i = this.historyCount - kept; i < this.historyCount; i++) next.predictRegime(this.history[i % n]!);
    this.detector = next;
    this.swapCount++;
  }
}
