// Tests of the live loop on the paper broker: trade-for-trade parity with the backtest, journal contents,
// kill switch, clean stop, and the halted state.

import { describe, expect, it } from 'vitest';
import { barAt, sliceBarSeries } from '../../src/domain/bar.ts';
import { runBacktest } from '../../src/backtest/runner.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { RegimeDetector } from '../../src/regime/index.ts';
import { MemoryJournal, IntentStatus } from '../../src/state/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { ManualClock } from '../../src/live/liveClock.ts';
import { SimBroker } from '../../src/broker/sim/simBroker.ts';
import { JournalRecorder } from '../../src/live/journalRecorder.ts';
import { KILL_META_KEY, LiveRunner } from '../../src/live/liveRunner.ts';
import { TradingState } from '../../src/domain/trading.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

function paperRunner(journal = new MemoryJournal(), initial?: { balanceUsd: number; highestEodBalanceUsd: number }) {
  const loaded = testConfig();
  const { model } = syntheticSetup();
  const ctx = buildRunContext(loaded, 'paper');
  const market = { instrument: ctx.instrument };
  const risk = ctx.createRisk(initial);
  const clock = new ManualClock(0);
  const runner = new LiveRunner({
    engine: ctx.engineOptions({ regime: new RegimeDetector(model), risk, idPrefix: 'bt' }),
    broker: new SimBroker({ instrument: market.instrument, slippageTicks: loaded.config.backtest.slippage_ticks }),
    journal: new JournalRecorder(journal, market.instrument.symbol),
    clock,
    logger: silentLogger(),
  });
  return { loaded, market, risk, runner, journal, clock, model };
}

describe('LiveRunner on the paper broker', () => {
  it('trades exactly as the backtest on the same bars, model and config', async () => {
    const { test, model } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 20 * 78);
    const loaded = testConfig();
    const ctx = buildRunContext(loaded, 'backtest');
    const bt = runBacktest({
      ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'bt' }),
      series,
      slippageTicks: loaded.config.backtest.slippage_ticks,
    });
    const { runner } = paperRunner();
    for (let i = 0; i < series.length; i++) void runner.onBar(barAt(series, i));
    await runner.finish();
    expect(bt.trades.length).toBeGreaterThan(3);
    expect(runner.trades).toEqual(bt.trades);
    expect(runner.record.toResult().days).toEqual(bt.days);
    expect(runner.record.toResult().equity).toEqual(bt.equity);
    expect(runner.errors).toBe(0);
  });

  it('journals intents before fills, trades, decisions and end-of-day balances', async () => {
    const { test } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 5 * 78);
    const { runner, journal } = paperRunner();
    for (let i = 0; i < series.length; i++) void runner.onBar(barAt(series, i));
    await runner.finish();
    const trades = runner.trades;
    expect(trades.length).toBeGreaterThan(0);
    const first = trades[0]!;
    const intent = await journal.intent(first.intentId);
    expect(intent?.status).toBe(IntentStatus.FILLED);
    expect(intent?.customTag).toBe(`txbot-${first.intentId}`);
    expect(intent?.brokerOrderId).toBe(`sim-${first.intentId}`);
    expect(await journal.openIntents()).toEqual([]);
    const eod = await journal.endOfDayBalances();
    expect(eod.length).toBe(4);
    expect((await journal.recentDecisions(10_000)).length).toBeGreaterThan(100);
    const all = await Promise.all([...new Set(trades.map((t) => t.intentId))].map((id) => journal.intent(id)));
    expect(all.every((r) => r !== null)).toBe(true);
  });

  it('kill switch flattens the open position, halts new entries for the rest of the day and is journaled', async () => {
    const { test } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 10 * 78);
    const { runner, journal, clock } = paperRunner();
    let i = 0;
    // Run until a position is open.
    for (; i < series.length; i++) {
      await runner.onBar(barAt(series, i));
      if ((runner as unknown as { o: { broker: SimBroker } }).o.broker.position) break;
    }
    expect(i).toBeLessThan(series.length);
    clock.advanceTo(barAt(series, i).tsMs + 300_000);
    await runner.kill('test');
    const broker = (runner as unknown as { o: { broker: SimBroker } }).o.broker;
    expect(broker.position).toBeNull();
    expect(runner.trades.at(-1)?.exitReason).toBe('kill_switch');
    expect(runner.halted).toBe(true);
    const before = runner.trades.length;
    const killDay = sessionInfo(barAt(series, i).tsMs).tradingDay;
    for (i++; i < series.length && sessionInfo(barAt(series, i).tsMs).tradingDay === killDay; i++) {
      await runner.onBar(barAt(series, i));
      expect(broker.position).toBeNull();
      expect(broker.hasPendingEntry).toBe(false);
      expect(runner.session.lastDecision?.code).toMatch(/^(HALTED|OUTSIDE_SESSION|SESSION_END|REGIME_WARMUP)$/);
    }
    expect(runner.trades.length).toBe(before);
    expect(await journal.getMeta(KILL_META_KEY)).toMatch(/ test$/);
    expect((await journal.openIntents()).length).toBe(0);
    // The halt is for the day: the next trading day starts ACTIVE again.
    await runner.onBar(barAt(series, i));
    expect(runner.halted).toBe(false);
  });

  it('several instruments: the kill switch flattens every instrument and journals each position flat', async () => {
    const { test, model } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 10 * 78);
    const loaded = testConfig();
    const ctx = buildRunContext(loaded, 'paper', { symbols: ['MNQ', 'MES'] });
    const risk = ctx.createRisk();
    const journal = new MemoryJournal();
    const clock = new ManualClock(0);
    const brokers = ctx.instruments.map((instrument) => new SimBroker({ instrument, slippageTicks: loaded.config.backtest.slippage_ticks }));
    const runner = new LiveRunner({
      account: {
        config: loaded.config,
        risk,
        lanes: ctx.instruments.map((inst, i) => ({
          ...ctx.engineOptions({ regime: new RegimeDetector(model), risk, idPrefix: 'p', symbol: inst.symbol }),
          broker: brokers[i]!,
        })),
      },
      journal: new JournalRecorder(journal, 'MNQ'),
      clock,
      logger: silentLogger(),
    });
    // The same bars for both: both enter on the same signal when the account's room allows it.
    let i = 0;
    for (; i < series.length && !brokers.every((b) => b.position); i++) {
      const bar = barAt(series, i);
      await runner.onStep([
        { symbol: 'MNQ', bar },
        { symbol: 'MES', bar },
      ]);
    }
    expect(i).toBeLessThan(series.length);
    expect(runner.status().position).toMatch(/^MNQ (long|short) \d+ @ .*; MES (long|short) \d+ @ /);
    clock.advanceTo(barAt(series, i).tsMs + 300_000);
    await runner.kill('test');
    expect(brokers.map((b) => b.position)).toEqual([null, null]);
    expect(runner.status().position).toBe('MNQ flat; MES flat');
    const killed = runner.trades.filter((t) => t.exitReason === 'kill_switch');
    expect(killed.map((t) => t.symbol).sort()).toEqual(['MES', 'MNQ']);
    const positions = await journal.latestPositions();
    expect(positions.map((p) => [p.symbol, p.qty]).sort()).toEqual([
      ['MES', 0],
      ['MNQ', 0],
    ]);
    expect((await journal.recentDecisions(10_000)).some((d) => d.symbol === 'MES')).toBe(true);
  });

  it('a clean stop with on_stop flatten closes the position; leave_brackets keeps it', async () => {
    const { test } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 10 * 78);
    for (const mode of ['flatten', 'leave_brackets'] as const) {
      const { runner } = paperRunner();
      const broker = (runner as unknown as { o: { broker: SimBroker } }).o.broker;
      for (let i = 0; i < series.length && !broker.position; i++) await runner.onBar(barAt(series, i));
      expect(broker.position).not.toBeNull();
      await runner.stop(mode);
      expect(broker.position === null).toBe(mode === 'flatten');
    }
  });

  it('reports a status line with regime, position and the room left under the limits', async () => {
    const { test } = syntheticSetup();
    const { runner } = paperRunner();
    for (let i = 0; i < 78; i++) void runner.onBar(barAt(test, i));
    await runner.idle();
    const s = runner.status();
    expect(s.bars).toBe(78);
    expect(s.balanceUsd).toBeGreaterThan(40_000);
    expect(s.mllRoomUsd).toBeGreaterThan(0);
    expect(s.regime).not.toBeNull();
  });

  it('an MLL breach flattens and halts: no entry afterwards', async () => {
    const { test } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 20 * 78);
    // 150 USD above the trailing floor (highest EOD 51 850 → floor 49 850).
    const { runner, risk } = paperRunner(new MemoryJournal(), { balanceUsd: 50_000, highestEodBalanceUsd: 51_850 });
    const broker = (runner as unknown as { o: { broker: SimBroker } }).o.broker;
    let i = 0;
    for (; i < series.length && !broker.position; i++) await runner.onBar(barAt(series, i));
    const pos = broker.position!;
    expect(pos).not.toBeNull();
    // A gap far through the stop: filled at the open, the loss crosses the floor.
    const prev = barAt(series, i - 1);
    const gap = pos.side === 'long' ? pos.entryPrice - 400 : pos.entryPrice + 400;
    await runner.onBar({ tsMs: prev.tsMs + 300_000, open: gap, high: gap + 1, low: gap - 1, close: gap, volume: 100 });
    expect(broker.position).toBeNull();
    expect(risk.state).toBe(TradingState.HALTED);
    expect(runner.record.breach?.rule).toBe('MLL_BREACH');
    const before = runner.trades.length;
    for (let k = i + 1; k < series.length; k++) await runner.onBar(barAt(series, k));
    expect(runner.trades.length).toBe(before);
    expect(risk.state).toBe(TradingState.HALTED);
  });

  it('is flat after the last bar of every session (flat time)', async () => {
    const { test } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 30 * 78);
    const { runner } = paperRunner();
    const broker = (runner as unknown as { o: { broker: SimBroker } }).o.broker;
    let flatAtDayEnd = 0;
    for (let i = 0; i < series.length; i++) {
      await runner.onBar(barAt(series, i));
      const next = i + 1 < series.length ? sessionInfo(series.tsMs[i + 1]!).tradingDay : Number.NaN;
      if (next !== sessionInfo(series.tsMs[i]!).tradingDay) {
        expect(broker.position).toBeNull();
        expect(broker.hasPendingEntry).toBe(false);
        flatAtDayEnd++;
      }
    }
    expect(flatAtDayEnd).toBe(30);
    expect(runner.trades.some((t) => t.exitReason === 'session_end')).toBe(true);
  });

  it('a kill switch restored at restart (journaled earlier today) clears on the next trading day (issue 20)', async () => {
    const { test } = syntheticSetup();
    const series = sliceBarSeries(test, 0, 3 * 78);
    const { runner } = paperRunner();
    for (let i = 0; i < 10; i++) await runner.onBar(barAt(series, i));
    await runner.restoreKill('killed before the restart');
    expect(runner.halted).toBe(true);
    let i = 10;
    const day = sessionInfo(barAt(series, 0).tsMs).tradingDay;
    for (; sessionInfo(barAt(series, i).tsMs).tradingDay === day; i++) {
      await runner.onBar(barAt(series, i));
      expect(runner.halted).toBe(true);
    }
    await runner.onBar(barAt(series, i));
    expect(runner.halted).toBe(false);
  });
});
