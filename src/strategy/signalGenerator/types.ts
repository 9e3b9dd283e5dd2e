// Signal generator types: settings from config, the per-bar context and the trade signal.

import type { Config } from '../../config/index.ts';
import type { Bar, Instrument, RegimeInfo, RegimeLabel, NoSignal, Position, Signal, TradingState, VwapSnapshot } from '../../domain/index.ts';
import type { FilterVerdict } from '../filters/index.ts';

/** Direction and entry rule of a regime (config `regime_action.<LABEL>`). */
export interface RegimeAction {
  readonly direction: 'long' | 'short' | 'both' | 'flat';
  readonly entry_rule: 'pullback_to_vwap' | 'rally_to_vwap' | 'fade_bands' | 'reversal_below_lower_band' | 'none';
  readonly base_size: number;
  readonly max_trades_per_session: number;
}

/** Target of a regime (config `targets.<LABEL>`): a signed band, the VWAP, or an R multiple of the stop. */
export interface TargetSpec {
  readonly kind: 'band' | 'vwap' | 'r_multiple';
  readonly value: number;
}

/** Plain settings of the generator (build with signalSettingsFromConfig). */
export interface SignalSettings {
  readonly regimeAction: Readonly<Partial<Record<RegimeLabel, RegimeAction>>>;
  /** Stop distance in ticks per regime. */
  readonly stops: Readonly<Partial<Record<RegimeLabel, number>>>;
  readonly targets: Readonly<Partial<Record<RegimeLabel, TargetSpec>>>;
  /** Pullback/rally must come within this many σ of VWAP. */
  readonly touchToleranceSigma: number;
  /** σ band touched by fade_bands and broken by reversal_below_lower_band. */
  readonly entryBandSigma: number;
  /** CRASH VWAP target uses the VWAP anchored at the start of the crash run. */
  readonly anchoredVwap: boolean;
  /** Minimum target distance as a multiple of the stop distance (0 = none). */
  readonly minRewardRisk: number;
}

/** Maps config sections to SignalSettings. */
export function signalSettingsFromConfig(
  config: Pick<Config, 'regime_action' | 'stops' | 'targets' | 'vwap'> & Partial<Pick<Config, 'entries'>>,
): SignalSettings {
  return {
    regimeAction: { ...config.regime_action },
    stops: { ...config.stops },
    targets: { ...config.targets },
    touchToleranceSigma: config.vwap.touch_tolerance_sigma,
    entryBandSigma: config.vwap.entry_band_sigma,
    anchoredVwap: config.vwap.anchored_vwap,
    minRewardRisk: config.entries?.min_reward_risk ?? 0,
  };
}

/** A signal with its stop distance in ticks (what the risk manager sizes on). */
export interface TradeSignal extends Signal {
  readonly stopTicks: number;
}

/** Every decision of the generator: a trade or a reasoned no-trade. */
export type Decision = TradeSignal | NoSignal;

/** Everything one decision needs (fields are added over time, never positional arguments). */
export interface SignalContext {
  /** The bar that just closed. */
  readonly bar: Bar;
  readonly instrument: Instrument;
  readonly regimeInfo: RegimeInfo;
  /** Session VWAP snapshot including `bar`. */
  readonly vwap: VwapSnapshot;
  /** VWAP anchored at the start of the current regime run (RegimeRunTracker + SessionVwap.getAnchored), if known. */
  readonly anchoredVwap?: VwapSnapshot | null;
  /** evaluateFilters at the decision instant. */
  readonly filters: FilterVerdict;
  /** This instrument's position, or null/qty 0 when flat. */
  readonly position: Position | null;
  readonly tradingState: TradingState;
  /** Entries already taken this session in the current regime (SessionTradeCounter). */
  readonly regimeTradesThisSession: number;
  readonly settings: SignalSettings;
}
