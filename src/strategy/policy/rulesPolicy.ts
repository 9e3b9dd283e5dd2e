// The rule-based decision policy: the REGIME_ACTION table through generateSignal, as a DecisionPolicy (the default).

import { TradingState } from '../../domain/index.ts';
import type { Side } from '../../domain/index.ts';
import { LazyHold, LazyReason } from '../lazyReason.ts';
import { generateSignal } from '../signalGenerator/signalGenerator.ts';
import type { DecisionPolicy, PolicyContext, PolicyDecision } from './types.ts';

const hold = (code: string, reason: string): PolicyDecision => ({ kind: 'hold', code, reason });

/** IN_POSITION: the position's side, size and entry price, formatted when read. */
class PositionHold extends LazyReason {
  readonly kind = 'hold' as const;
  readonly code = 'IN_POSITION';

  constructor(
    private readonly side: Side,
    private readonly qty: number,
    private readonly entryPrice: number,
  ) {
    super();
  }

  protected format(): string {
    return `holding ${this.side} ${this.qty} from ${this.entryPrice}`;
  }
}

/**
 * Holds an open position (its brackets exit it) or a working entry; when flat and trading is ACTIVE,
 * opens the rule signal that passes the filters, otherwise holds flat with the reason code.
 */
export const RULES_POLICY: DecisionPolicy = {
  name: 'rules',
  decide(ctx: PolicyContext): PolicyDecision {
    const p = ctx.position;
    if (p) return new PositionHold(p.side, p.qty, p.entryPrice);
    if (ctx.hasPendingEntry) return hold('ENTRY_WORKING', 'an entry order is working');
    if (ctx.tradingState !== TradingState.ACTIVE) return hold(ctx.tradingState, `trading state ${ctx.tradingState}`);
    const verdict = ctx.filters();
    if (!verdict.allowEntry) return hold(verdict.code, verdict.reason);
    const signal = generateSignal(ctx.signalContext());
    if (signal.side === null) return signal instanceof LazyReason ? new LazyHold(signal.reasonCode, signal) : hold(signal.reasonCode, signal.reason);
    return { kind: 'open', signal };
  },
};
