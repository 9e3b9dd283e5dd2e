// Several instruments on one account: the risk room and the contract cap are the account's, entries of
// the same instant are reserved one at a time, and a breach on one instrument flattens and halts all.

import { describe, expect, it } from 'vitest';
import { barAt, sliceBarSeries, type Bar, type BarSeries } from '../../src/domain/bar.ts';
import { TradingState } from '../../src/domain/trading.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { SimBroker } from '../../src/broker/sim/simBroker.ts';
import { driveSync } from '../../src/engine/drive.ts';
import { EngineSession } from '../../src/engine/session.ts';
import { runBacktest, runPortfolioBacktest } from '../../src/backtest/runner.ts';
import { generateCorrelatedBars } from '../../src/data/index.ts';
import { RegimeDetector, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { RiskManager, riskSettingsFromConfig } from '../../src/strategy/riskManager/index.ts';

// Three equity micros with MNQ's contract specs and identical strategy settings (base size 1).
const TWINS = ['AAA', 'BBB', 'CCC'].map((symbol) => ({ symbol, tick_size: 0.25, tick_value: 0.5, commission_per_side: 0.37 }));
const baseSize1 = Object.fromEntries(['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'].map((l) => [l, { base_size: 1 }])) as Record<
  string,
  { base_size: number }
>;

function loadedWith(risk: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const defaults = testConfig().config.regime_action as Record<string, object>;
  const regime_action = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { ...v, ...(baseSize1[k] ?? {}) }]));
  return testConfig({ instruments: TWINS, backtest: { instrument: 'AAA' }, regime_action, risk: { ...testConfig().config.risk, ...risk }, ...extra });
}

let cached: { series: BarSeries; model: RegimeModel } | null = null;
/** 70 synthetic days; a model trained on the first 50; the last 20 to trade. */
function data(): { series: BarSeries; model: RegimeModel } {
  if (!cached) {
    const { bySymbol } = generateCorrelatedBars({
      seed: 5,
      days: 70,
      correlation: 1,
      instruments: [{ symbol: 'X', startPrice: 15_000, tickSize: 0.25 }],
    });
    const all = bySymbol.get('X')!;
    const model = trainRegimeModel(sliceBarSeries(all, 0, 50 * 78), testConfig().config).model;
    cached = { series: sliceBarSeries(all, 50 * 78, all.length), model };
  }
  return cached;
}

/** A session trading `symbols`, every one fed the same bars (so they signal on the same bars). */
function twinSession(symbols: readonly string[], loaded = loadedWith()) {
  const ctx = buildRunContext(loaded, 'backtest', { symbols });
  const risk = ctx.createRisk();
  const brokers = new Map(symbols.map((s) => [s, new SimBroker({ instrument: ctx.instruments.find((i) => i.symbol === s)!, slippageTicks: 1 })]));
  const decisions: { symbol: string; action: string; code: string; step: number; reason: string }[] = [];
  let step = 0;
  const session = new EngineSession({
    config: ctx.config,
    risk,
    lanes: symbols.map((s) => ({
      ...ctx.engineOptions({ regime: new RegimeDetector(data().model), risk, idPrefix: s, symbol: s }),
      broker: brokers.get(s)!,
    })),
    observer: { decision: (_b, d, symbol) => void decisions.push({ symbol, action: d.action, code: d.code, step, reason: d.reason }) },
  });
  const run = (bars: (symbol: string, i: number) => Bar | null, from: number, to: number, each?: () => void) => {
    for (let i = from; i < to; i++) {
      step = i;
      driveSync(session.onStep(symbols.flatMap((s) => (bars(s, i) ? [{ symbol: s, bar: bars(s, i)! }] : []))));
      each?.();
    }
  };
  return { ctx, risk, brokers, session, decisions, run };
}

const same = (_s: string, i: number): Bar => barAt(data().series, i);

describe('one account, several instruments', () => {
  it('two instruments signalling on the same bar both enter when the room allows it', () => {
    const t = twinSession(['AAA', 'BBB']);
    t.run(same, 0, data().series.length);
    const entries = t.decisions.filter((d) => d.action === 'enter');
    const steps = new Map<number, string[]>();
    for (const e of entries) steps.set(e.step, [...(steps.get(e.step) ?? []), e.symbol]);
    expect(entries.length).toBeGreaterThan(4);
    expect([...steps.values()].every((s) => s.length === 2)).toBe(true);
  });

  it('entries of one bar are reserved one at a time: when the room takes only one, the first instrument in order gets it', () => {
    // A daily loss limit of 40 USD: one contract at a 40-60 tick stop risks 20.74-30.74 USD, two fit only after a profit.
    const t = twinSession(['AAA', 'BBB'], loadedWith({ daily_loss_limit: 40 }));
    t.run(same, 0, data().series.length);
    const at = (step: number, symbol: string) => t.decisions.find((d) => d.step === step && d.symbol === symbol)!;
    const aEnters = t.decisions.filter((d) => d.symbol === 'AAA' && d.action === 'enter');
    const refused = aEnters.filter((e) => at(e.step, 'BBB').code === 'RISK_BUDGET');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0] && at(refused[0].step, 'BBB').reason).toMatch(/denied: .*room=/);
    // BBB never takes room AAA wanted on the same bar.
    for (const b of t.decisions.filter((d) => d.symbol === 'BBB' && d.action === 'enter')) expect(at(b.step, 'AAA').code).not.toBe('RISK_BUDGET');
  });

  it('a correlation bucket of one micro over AAA and BBB: on a bar both signal only AAA enters, CCC (outside it) still does', () => {
    const t = twinSession(['AAA', 'BBB', 'CCC'], loadedWith({ correlation_bucket: { symbols: ['AAA', 'BBB'], max_contracts_mini_equivalent: 0.1 } }));
    t.run(same, 0, data().series.length, () => {
      const held = (s: string) => t.brokers.get(s)!.position?.qty ?? 0;
      expect(held('AAA') + held('BBB')).toBeLessThanOrEqual(1);
    });
    const at = (step: number, symbol: string) => t.decisions.find((d) => d.step === step && d.symbol === symbol)!;
    const aEnters = t.decisions.filter((d) => d.symbol === 'AAA' && d.action === 'enter');
    expect(aEnters.length).toBeGreaterThan(4);
    for (const e of aEnters) {
      expect(at(e.step, 'BBB').code).toBe('CORRELATION_BUCKET');
      expect(at(e.step, 'BBB').reason).toMatch(/denied: .*correlation bucket AAA,BBB units=1\/1/);
      expect(at(e.step, 'CCC').action).toBe('enter');
    }
    // BBB enters only on bars AAA does not (e.g. AAA used up its trades in the regime, MAX_REGIME_TRADES)
    for (const b of t.decisions.filter((d) => d.symbol === 'BBB' && d.action === 'enter')) expect(at(b.step, 'AAA').action).not.toBe('enter');
    expect(t.decisions.filter((d) => d.symbol === 'CCC' && d.action === 'enter').length).toBeGreaterThanOrEqual(aEnters.length);
  });

  it('never holds more contracts than the account cap, whatever all instruments ask for', () => {
    // Base size 5 on each of three instruments (15 micros) against a cap of 1 mini = 10 micros.
    const defaults = testConfig().config.regime_action as Record<string, object>;
    const regime_action = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { ...v, base_size: 5 }]));
    const loaded = testConfig({
      instruments: TWINS,
      backtest: { instrument: 'AAA' },
      regime_action,
      risk: { ...testConfig().config.risk, max_contracts_minis: 1 },
    });
    const t = twinSession(['AAA', 'BBB', 'CCC'], loaded);
    let most = 0;
    t.run(same, 0, data().series.length, () => {
      const held = [...t.brokers.values()].reduce((n, b) => n + (b.position?.qty ?? 0), 0);
      most = Math.max(most, held);
      expect(held).toBeLessThanOrEqual(10);
    });
    expect(most).toBeGreaterThan(5);
    expect(t.decisions.some((d) => d.code === 'MAX_CONTRACTS')).toBe(true);
  });

  it('a loss on one instrument takes the room the others would have traded with', () => {
    // The account risk manager alone: 100 USD of daily room, 40-tick stops (20.74 USD per MNQ, 50.74 per MES).
    const settings = { ...riskSettingsFromConfig(loadedWith().config), dailyLossLimitUsd: 100 };
    const MNQ = { symbol: 'MNQ', tickSize: 0.25, tickValueUsd: 0.5, commissionPerSideUsd: 0.37, isMicro: true };
    const MES = { symbol: 'MES', tickSize: 0.25, tickValueUsd: 1.25, commissionPerSideUsd: 0.37, isMicro: true };
    const t0 = Date.UTC(2024, 0, 3, 15, 0);
    const entry = (symbol: string, tsMs: number) => ({
      tsMs,
      symbol,
      side: 'long' as const,
      stopTicks: 40,
      baseSize: 1,
      regime: 'BULL' as const,
      regimeConfidence: 0.9,
      vixMultiplier: 1,
      newsMultiplier: 1,
    });
    const fresh = () => new RiskManager(settings, [MNQ, MES], { balanceUsd: 50_000, highestEodBalanceUsd: 50_000 });
    // Without the loss MES fits.
    expect('id' in fresh().reserveEntry(entry('MES', t0))).toBe(true);
    // MNQ loses 60 USD first: the 40 USD left cannot take MES's 50.74 stop risk.
    const r = fresh();
    const res = r.reserveEntry(entry('MNQ', t0));
    expect('id' in res).toBe(true);
    r.commit((res as { id: string }).id);
    r.onFill({ tsMs: t0, symbol: 'MNQ', side: 'buy', qty: 1, price: 20_000, commissionUsd: 0.37 });
    r.onFill({ tsMs: t0 + 60_000, symbol: 'MNQ', side: 'sell', qty: 1, price: 19_970.375, commissionUsd: 0.37 });
    expect(r.snapshot().realizedTodayUsd).toBeCloseTo(-59.99, 6);
    const denied = r.reserveEntry(entry('MES', t0 + 120_000));
    expect(denied).toMatchObject({ code: 'RISK_BUDGET' });
  });

  it('a breach on one instrument flattens every instrument at once and halts them all', () => {
    // 150 USD above the trailing floor: a gap through one instrument's stop breaches the MLL.
    const t = twinSession(['AAA', 'BBB']);
    const risk = t.risk;
    const n = data().series.length;
    let i = 0;
    for (; i < n; i++) {
      t.run(same, i, i + 1);
      if (t.brokers.get('AAA')!.position && t.brokers.get('BBB')!.position) break;
    }
    expect(i).toBeLessThan(n);
    const pos = t.brokers.get('AAA')!.position!;
    const room = risk.equityUsd - risk.mllFloorUsd;
    const prev = barAt(data().series, i);
    const gap = pos.side === 'long' ? pos.entryPrice - (room + 50) / 0.5 / 4 : pos.entryPrice + (room + 50) / 0.5 / 4;
    const crash: Bar = { tsMs: prev.tsMs + 300_000, open: gap, high: gap + 1, low: gap - 1, close: gap, volume: 100 };
    const calm = barAt(data().series, i + 1);
    driveSync(
      t.session.onStep([
        { symbol: 'AAA', bar: crash },
        { symbol: 'BBB', bar: { ...calm, tsMs: crash.tsMs } },
      ]),
    );
    expect(risk.state).toBe(TradingState.HALTED);
    expect(t.session.record.toResult().breach?.rule).toBe('MLL_BREACH');
    expect(t.brokers.get('AAA')!.position).toBeNull();
    expect(t.brokers.get('BBB')!.position).toBeNull();
    expect(t.session.lane('BBB').record.trades.at(-1)?.exitReason).toBe('risk_liquidation');
    const before = t.session.record.trades.length;
    t.run(same, i + 2, Math.min(n, i + 2 + 78));
    expect(t.session.record.trades.length).toBe(before);
  });

  it('a portfolio backtest of one instrument equals the single-instrument backtest', () => {
    const ctx = buildRunContext(loadedWith(), 'backtest', { symbols: ['AAA'] });
    const opts = () => ctx.engineOptions({ regime: new RegimeDetector(data().model), risk: ctx.createRisk(), idPrefix: 'bt', symbol: 'AAA' });
    const single = runBacktest({ ...opts(), series: data().series, slippageTicks: 1 });
    const p = runPortfolioBacktest({ config: ctx.config, risk: ctx.createRisk(), lanes: [{ ...opts(), series: data().series, slippageTicks: 1 }] });
    expect(single.trades.length).toBeGreaterThan(3);
    expect(p.account).toEqual(single);
    expect(p.bySymbol.get('AAA')!.trades).toEqual(single.trades);
  });
});
