// The RL agent's actions: target positions {flat, long_small, long_full, short_small, short_full}, their mask and their engine decision.

import type { Config } from '../config/index.ts';
import { roundToTick, TradingState, type RegimeLabel } from '../domain/index.ts';
import type { PolicyContext, PolicyDecision, TradeSignal } from '../strategy/index.ts';

/** Action index → target position (the action space is Discrete(5)). */
export const TRADING_ACTIONS = ['flat', 'long_small', 'long_full', 'short_small', 'short_full'] as const;
export type TradingAction = (typeof TRADING_ACTIONS)[number];
export const ACTION_COUNT = TRADING_ACTIONS.length;

/** What the actions need from the config (rl.*, stops). */
export interface ActionSettings {
  readonly sizeSmall: number;
  readonly sizeFull: number;
  readonly targetR: number;
  readonly stops: Readonly<Partial<Record<RegimeLabel, number>>>;
}

export function actionSettingsFromConfig(c: Pick<Config, 'rl' | 'stops'>): ActionSettings {
  return { sizeSmall: c.rl.size_small, sizeFull: c.rl.size_full, targetR: c.rl.target_r_multiple, stops: { ...c.stops } };
}

const sideOf = (a: number): 'long' | 'short' | null => (a === 1 || a === 2 ? 'long' : a === 3 || a === 4 ? 'short' : null);

/** The bracketed market entry of action `a` at the bar's close: the regime's stop, a target of targetR × stop; null without a stop. */
function entrySignal(ctx: PolicyContext, a: number, s: ActionSettings): TradeSignal | null {
  const side = sideOf(a);
  const regime = ctx.regimeInfo.regime;
  const stopTicks = s.stops[regime];
  if (side === null || stopTicks === undefined || !(stopTicks > 0)) return null;
  const tick = ctx.instrument.tickSize;
  const dir = side === 'long' ? 1 : -1;
  const entry = roundToTick(ctx.bar.close, tick);
  const targetTicks = Math.max(1, Math.round(s.targetR * stopTicks));
  const name = TRADING_ACTIONS[a]!;
  return {
    side,
    entryType: 'market',
    entryPrice: entry,
    stopPrice: roundToTick(entry - dir * stopTicks * tick, tick),
    targetPrice: roundToTick(entry + dir * targetTicks * tick, tick),
    stopTicks,
    size: a === 2 || a === 4 ? s.sizeFull : s.sizeSmall,
    regime,
    reasonCode: `RL_${name.toUpperCase()}`,
    reason: `RL ${name} in ${regime} (p=${ctx.regimeInfo.confidence.toFixed(2)}); stop ${stopTicks} ticks, target ${targetTicks} ticks`,
  };
}

/**
 * The engine decision of action `a`. In a position: flat closes it, the same side (either size) holds it
 * (no scaling), the other side closes it (a reversal takes two bars). With an entry working: flat
 * cancels it, anything else holds. Flat: flat stays flat, an entry action opens its bracketed position.
 */
export function actionDecision(ctx: PolicyContext, a: number, s: ActionSettings): PolicyDecision {
  if (!(Number.isInteger(a) && a >= 0 && a < ACTION_COUNT)) throw new RangeError(`action must be an integer in [0, ${ACTION_COUNT}) (got ${a})`);
  const name = TRADING_ACTIONS[a]!;
  const p = ctx.position;
  if (p) {
    if (a === 0) return { kind: 'flat', code: 'RL_FLAT', reason: `RL flat: closing ${p.side} ${p.qty}` };
    if (sideOf(a) === p.side) return { kind: 'hold', code: 'RL_HOLD', reason: `RL ${name}: holding ${p.side} ${p.qty} from ${p.entryPrice}` };
    return { kind: 'flat', code: 'RL_REVERSE', reason: `RL ${name}: closing ${p.side} ${p.qty} first` };
  }
  if (ctx.hasPendingEntry)
    return a === 0
      ? { kind: 'flat', code: 'RL_FLAT', reason: 'RL flat: cancelling the working entry' }
      : { kind: 'hold', code: 'ENTRY_WORKING', reason: 'an entry order is working' };
  if (a === 0) return { kind: 'hold', code: 'RL_FLAT', reason: 'RL flat' };
  const signal = entrySignal(ctx, a, s);
  if (!signal) return { kind: 'hold', code: 'NO_STOP', reason: `stops has no positive entry for ${ctx.regimeInfo.regime}` };
  return { kind: 'open', signal };
}

/**
 * Allowed actions (1 = allowed) into `out`: flat always; in a position the same side (hold); with an
 * entry working everything (non-flat = hold); flat: each entry the engine and the risk manager would
 * accept now (trading ACTIVE, filters allow, a stop for the regime, risk sizing ≥ 1 contract).
 */
export function actionMask(ctx: PolicyContext, s: ActionSettings, out: Uint8Array = new Uint8Array(ACTION_COUNT)): Uint8Array {
  out.fill(0);
  out[0] = 1;
  const p = ctx.position;
  if (p) {
    const [a, b] = p.side === 'long' ? [1, 2] : [3, 4];
    out[a] = 1;
    out[b] = 1;
    return out;
  }
  if (ctx.hasPendingEntry) return out.fill(1);
  if (ctx.tradingState !== TradingState.ACTIVE) return out;
  const verdict = ctx.filters();
  if (!verdict.allowEntry) return out;
  const regime = ctx.regimeInfo;
  const stopTicks = s.stops[regime.regime];
  if (stopTicks === undefined || !(stopTicks > 0)) return out;
  // The risk manager's sizing does not depend on the side: one preview per size serves long and short.
  for (const [size, long, short] of [
    [s.sizeSmall, 1, 3],
    [s.sizeFull, 2, 4],
  ] as const) {
    const r = ctx.risk.previewEntry({
      tsMs: ctx.decisionMs,
      symbol: ctx.instrument.symbol,
      side: 'long',
      stopTicks,
      baseSize: size,
      regime: regime.regime,
      regimeConfidence: regime.confidence,
      vixMultiplier: verdict.vixMultiplier,
      newsMultiplier: verdict.newsMultiplier,
    });
    if ('qty' in r && r.qty >= 1) out[long] = out[short] = 1;
  }
  return out;
}
