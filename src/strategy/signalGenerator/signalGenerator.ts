// The per-bar decision: REGIME_ACTION rules on the closed bar → a tick-aligned TradeSignal or a reasoned NoSignal.

import { ceilToTick, floorToTick, roundToTick, TradingState, bandPrice, type NoSignal, type Side } from '../../domain/index.ts';
import { LazyReason, type HasReason } from '../lazyReason.ts';
import { evaluateEntryRule, type RuleHit } from './rules.ts';
import type { Decision, SignalContext, TradeSignal } from './types.ts';

/** Version of the generator's context/decision contract (bumped when a field changes meaning). */
export const STRATEGY_API_VERSION = 1;

/** Stable codes of every no-trade decision. */
export type NoSignalCode =
  | 'HALTED'
  | 'REDUCING'
  | 'IN_POSITION'
  | 'NO_REGIME_ACTION'
  | 'REGIME_FLAT'
  | 'MAX_REGIME_TRADES'
  | 'VWAP_NOT_READY'
  | 'NO_SETUP'
  | 'TARGET_BEHIND_ENTRY'
  | 'REWARD_TOO_SMALL'
  | 'NO_STOP'
  | string; // filter codes (NEWS_BLACKOUT, BEFORE_ENTRY_START, ...) pass through

const none = (reasonCode: NoSignalCode, reason: string): NoSignal => ({ side: null, reasonCode, reason });

/**
 * Decides at the close of `ctx.bar`. Order of the gates (each gives its own reasonCode): trading
 * state, open position, filters, regime action (flat / per-session limit), VWAP readiness; then
 * the entry rule. Entries are market orders at the close; stop = entry ∓ stop ticks; target from
 * `targets` (VWAP, signed band, or R multiple; CRASH VWAP anchored at the regime start when enabled),
 * rounded toward the entry onto the tick grid. Signal.size is the regime's base size (the risk
 * manager computes the final size). The rule-based DecisionPolicy (strategy/policy/rulesPolicy.ts) calls it
 * when flat; validateDecision checks another policy's signals.
 */
export function generateSignal(ctx: SignalContext): Decision {
  const gate = hardGates(ctx);
  if (gate) return gate;
  return ruleBasedDecision(ctx);
}

/** Gates no decision source may bypass (no trade while halted, in a position or filtered). */
function hardGates(ctx: SignalContext): NoSignal | null {
  if (ctx.tradingState === TradingState.HALTED) return none('HALTED', 'trading state is HALTED');
  if (ctx.tradingState === TradingState.REDUCING) return none('REDUCING', 'trading state is REDUCING: exits only');
  if (ctx.position && ctx.position.qty !== 0) return none('IN_POSITION', `position ${ctx.position.qty} @ ${ctx.position.avgPrice} open`);
  if (!ctx.filters.allowEntry) return none(ctx.filters.code, ctx.filters.reason);
  const regime = ctx.regimeInfo.regime;
  const action = ctx.settings.regimeAction[regime];
  if (!action) return none('NO_REGIME_ACTION', `regime_action has no entry for ${regime}`);
  if (action.direction === 'flat' || action.entry_rule === 'none') return none('REGIME_FLAT', `${regime} is configured flat`);
  if (ctx.regimeTradesThisSession >= action.max_trades_per_session)
    return none('MAX_REGIME_TRADES', `${regime}: ${ctx.regimeTradesThisSession} of ${action.max_trades_per_session} entries taken this session`);
  if (!(ctx.vwap.std > 0) || ctx.vwap.barCount < 2)
    return none(
      'VWAP_NOT_READY',
      `session VWAP has ${ctx.vwap.barCount} bar(s), σ=${ctx.vwap.std}${ctx.vwap.barCount >= 2 && ctx.vwap.std === 0 ? ' (no volume or no price change in the session so far)' : ''}`,
    );
  return null;
}

function ruleBasedDecision(ctx: SignalContext): Decision {
  const regime = ctx.regimeInfo.regime;
  const action = ctx.settings.regimeAction[regime]!;
  const hit = evaluateEntryRule(ctx.bar, ctx.vwap, action, ctx.settings);
  if (!('side' in hit)) return new NoSetup(regime, action.entry_rule, hit);
  return buildSignal(ctx, hit);
}

/** NO_SETUP: the rule did not fire; the reason (regime, rule and the rule's miss) is formatted when read. */
class NoSetup extends LazyReason implements NoSignal {
  readonly side = null;
  readonly reasonCode = 'NO_SETUP';

  constructor(
    private readonly regime: string,
    private readonly rule: string,
    private readonly miss: HasReason,
  ) {
    super();
  }

  protected format(): string {
    return `${this.regime} ${this.rule}: ${this.miss.reason}`;
  }
}

function buildSignal(ctx: SignalContext, hit: RuleHit): Decision {
  const regime = ctx.regimeInfo.regime;
  const tick = ctx.instrument.tickSize;
  const stopTicks = ctx.settings.stops[regime];
  if (stopTicks === undefined || !(stopTicks > 0)) return none('NO_STOP', `stops has no positive entry for ${regime}`);
  const dir = hit.side === 'long' ? 1 : -1;
  const entry = roundToTick(ctx.bar.close, tick);
  const stop = roundToTick(entry - dir * stopTicks * tick, tick);
  const target = targetPrice(ctx, hit.side, entry, stopTicks);
  if (target === null || (target - entry) * dir < tick) {
    return none('TARGET_BEHIND_ENTRY', `${hit.code} ${hit.side}: target ${target} not beyond entry ${entry} by a tick`);
  }
  const rewardTicks = Math.round(Math.abs(target - entry) / tick);
  if (rewardTicks < ctx.settings.minRewardRisk * stopTicks) {
    return none(
      'REWARD_TOO_SMALL',
      `${hit.code} ${hit.side}: target ${target} is ${rewardTicks} ticks away, below ${ctx.settings.minRewardRisk} x stop ${stopTicks} ticks`,
    );
  }
  const action = ctx.settings.regimeAction[regime]!;
  const signal: TradeSignal = {
    side: hit.side,
    entryType: 'market',
    entryPrice: entry,
    stopPrice: stop,
    targetPrice: target,
    stopTicks,
    size: action.base_size,
    regime,
    reasonCode: hit.code,
    reason: `${regime} (p=${ctx.regimeInfo.confidence.toFixed(2)}): ${hit.reason}; stop ${stopTicks} ticks, target ${target}`,
  };
  return signal;
}

/** Target price on the tick grid, rounded toward the entry (conservative); null when unavailable. */
function targetPrice(ctx: SignalContext, side: Side, entry: number, stopTicks: number): number | null {
  const regime = ctx.regimeInfo.regime;
  const spec = ctx.settings.targets[regime] ?? { kind: 'vwap' as const, value: 0 };
  const tick = ctx.instrument.tickSize;
  const dir = side === 'long' ? 1 : -1;
  let raw: number;
  if (spec.kind === 'r_multiple') {
    return roundToTick(entry + dir * Math.round(spec.value * stopTicks) * tick, tick);
  } else if (spec.kind === 'vwap') {
    // PLUG: anchored_vwap
    const anchored = regime === 'CRASH' && ctx.settings.anchoredVwap && ctx.anchoredVwap ? ctx.anchoredVwap : null;
    raw = (anchored ?? ctx.vwap).vwap;
  } else {
    raw = bandPrice(ctx.vwap, spec.value);
  }
  if (!Number.isFinite(raw)) return null;
  return side === 'long' ? floorToTick(raw, tick) : ceilToTick(raw, tick);
}

function onGrid(price: number, tick: number): boolean {
  return Math.abs(price / tick - Math.round(price / tick)) < 1e-6;
}

/** Checks a policy's decision: prices on the grid, stop and target on the right sides, positive integer size. */
export function validateDecision(d: Decision, ctx: Pick<SignalContext, 'instrument'>): string | null {
  if (d === null || typeof d !== 'object') return `decision must be an object (got ${String(d)})`;
  if (d.side === null) return typeof d.reasonCode === 'string' ? null : 'no-trade decision needs a reasonCode';
  const tick = ctx.instrument.tickSize;
  if (d.side !== 'long' && d.side !== 'short') return `side must be long, short or null (got ${String(d.side)})`;
  for (const [k, v] of [
    ['entryPrice', d.entryPrice],
    ['stopPrice', d.stopPrice],
    ['targetPrice', d.targetPrice],
  ] as const) {
    if (!Number.isFinite(v) || !onGrid(v, tick)) return `${k} ${v} is not on the ${tick} tick grid`;
  }
  const dir = d.side === 'long' ? 1 : -1;
  if ((d.entryPrice - d.stopPrice) * dir <= 0) return `stop ${d.stopPrice} is not on the loss side of entry ${d.entryPrice}`;
  if ((d.targetPrice - d.entryPrice) * dir <= 0) return `target ${d.targetPrice} is not on the profit side of entry ${d.entryPrice}`;
  if (!Number.isInteger(d.size) || d.size < 1) return `size must be a positive integer (got ${d.size})`;
  if (!Number.isInteger(d.stopTicks) || d.stopTicks < 1) return `stopTicks must be a positive integer (got ${d.stopTicks})`;
  return null;
}
