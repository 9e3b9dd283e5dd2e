// The decision-policy seam (PLUG: rl_agent): what the engine tells a policy at every decided bar, and the target position it answers.

import type { Bar, Instrument, BrokerPosition, RegimeInfo, TradingState, VwapSnapshot } from '../../domain/index.ts';
import type { FilterVerdict } from '../filters/index.ts';
import type { RiskManager } from '../riskManager/index.ts';
import type { SignalContext, TradeSignal } from '../signalGenerator/types.ts';

/**
 * What the engine knows when it asks the policy: every in-session bar once the regime is known and
 * before the session end, flat or in a position. `filters()` and `signalContext()` are evaluated on
 * first use (the filters may call plug-ins; the rules only need them when flat).
 */
export interface PolicyContext {
  /** The bar that just closed; decisions act from the next bar on. */
  readonly bar: Bar;
  /** The decision instant (the bar's end), UTC ms. */
  readonly decisionMs: number;
  readonly tradingDate: string;
  readonly instrument: Instrument;
  readonly regimeInfo: RegimeInfo;
  /** Session VWAP including `bar`. */
  readonly vwap: VwapSnapshot;
  /** The broker's position (with its entry time and bracket prices), or null when flat. */
  readonly position: BrokerPosition | null;
  readonly hasPendingEntry: boolean;
  readonly tradingState: TradingState;
  /** The account's risk manager (read only: snapshot, previewEntry). */
  readonly risk: Pick<RiskManager, 'snapshot' | 'previewEntry'>;
  /** Bar length, ms. */
  readonly barMs: number;
  /** Entry filters at the decision instant (VIX, news, windows, sentiment). */
  filters(): FilterVerdict;
  /** The rule generator's context (flat position). */
  signalContext(): SignalContext;
}

/**
 * The target position a policy answers: keep what is held (`hold`: flat stays flat, a position keeps
 * its server-side brackets), be flat (`flat`: close the position, cancel a working entry), or open a
 * bracketed position (`open`: only when flat with nothing working, trading ACTIVE and the filters
 * allowing entries; the risk manager still sizes and may refuse it).
 */
export type PolicyDecision =
  | { readonly kind: 'hold'; readonly code: string; readonly reason: string }
  | { readonly kind: 'flat'; readonly code: string; readonly reason: string }
  | { readonly kind: 'open'; readonly signal: TradeSignal };

/** A decision policy: asked at every decided bar (see PolicyContext). PLUG: rl_agent */
export interface DecisionPolicy {
  readonly name: string;
  /**
   * True when the answer comes from outside the engine (the RL environment): the session then yields a
   * PolicyQuestion to its driver instead of calling `decide`.
   */
  readonly external?: boolean;
  decide(ctx: PolicyContext): PolicyDecision;
}
