// Entry rules of REGIME_ACTION on a closed bar: pullback/rally to VWAP, band fades, reversal below the lower band.

import type { Bar, Side, VwapSnapshot } from '../../domain/index.ts';
import { LazyReason } from '../lazyReason.ts';
import type { RegimeAction } from './types.ts';

/** A rule fired: side and stable code with a readable reason. */
export interface RuleHit {
  readonly side: Side;
  readonly code: 'PULLBACK_TO_VWAP' | 'RALLY_TO_VWAP' | 'FADE_UPPER_BAND' | 'FADE_LOWER_BAND' | 'REVERSAL_BELOW_LOWER_BAND';
  readonly reason: string;
}

/** Parameters of the rules (σ tolerances). */
export interface RuleParams {
  readonly touchToleranceSigma: number;
  readonly entryBandSigma: number;
}

const f = (x: number): string => x.toFixed(2);

/**
 * Evaluates the regime's entry rule on the closed bar against the session VWAP (σ > 0 assumed):
 * - pullback_to_vwap (long): low <= VWAP + tol·σ and close > VWAP.
 * - rally_to_vwap (short): high >= VWAP − tol·σ and close < VWAP.
 * - fade_bands: short when high >= VWAP + k·σ and close < VWAP + k·σ; long when low <= VWAP − k·σ
 *   and close > VWAP − k·σ (touch and close back inside); each side only if the direction allows it.
 * - reversal_below_lower_band (long): low < VWAP − k·σ, close > open, close >= (high + low) / 2.
 * Returns the hit, or a readable reason why the bar is no setup (a RuleMiss: formatted when read).
 */
export function evaluateEntryRule(bar: Bar, v: VwapSnapshot, action: RegimeAction, p: RuleParams): RuleHit | { readonly reason: string } {
  const { vwap, std } = v;
  const k = p.entryBandSigma;
  switch (action.entry_rule) {
    case 'pullback_to_vwap': {
      const touch = vwap + p.touchToleranceSigma * std;
      if (bar.low <= touch && bar.close > vwap)
        return {
          side: 'long',
          code: 'PULLBACK_TO_VWAP',
          reason: `low ${f(bar.low)} within ${p.touchToleranceSigma}σ of VWAP ${f(vwap)}, close ${f(bar.close)} above VWAP`,
        };
      return new RuleMiss(bar, v, action, p);
    }
    case 'rally_to_vwap': {
      const touch = vwap - p.touchToleranceSigma * std;
      if (bar.high >= touch && bar.close < vwap)
        return {
          side: 'short',
          code: 'RALLY_TO_VWAP',
          reason: `high ${f(bar.high)} within ${p.touchToleranceSigma}σ of VWAP ${f(vwap)}, close ${f(bar.close)} below VWAP`,
        };
      return new RuleMiss(bar, v, action, p);
    }
    case 'fade_bands': {
      const upper = vwap + k * std;
      const lower = vwap - k * std;
      if (action.direction !== 'long' && bar.high >= upper && bar.close < upper)
        return {
          side: 'short',
          code: 'FADE_UPPER_BAND',
          reason: `high ${f(bar.high)} touched +${k}σ ${f(upper)}, close ${f(bar.close)} back inside`,
        };
      if (action.direction !== 'short' && bar.low <= lower && bar.close > lower)
        return { side: 'long', code: 'FADE_LOWER_BAND', reason: `low ${f(bar.low)} touched −${k}σ ${f(lower)}, close ${f(bar.close)} back inside` };
      return new RuleMiss(bar, v, action, p);
    }
    case 'reversal_below_lower_band': {
      const lower = vwap - k * std;
      const mid = (bar.high + bar.low) / 2;
      if (bar.low < lower && bar.close > bar.open && bar.close >= mid)
        return {
          side: 'long',
          code: 'REVERSAL_BELOW_LOWER_BAND',
          reason: `low ${f(bar.low)} below −${k}σ ${f(lower)}, bullish reversal close ${f(bar.close)} >= mid ${f(mid)}`,
        };
      return new RuleMiss(bar, v, action, p);
    }
    case 'none':
      return { reason: 'entry rule none' };
  }
}

/** Why a bar is no setup for its rule: the same values as evaluateEntryRule computed, formatted on first read. */
class RuleMiss extends LazyReason {
  constructor(
    private readonly bar: Bar,
    private readonly v: VwapSnapshot,
    private readonly action: RegimeAction,
    private readonly p: RuleParams,
  ) {
    super();
  }

  protected format(): string {
    const { bar, p } = this;
    const { vwap, std } = this.v;
    const k = p.entryBandSigma;
    switch (this.action.entry_rule) {
      case 'pullback_to_vwap':
        return `no pullback: low ${f(bar.low)} vs touch ${f(vwap + p.touchToleranceSigma * std)}, close ${f(bar.close)} vs VWAP ${f(vwap)}`;
      case 'rally_to_vwap':
        return `no rally: high ${f(bar.high)} vs touch ${f(vwap - p.touchToleranceSigma * std)}, close ${f(bar.close)} vs VWAP ${f(vwap)}`;
      case 'fade_bands':
        return `no band touch: range ${f(bar.low)}-${f(bar.high)} inside ±${k}σ ${f(vwap - k * std)}-${f(vwap + k * std)} or closed outside`;
      case 'reversal_below_lower_band':
        return `no reversal: low ${f(bar.low)} vs −${k}σ ${f(vwap - k * std)}, open ${f(bar.open)} close ${f(bar.close)} mid ${f((bar.high + bar.low) / 2)}`;
      case 'none':
        return 'entry rule none';
    }
  }
}
