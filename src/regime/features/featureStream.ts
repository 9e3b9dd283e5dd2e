// Causal bar-by-bar feature computation (log return, realized volatility, log range, volume ratio,
// VWAP distance): each vector uses only the current and earlier bars. The batch version loops over it.

import { SessionVwap, type Bar } from '../../domain/index.ts';
import { VWAP_DISTANCE_CLAMP, type FeatureSpec } from './featureSpec.ts';
import { SessionCache } from './sessionCache.ts';
import { rthWindowOfSpec } from './featureSpec.ts';

/** What `push` did with a bar. */
export enum FeatureStatus {
  /** Outside the feature session (non-RTH while rthOnly) or an invalid bar: state unchanged. */
  IGNORED = 0,
  /** Taken into the windows, but they are not full yet: no vector. */
  WARMUP = 1,
  /** A feature vector was written. */
  READY = 2,
}

/**
 * Streaming features. Per bar, with r the log return (log(C_t / C_{t-1}), or log(C_t / O_t) on the
 * first bar of a trading day):
 * - log_return = r
 * - realized_vol = sqrt(mean of r^2 over the last `realizedVolBars` returns, current included)
 * - log_range = log(H_t / L_t)
 * - volume_ratio = log((V_t + 1) / (mean of the previous `volumeRatioBars` volumes + 1)) (log for a
 *   Gaussian-like shape; +1 keeps zero volume finite)
 * - vwap_distance = (C_t - VWAP_t) / σ_t of the session VWAP, clamped to ±5, 0 while σ = 0.
 */
export class FeatureStream {
  readonly spec: FeatureSpec;
  readonly nFeatures: number;
  private readonly kinds: Int8Array;
  private readonly returns: Float64Array;
  private readonly volumes: Float64Array;
  private vwap: SessionVwap;
  private readonly session: SessionCache;
  private nReturns = 0;
  private nVolumes = 0;
  private prevClose = Number.NaN;
  private day = Number.NaN;
  /** Trading day (days since epoch) of the last pushed bar that was not ignored. */
  lastTradingDay = Number.NaN;
  /** Whether the last pushed bar was in regular trading hours. */
  lastIsRth = false;

  constructor(spec: FeatureSpec) {
    this.spec = spec;
    this.nFeatures = spec.names.length;
    const order = ['log_return', 'realized_vol', 'log_range', 'volume_ratio', 'vwap_distance'];
    this.kinds = Int8Array.from(spec.names.map((n) => order.indexOf(n)));
    this.returns = new Float64Array(spec.realizedVolBars);
    this.volumes = new Float64Array(spec.volumeRatioBars);
    this.session = new SessionCache(rthWindowOfSpec(spec));
    this.vwap = this.newVwap();
  }

  private newVwap(): SessionVwap {
    return new SessionVwap({
      anchorTime: this.spec.vwapAnchorTime,
      timeZone: this.spec.vwapTimeZone,
      priceSource: this.spec.vwapPriceSource,
      maxHistoryBars: 1000,
    });
  }

  /** Forgets every bar (a new, unrelated stream). */
  reset(): void {
    this.nReturns = 0;
    this.nVolumes = 0;
    this.prevClose = Number.NaN;
    this.day = Number.NaN;
    this.lastTradingDay = Number.NaN;
    this.lastIsRth = false;
    this.vwap = this.newVwap();
  }

  /** Takes the next bar (ascending time) and writes its vector to `out[off..off+D)` when READY. */
  push(bar: Bar, out: Float64Array, off = 0): FeatureStatus {
    const info = this.session;
    info.lookup(bar.tsMs);
    if (this.spec.rthOnly && !info.isRth) return FeatureStatus.IGNORED;
    if (!(bar.low > 0) || !(bar.high >= bar.low) || !(bar.close > 0) || !(bar.open > 0) || !(bar.volume >= 0)) return FeatureStatus.IGNORED;
    this.lastTradingDay = info.tradingDay;
    this.lastIsRth = info.isRth;
    const newDay = info.tradingDay !== this.day;
    this.day = info.tradingDay;
    const r = newDay || Number.isNaN(this.prevClose) ? Math.log(bar.close / bar.open) : Math.log(bar.close / this.prevClose);
    this.prevClose = bar.close;
    const nR = this.returns.length;
    this.returns[this.nReturns % nR] = r;
    this.nReturns++;
    const nV = this.volumes.length;
    let volumeRatio = Number.NaN;
    if (this.nVolumes >= nV) {
      let s = 0;
      for (let i = 0; i < nV; i++) s += this.volumes[i];
      volumeRatio = Math.log((bar.volume + 1) / (s / nV + 1));
    }
    this.volumes[this.nVolumes % nV] = bar.volume;
    this.nVolumes++;
    const snap = this.vwap.update(bar);
    let ready = true;
    for (let f = 0; f < this.nFeatures; f++) {
      let v: number;
      switch (this.kinds[f]) {
        case 0:
          v = r;
          break;
        case 1:
          if (this.nReturns < nR) {
            ready = false;
            v = Number.NaN;
          } else {
            let s = 0;
            for (let i = 0; i < nR; i++) s += this.returns[i] * this.returns[i];
            v = Math.sqrt(s / nR);
          }
          break;
        case 2:
          v = Math.log(bar.high / bar.low);
          break;
        case 3:
          if (Number.isNaN(volumeRatio)) ready = false;
          v = volumeRatio;
          break;
        default:
          v = snap.std > 0 ? Math.max(-VWAP_DISTANCE_CLAMP, Math.min(VWAP_DISTANCE_CLAMP, (bar.close - snap.vwap) / snap.std)) : 0;
      }
      out[off + f] = v;
    }
    return ready ? FeatureStatus.READY : FeatureStatus.WARMUP;
  }
}
