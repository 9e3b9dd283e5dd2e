// Which features the regime HMM sees and how they are computed (a value stored with each model),
// built from config `hmm.*`, `session.rth_only` and `vwap.*`.

import type { Config } from '../../config/index.ts';
import { FEATURE_NAMES, rthWindowOf } from '../../config/index.ts';
import { ConfigError, EQUITY_RTH, type VwapPriceSource, type RthWindow } from '../../domain/index.ts';

/** A feature name: log_return, realized_vol, log_range, volume_ratio, vwap_distance. */
export type FeatureName = (typeof FEATURE_NAMES)[number];

export { FEATURE_NAMES };

/**
 * Feature settings. Session handling (the documented decision):
 * - `rthOnly` (config session.rth_only): only regular-session bars enter the features at all; other
 *   bars are ignored.
 * - The first bar of each trading day takes its own open→close log return, so the overnight gap (or
 *   the 17:00-18:00 ET break) never enters a feature; rolling windows (realized volatility, volume
 *   mean) run on across days, so warm-up happens once at the start of a stream, not every morning.
 * - vwap_distance uses the session VWAP of src/strategy/vwap.ts, reset at `vwapAnchorTime`.
 * - `trainRthOnly` (config hmm.train_rth_only): the HMM sees regular-session bars only; its
 *   sequences are cut per trading day (fit `lengths`, and the detector restarts its filter at each
 *   new trading day).
 */
export interface FeatureSpec {
  readonly names: readonly FeatureName[];
  /** Window of realized volatility, bars (config hmm.realized_vol_bars). */
  readonly realizedVolBars: number;
  /** Window of the rolling mean volume, bars (config hmm.volume_ratio_bars). */
  readonly volumeRatioBars: number;
  readonly rthOnly: boolean;
  readonly trainRthOnly: boolean;
  readonly vwapAnchorTime: string;
  readonly vwapTimeZone: string;
  readonly vwapPriceSource: VwapPriceSource;
  /**
   * The instrument's regular session as ET minutes of day (config session.rth_start/rth_end); absent
   * = equity index hours 09:30-16:00 ET (and absent from the model file, which then reads as before).
   */
  readonly rthStartMinuteEt?: number;
  readonly rthEndMinuteEt?: number;
}

/** The regular-session window of a feature spec. */
export function rthWindowOfSpec(spec: FeatureSpec): RthWindow {
  if (spec.rthStartMinuteEt === undefined || spec.rthEndMinuteEt === undefined) return EQUITY_RTH;
  if (spec.rthStartMinuteEt === EQUITY_RTH.startMinuteEt && spec.rthEndMinuteEt === EQUITY_RTH.endMinuteEt) return EQUITY_RTH;
  return { startMinuteEt: spec.rthStartMinuteEt, endMinuteEt: spec.rthEndMinuteEt };
}

/** Bound of |vwap_distance| in σ: the first bars of a VWAP session have a tiny σ. */
export const VWAP_DISTANCE_CLAMP = 5;

/** The feature spec of a validated config; ConfigError when log_return is missing. */
export function featureSpecFromConfig(c: Config): FeatureSpec {
  if (!c.hmm.features.includes('log_return')) {
    throw new ConfigError('hmm.features must include log_return', [
      `hmm.features: must include log_return, states are labelled by its mean (got ${c.hmm.features.join(', ')})`,
    ]);
  }
  const rth = rthWindowOf(c.session);
  return {
    names: [...c.hmm.features],
    realizedVolBars: c.hmm.realized_vol_bars,
    volumeRatioBars: c.hmm.volume_ratio_bars,
    rthOnly: c.session.rth_only,
    trainRthOnly: c.hmm.train_rth_only,
    vwapAnchorTime: c.vwap.anchor_time,
    vwapTimeZone: c.session.timezone,
    vwapPriceSource: c.vwap.price_source,
    ...(rth === EQUITY_RTH ? {} : { rthStartMinuteEt: rth.startMinuteEt, rthEndMinuteEt: rth.endMinuteEt }),
  };
}
