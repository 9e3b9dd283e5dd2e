// Issue 19: the per-bar "why not" reasons (a rule's miss, NO_SETUP, a held position) are formatted when read, with the same text as before.
import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runBacktest } from '../../src/backtest/runner.ts';
import type { DecisionRecord } from '../../src/engine/records.ts';
import { RegimeDetector } from '../../src/regime/index.ts';
import { decisionJson } from '../../src/report/outputs.ts';
import { evaluateEntryRule, generateSignal, type RegimeAction } from '../../src/strategy/signalGenerator/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { bar, ctx, snapshot } from './signalGenerator/support.ts';

const P = { touchToleranceSigma: 0.25, entryBandSigma: 2 };
const action = (entry_rule: RegimeAction['entry_rule'], direction: RegimeAction['direction'] = 'long') =>
  ({ direction, entry_rule, base_size: 1, max_trades_per_session: 3 }) as RegimeAction;
const miss = (b: ReturnType<typeof bar>, a: RegimeAction): string => {
  const r = evaluateEntryRule(b, snapshot(20000, 10), a, P);
  expect('side' in r).toBe(false);
  return r.reason;
};

describe('lazy decision reasons', () => {
  it('a rule miss reads as the rule computed it (VWAP 20000, σ 10, tolerance 0.25σ, bands 2σ)', () => {
    expect(miss(bar(20008, 20009, 20004, 20010), action('pullback_to_vwap'))).toBe(
      'no pullback: low 20004.00 vs touch 20002.50, close 20010.00 vs VWAP 20000.00',
    );
    expect(miss(bar(19995, 19996, 19990, 19992), action('rally_to_vwap', 'short'))).toBe(
      'no rally: high 19996.00 vs touch 19997.50, close 19992.00 vs VWAP 20000.00',
    );
    expect(miss(bar(20001, 20010, 19995, 20005), action('fade_bands', 'both'))).toBe(
      'no band touch: range 19995.00-20010.00 inside ±2σ 19980.00-20020.00 or closed outside',
    );
    expect(miss(bar(19990, 19995, 19985, 19992), action('reversal_below_lower_band'))).toBe(
      'no reversal: low 19985.00 vs −2σ 19980.00, open 19990.00 close 19992.00 mid 19990.00',
    );
    expect(miss(bar(1, 1, 1, 1), action('none', 'flat'))).toBe('entry rule none');
  });

  it('NO_SETUP names the regime and rule before the miss, and reads the same every time', () => {
    const c = ctx('BULL', bar(20010, 20012, 20006, 20011));
    const d = generateSignal(c);
    expect(d.reasonCode).toBe('NO_SETUP');
    const rule = c.settings.regimeAction.BULL!;
    const expected = `BULL ${rule.entry_rule}: ${evaluateEntryRule(c.bar, c.vwap, rule, c.settings).reason}`;
    expect(d.reason).toBe(expected);
    expect(d.reason).toBe(expected);
  });

  it('engine decisions carry the formatted reasons: JSON and decisions.jsonl lines equal those of plain records', () => {
    const { test: bars, model } = syntheticSetup();
    const loaded = testConfig();
    const rc = buildRunContext(loaded, 'backtest');
    const decisions: DecisionRecord[] = [];
    runBacktest({
      ...rc.engineOptions({ regime: new RegimeDetector(model), risk: rc.createRisk(), idPrefix: 'bt' }),
      series: bars,
      slippageTicks: 1,
      onDecision: (d) => decisions.push(d),
    });
    const plain = (d: DecisionRecord): DecisionRecord => ({
      tsMs: d.tsMs,
      close: d.close,
      regime: d.regime,
      confidence: d.confidence,
      probs: d.probs,
      action: d.action,
      code: d.code,
      reason: d.reason,
    });
    const codes = new Set<string>();
    for (const d of decisions) {
      codes.add(d.code);
      expect(typeof d.reason).toBe('string');
      expect(JSON.stringify(d)).toBe(JSON.stringify(plain(d)));
      expect(decisionJson(d)).toBe(decisionJson(plain(d)));
      if (d.code === 'NO_SETUP') expect(d.reason).toMatch(/^[A-Z_]+ [a-z_]+: no (pullback|rally|band touch|reversal): /);
      if (d.code === 'IN_POSITION') expect(d.reason).toMatch(/^holding (long|short) \d+ from \d+(\.\d+)?$/);
    }
    expect(codes.has('NO_SETUP')).toBe(true);
    expect(codes.has('IN_POSITION')).toBe(true);
  });
});
