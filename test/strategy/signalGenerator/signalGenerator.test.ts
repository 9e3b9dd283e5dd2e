// Tests of generateSignal: every REGIME_ACTION default on crafted bars, each no-trade gate's code, tick grid.
import { describe, expect, it } from 'vitest';
import { TradingState } from '../../../src/domain/trading.ts';
import { validateConfig } from '../../../src/config/index.ts';
import {
  generateSignal,
  RegimeRunTracker,
  SessionTradeCounter,
  signalSettingsFromConfig,
  type Decision,
  type TradeSignal,
} from '../../../src/strategy/signalGenerator/index.ts';
import { bar, ctx, PASS, SETTINGS_5, snapshot } from './support.ts';

function trade(d: Decision): TradeSignal {
  if (d.side === null) throw new Error(`expected a signal, got ${d.reasonCode}: ${d.reason}`);
  return d as TradeSignal;
}

describe('generateSignal: REGIME_ACTION defaults (VWAP 20000, σ 10, MNQ tick 0.25)', () => {
  it('STRONG_BULL buys a pullback to VWAP; stop 60 ticks, target 2R', () => {
    const s = trade(generateSignal(ctx('STRONG_BULL', bar(20008, 20009, 20001, 20005))));
    expect(s).toMatchObject({
      side: 'long',
      entryType: 'market',
      entryPrice: 20005,
      stopPrice: 19990,
      targetPrice: 20035,
      stopTicks: 60,
      size: 2,
      regime: 'STRONG_BULL',
      reasonCode: 'PULLBACK_TO_VWAP',
    });
  });
  it('BULL buys a pullback; target the +1σ band', () => {
    const s = trade(generateSignal(ctx('BULL', bar(20006, 20007, 20002, 20004))));
    expect(s).toMatchObject({ side: 'long', entryPrice: 20004, stopPrice: 19991.5, targetPrice: 20010, size: 2, reasonCode: 'PULLBACK_TO_VWAP' });
  });
  it('SOFT_BULL (7 states) buys a pullback with base size 1', () => {
    expect(trade(generateSignal(ctx('SOFT_BULL', bar(20006, 20007, 20002, 20004))))).toMatchObject({ side: 'long', size: 1, targetPrice: 20010 });
  });
  it('NEUTRAL fades the +2σ band short and the −2σ band long, back to VWAP', () => {
    const up = trade(generateSignal(ctx('NEUTRAL', bar(20015, 20021, 20014, 20018))));
    expect(up).toMatchObject({ side: 'short', entryPrice: 20018, stopPrice: 20028, targetPrice: 20000, size: 1, reasonCode: 'FADE_UPPER_BAND' });
    const down = trade(generateSignal(ctx('NEUTRAL', bar(19985, 19986, 19979, 19983))));
    expect(down).toMatchObject({ side: 'long', entryPrice: 19983, stopPrice: 19973, targetPrice: 20000, reasonCode: 'FADE_LOWER_BAND' });
  });
  it('SOFT_BEAR and BEAR sell a rally to VWAP; target the −1σ band', () => {
    const b = bar(19995, 19998.5, 19994, 19996);
    expect(trade(generateSignal(ctx('SOFT_BEAR', b)))).toMatchObject({
      side: 'short',
      entryPrice: 19996,
      stopPrice: 20008.5,
      targetPrice: 19990,
      size: 1,
      reasonCode: 'RALLY_TO_VWAP',
    });
    expect(trade(generateSignal(ctx('BEAR', b)))).toMatchObject({ side: 'short', size: 2 });
  });
  it('CRASH buys a reversal bar below −2σ, target the VWAP anchored at the crash start', () => {
    const b = bar(19975, 19979, 19970, 19978);
    const anchored = snapshot(19990.3, 6, 12);
    expect(trade(generateSignal(ctx('CRASH', b, { anchoredVwap: anchored })))).toMatchObject({
      side: 'long',
      entryPrice: 19978,
      stopPrice: 19963,
      targetPrice: 19990.25,
      size: 1,
      reasonCode: 'REVERSAL_BELOW_LOWER_BAND',
    });
    // without an anchored VWAP, or with anchored_vwap disabled, the session VWAP
    expect(trade(generateSignal(ctx('CRASH', b))).targetPrice).toBe(20000);
    expect(trade(generateSignal(ctx('CRASH', b, { anchoredVwap: anchored, settings: { ...SETTINGS_5, anchoredVwap: false } }))).targetPrice).toBe(
      20000,
    );
  });
  it('CRASH ignores a bearish bar below −2σ', () => {
    expect(generateSignal(ctx('CRASH', bar(19978, 19979, 19970, 19975))).reasonCode).toBe('NO_SETUP');
  });
});

describe('generateSignal: no-trade decisions carry stable codes', () => {
  const pull = bar(20006, 20007, 20002, 20004);
  it.each([
    ['HALTED', { tradingState: TradingState.HALTED }],
    ['REDUCING', { tradingState: TradingState.REDUCING }],
    ['IN_POSITION', { position: { symbol: 'MNQ', qty: -1, avgPrice: 20010 } }],
    ['NEWS_BLACKOUT', { filters: { ...PASS, allowEntry: false, code: 'NEWS_BLACKOUT' as const, reason: 'event=CPI' } }],
    ['MAX_REGIME_TRADES', { regimeTradesThisSession: 2 }],
    ['VWAP_NOT_READY', { vwap: snapshot(20000, 0, 1) }],
  ])('%s', (code, over) => {
    const d = generateSignal(ctx('BULL', pull, over));
    expect(d.side).toBeNull();
    expect(d.reasonCode).toBe(code);
    expect(d.reason.length).toBeGreaterThan(0);
  });
  it('NO_SETUP when the bar does not reach VWAP', () => {
    expect(generateSignal(ctx('BULL', bar(20010, 20012, 20006, 20011))).reasonCode).toBe('NO_SETUP');
  });
  it('TARGET_BEHIND_ENTRY when the close is already beyond the band target', () => {
    expect(generateSignal(ctx('BULL', bar(20002, 20013, 20001, 20012))).reasonCode).toBe('TARGET_BEHIND_ENTRY');
  });
  it('REGIME_FLAT and NO_REGIME_ACTION from the table', () => {
    const flat = {
      ...SETTINGS_5,
      regimeAction: {
        ...SETTINGS_5.regimeAction,
        NEUTRAL: { direction: 'flat' as const, entry_rule: 'none' as const, base_size: 0, max_trades_per_session: 0 },
      },
    };
    expect(generateSignal(ctx('NEUTRAL', pull, { settings: flat })).reasonCode).toBe('REGIME_FLAT');
    expect(generateSignal(ctx('BULL', pull, { settings: { ...SETTINGS_5, regimeAction: {} } })).reasonCode).toBe('NO_REGIME_ACTION');
  });
  it('a short-only fade takes only the upper band', () => {
    const shortOnly = {
      ...SETTINGS_5,
      regimeAction: {
        ...SETTINGS_5.regimeAction,
        NEUTRAL: { direction: 'short' as const, entry_rule: 'fade_bands' as const, base_size: 1, max_trades_per_session: 2 },
      },
    };
    expect(generateSignal(ctx('NEUTRAL', bar(19985, 19986, 19979, 19983), { settings: shortOnly })).reasonCode).toBe('NO_SETUP');
  });
});

describe('generateSignal: prices on the tick grid', () => {
  it('rounds entry to the grid and the target toward the entry', () => {
    const s = trade(generateSignal(ctx('BULL', bar(20006, 20007, 20002.1, 20004.1), { vwap: snapshot(20000.05, 10.1) })));
    for (const p of [s.entryPrice, s.stopPrice, s.targetPrice]) expect(Math.abs(p / 0.25 - Math.round(p / 0.25))).toBeLessThan(1e-9);
    expect(s.entryPrice).toBe(20004);
    expect(s.targetPrice).toBe(20010); // 20010.15 floored for a long
  });
});

describe('trackers', () => {
  it('RegimeRunTracker gives the start of the current run', () => {
    const t = new RegimeRunTracker();
    expect(t.update(1, 'BEAR')).toBe(1);
    expect(t.update(2, 'CRASH')).toBe(2);
    expect(t.update(3, 'CRASH')).toBe(2);
    expect(t.update(4, 'BEAR')).toBe(4);
  });
  it('SessionTradeCounter counts per regime and resets on a new date', () => {
    const c = new SessionTradeCounter();
    c.record('2024-01-03', 'BULL');
    c.record('2024-01-03', 'BULL');
    expect(c.count('2024-01-03', 'BULL')).toBe(2);
    expect(c.count('2024-01-03', 'BEAR')).toBe(0);
    expect(c.count('2024-01-04', 'BULL')).toBe(0);
  });
});

describe('7-state tables', () => {
  it('every default table has an entry for each of the 7 labels', () => {
    const s = signalSettingsFromConfig(validateConfig({ hmm: { n_states: 7 } }, 'test'));
    for (const l of ['STRONG_BULL', 'BULL', 'SOFT_BULL', 'NEUTRAL', 'SOFT_BEAR', 'BEAR', 'CRASH'] as const) {
      expect(s.regimeAction[l]).toBeDefined();
      expect(s.stops[l]).toBeGreaterThan(0);
      expect(s.targets[l]).toBeDefined();
    }
  });
  it('config validation rejects a 7-state config whose table misses a state in use', () => {
    // an explicit table replaces the defaults, so SOFT_BEAR is missing
    const five = { STRONG_BULL: 60, BULL: 50, NEUTRAL: 40, BEAR: 50, CRASH: 60 };
    expect(() => validateConfig({ stops: five }, 'test')).not.toThrow();
    let problems: string[] = [];
    try {
      validateConfig({ hmm: { n_states: 7 }, stops: five }, 'test');
    } catch (e) {
      problems = (e as { problems: string[] }).problems;
    }
    expect(problems.some((p) => p.startsWith('stops.SOFT_BULL: missing'))).toBe(true);
    expect(problems.some((p) => p.startsWith('stops.SOFT_BEAR: missing'))).toBe(true);
  });
  it.each(['regime_action', 'targets', 'regime_size_multipliers'] as const)('rejects %s without the SOFT_ states under n_states 7', (table) => {
    const defaults = validateConfig({}, 'test')[table] as Record<string, unknown>;
    const fiveOnly = Object.fromEntries(Object.entries(defaults).filter(([k]) => !k.startsWith('SOFT_')));
    expect(() => validateConfig({ [table]: fiveOnly }, 'test')).not.toThrow();
    try {
      validateConfig({ hmm: { n_states: 7 }, [table]: fiveOnly }, 'test');
      expect.unreachable('validation should fail');
    } catch (e) {
      expect((e as { code: string }).code).toBe('CONFIG_INVALID');
      expect((e as { problems: string[] }).problems.filter((p) => p.startsWith(`${table}.SOFT_`))).toHaveLength(2);
    }
  });
});

describe('reward:risk minimum', () => {
  it('skips an entry whose target is closer than min_reward_risk x the stop, and keeps one that is far enough', () => {
    const pull = bar(20006, 20008, 20001, 20005);
    const taken = generateSignal(ctx('BULL', pull));
    expect(taken.side).toBe('long');
    const t = taken as Exclude<typeof taken, { side: null }>;
    const rewardTicks = Math.round((t.targetPrice - t.entryPrice) / 0.25);
    const tooStrict = generateSignal(ctx('BULL', pull, { settings: { ...SETTINGS_5, minRewardRisk: (rewardTicks + 1) / t.stopTicks } }));
    expect(tooStrict.reasonCode).toBe('REWARD_TOO_SMALL');
    const justEnough = generateSignal(ctx('BULL', pull, { settings: { ...SETTINGS_5, minRewardRisk: rewardTicks / t.stopTicks } }));
    expect(justEnough.side).toBe('long');
  });
});
