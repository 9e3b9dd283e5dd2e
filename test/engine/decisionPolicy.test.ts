// The widened decision-policy seam: asked at every decided bar (flat or in a position), rules = RULES_POLICY byte for byte,
// a failing or invalid policy holds and is reported as a plug-in failure, entries asked for while exposed are refused.

import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runBacktest } from '../../src/backtest/runner.ts';
import type { DecisionRecord } from '../../src/engine/records.ts';
import { RegimeDetector } from '../../src/regime/index.ts';
import { RULES_POLICY, type DecisionPolicy, type PolicyDecision } from '../../src/strategy/policy/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

const { test: bars, model } = syntheticSetup();

function run(policy: DecisionPolicy | null, onPluginError?: (code: string) => void) {
  const loaded = testConfig();
  const ctx = buildRunContext(loaded, 'backtest');
  const decisions: DecisionRecord[] = [];
  const r = runBacktest({
    ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'bt' }),
    policy,
    onPluginError: onPluginError ? (e) => onPluginError(e.code) : undefined,
    series: bars,
    slippageTicks: 1,
    onDecision: (d) => decisions.push(d),
  });
  return { r, decisions };
}

describe('decision policy seam', () => {
  it('RULES_POLICY given explicitly equals the default (null) decision for decision, trade for trade', () => {
    const a = run(null);
    const b = run(RULES_POLICY);
    expect(b.decisions).toEqual(a.decisions);
    expect(b.r.trades).toEqual(a.r.trades);
    expect(a.r.trades.length).toBeGreaterThan(5);
  });

  it('is asked at every decided bar, in a position too', () => {
    let flat = 0;
    let inPosition = 0;
    const counting: DecisionPolicy = {
      name: 'counting',
      decide(ctx) {
        if (ctx.position) inPosition++;
        else flat++;
        return RULES_POLICY.decide(ctx);
      },
    };
    const { decisions } = run(counting);
    const decided = decisions.filter((d) => !['OUTSIDE_SESSION', 'SESSION_END', 'REGIME_WARMUP', 'RISK_FLATTEN'].includes(d.code)).length;
    expect(flat + inPosition).toBe(decided);
    expect(inPosition).toBeGreaterThan(0);
  });

  it('a policy that throws or gives an off-grid signal holds, reported as a plug-in failure; an entry while in a position is refused', () => {
    const codes: string[] = [];
    const throwing: DecisionPolicy = {
      name: 'boom',
      decide: () => {
        throw new Error('nan weights');
      },
    };
    const t = run(throwing, (c) => codes.push(c));
    expect(t.r.trades).toHaveLength(0);
    expect(t.decisions.some((d) => d.code === 'POLICY_FAILED')).toBe(true);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['PLUGIN_FAILED']));
    const offGrid: DecisionPolicy = {
      name: 'grid',
      decide(ctx): PolicyDecision {
        const d = RULES_POLICY.decide(ctx);
        return d.kind === 'open' ? { kind: 'open', signal: { ...d.signal, entryPrice: d.signal.entryPrice + 0.1 } } : d;
      },
    };
    const g = run(offGrid, () => {});
    expect(g.r.trades).toHaveLength(0);
    const greedy: DecisionPolicy = {
      name: 'greedy',
      decide(ctx): PolicyDecision {
        const d = RULES_POLICY.decide(ctx);
        if (ctx.position) {
          const s = ctx.signalContext();
          return {
            kind: 'open',
            signal: {
              side: 'long',
              entryType: 'market',
              entryPrice: s.bar.close,
              stopPrice: s.bar.close - 10,
              targetPrice: s.bar.close + 10,
              stopTicks: 40,
              size: 1,
              regime: s.regimeInfo.regime,
              reasonCode: 'X',
              reason: 'x',
            },
          };
        }
        return d;
      },
    };
    const gr = run(greedy);
    expect(gr.decisions.some((d) => d.code === 'POLICY_REFUSED')).toBe(true);
    expect(gr.r.trades.length).toBe(run(null).r.trades.length);
  });
});
