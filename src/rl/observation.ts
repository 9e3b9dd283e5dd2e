// The RL agent's observation of a decided bar: the seed's 7 values (regime as a one-hot), plus position, unrealized P&L in R and bars in trade.

import { rthWindowOf, type Config } from '../config/index.ts';
import { ALL_REGIME_LABELS, sessionInfo, type RthWindow } from '../domain/index.ts';
import type { PolicyContext } from '../strategy/index.ts';

/**
 * Observation layout (OBSERVATION_SIZE = 16 values, raw; the policy normalises with statistics of its
 * training window): 0–6 regime one-hot over ALL_REGIME_LABELS (STRONG_BULL, BULL, SOFT_BULL, NEUTRAL,
 * SOFT_BEAR, BEAR, CRASH; a 5-state model never sets the SOFT ones) instead of an integer id; 7 regime
 * confidence (max filtered probability); 8 vwap_distance_std = (close − session VWAP) / VWAP σ (0 while
 * σ = 0); 9 bar_momentum = log(close / close 3 decided bars earlier today) in basis points (0 before);
 * 10 volume_ratio = bar volume / mean volume of today's earlier decided bars (1 before); 11
 * time_of_day_norm = minutes since the regular-session start / session length; 12 daily_pnl =
 * day P&L (realized + open) / daily loss limit; 13 position = ±qty / rl.size_full (0 flat); 14
 * unrealized P&L in R = (close − entry) · side / |entry − stop|; 15 bars in trade.
 */
export const OBSERVATION_NAMES = [
  ...ALL_REGIME_LABELS.map((l) => `regime_${l}`),
  'regime_confidence',
  'vwap_distance_std',
  'bar_momentum',
  'volume_ratio',
  'time_of_day_norm',
  'daily_pnl',
  'position',
  'unrealized_r',
  'bars_in_trade',
] as const;
export const OBSERVATION_SIZE = OBSERVATION_NAMES.length;

const MOMENTUM_BARS = 3;

/** The daily loss limit the P&L features and rewards are scaled by (2% of the account when there is none). */
export function lossScaleUsd(c: Pick<Config, 'risk'>): number {
  return c.risk.daily_loss_limit ?? 0.02 * c.risk.account_size;
}

/** Builds observations from the questions of one session, in order (keeps today's closes and volumes). */
export class ObservationBuilder {
  private readonly rth: RthWindow;
  private readonly scale: number;
  private readonly sizeFull: number;
  private day = '';
  private readonly closes: number[] = [];
  private volSum = 0;
  private volCount = 0;

  constructor(config: Pick<Config, 'session' | 'risk' | 'rl'>) {
    this.rth = rthWindowOf(config.session);
    this.scale = lossScaleUsd(config);
    this.sizeFull = config.rl.size_full;
  }

  /** The observation of `ctx` (call once per question, in order); writes into `out` when given. */
  build(ctx: PolicyContext, out: Float64Array = new Float64Array(OBSERVATION_SIZE)): Float64Array {
    if (ctx.tradingDate !== this.day) {
      this.day = ctx.tradingDate;
      this.closes.length = 0;
      this.volSum = 0;
      this.volCount = 0;
    }
    const bar = ctx.bar;
    out.fill(0);
    const r = ctx.regimeInfo;
    const k = ALL_REGIME_LABELS.indexOf(r.regime);
    if (k >= 0) out[k] = 1;
    out[7] = r.confidence;
    out[8] = ctx.vwap.std > 0 ? (bar.close - ctx.vwap.vwap) / ctx.vwap.std : 0;
    const past = this.closes.length >= MOMENTUM_BARS ? this.closes[this.closes.length - MOMENTUM_BARS]! : Number.NaN;
    out[9] = past > 0 && bar.close > 0 ? Math.log(bar.close / past) * 1e4 : 0;
    const meanVol = this.volCount > 0 ? this.volSum / this.volCount : 0;
    out[10] = meanVol > 0 ? bar.volume / meanVol : 1;
    const minute = sessionInfo(ctx.decisionMs).minuteOfDayEt;
    const len = this.rth.endMinuteEt - this.rth.startMinuteEt;
    out[11] = len > 0 ? (minute - this.rth.startMinuteEt) / len : 0;
    out[12] = ctx.risk.snapshot().dayPnlUsd / this.scale;
    const p = ctx.position;
    if (p) {
      const dir = p.side === 'long' ? 1 : -1;
      out[13] = (dir * p.qty) / this.sizeFull;
      const risk = Math.abs(p.entryPrice - p.stopPrice);
      out[14] = risk > 0 ? ((bar.close - p.entryPrice) * dir) / risk : 0;
      out[15] = Math.max(0, Math.round((ctx.decisionMs - p.entryTsMs) / ctx.barMs));
    }
    this.closes.push(bar.close);
    if (this.closes.length > MOMENTUM_BARS) this.closes.shift();
    this.volSum += bar.volume;
    this.volCount += 1;
    return out;
  }
}
