// The rule-based decision policy: the REGIME_ACTION table through generateSignal, as a DecisionPolicy (the default).

import { TradingState } from '../../domain/index.ts';
import { generateSignal } from '../signalGenerator/signalGenerator.ts';
import type { DecisionPolicy, PolicyContext, PolicyDecision } from './types.ts';

const hold = (code: string, reason: string): PolicyDecision => ({ kind: 'hold', code, reason });

/**
 * Holds an open position (its brackets exit it) or a working entry; when flat and trading is ACTIVE,
 * opens the rule signal that passes the filters, otherwise holds flat with the reason code.
 */
export const RULES_POLICY: DecisionPolicy = {
  name: 'rules',
  decide(ctx: PolicyContext): PolicyDecision {
    const p = ctx.position;
    if (p) return hold('IN_POSITION', `holding ${p.side} ${p.qty} from ${p.entryPrice}`);
    if (ctx.hasPendingEntry) return hold('ENTRY_WORKING', 'an entry order is working');
    if (ctx.tradingState !== TradingState.ACTIVE) return hold(ctx.tradingState, `trading state ${ctx.tradingState}`);
    const verdict = ctx.filters();
    if (!verdict.allowEntry) return hold(verdict.code, verdict.reason);
    const signal = generateSignal(ctx.signalContext());
    if (signal.side === null) return hold(signal.reasonCode, signal.reason);
    return { kind: 'open', signal };
  },
};
