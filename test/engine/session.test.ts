// The engine session's protocol, step by step, against a scripted broker stub: per-bar order of calls,
// intent before send, day roll, session end, kill switch, repeated flatten, liquidation levels, drivers.

import { describe, expect, it, vi } from 'vitest';
import { barAt, sliceBarSeries, type Bar } from '../../src/domain/bar.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { TradingState } from '../../src/domain/trading.ts';
import type { BracketOrderRequest, BrokerPosition, ExecutionEvent, ExitReason, LiquidationLevel, SubmitOutcome } from '../../src/domain/orders.ts';
import type { BrokerPort } from '../../src/engine/brokerPort.ts';
import { driveAsync, driveSync } from '../../src/engine/drive.ts';
import { EngineSession, type SessionObserver } from '../../src/engine/session.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { RegimeDetector } from '../../src/regime/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

/** A broker stub: entries fill at the next bar's open, no bracket exits, flatten at the given price (or not at all). */
class ScriptedBroker implements BrokerPort {
  readonly name = 'scripted';
  position: BrokerPosition | null = null;
  pending: BracketOrderRequest | null = null;
  flattenWorks = true;
  constructor(private readonly log: string[]) {}

  get hasPendingEntry(): boolean {
    return this.pending !== null;
  }

  onBar(bar: Bar): readonly ExecutionEvent[] {
    this.log.push(`broker.onBar ${bar.tsMs}`);
    const p = this.pending;
    if (!p) return [];
    this.pending = null;
    const sign = p.side === 'long' ? 1 : -1;
    this.position = {
      intentId: p.intentId,
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryPrice: bar.open,
      entryTsMs: bar.tsMs,
      stopPrice: bar.open - sign * p.stopTicks * 0.25,
      targetPrice: bar.open + sign * p.targetTicks * 0.25,
    };
    const ev: ExecutionEvent = {
      kind: 'entry_filled',
      intentId: p.intentId,
      tsMs: bar.tsMs,
      side: p.side === 'long' ? 'buy' : 'sell',
      qty: p.qty,
      price: bar.open,
      commissionUsd: 0.37 * p.qty,
      stopPrice: this.position.stopPrice,
      targetPrice: this.position.targetPrice,
    };
    return [ev];
  }

  submitBracket(order: BracketOrderRequest): SubmitOutcome {
    this.log.push(`broker.submit ${order.intentId}`);
    this.pending = order;
    return { brokerOrderId: `o-${order.intentId}`, events: [] };
  }

  cancelEntry(intentId: string, tsMs: number, reason: string): readonly ExecutionEvent[] {
    this.log.push(`broker.cancel ${intentId}`);
    if (this.pending?.intentId !== intentId) return [];
    this.pending = null;
    return [{ kind: 'entry_cancelled', intentId, tsMs, reason }];
  }

  flatten(refPrice: number, tsMs: number, reason: ExitReason): readonly ExecutionEvent[] {
    this.log.push(`broker.flatten ${reason}`);
    if (!this.flattenWorks || Number.isNaN(refPrice)) return [];
    const out: ExecutionEvent[] = [];
    if (this.pending) {
      out.push({ kind: 'entry_cancelled', intentId: this.pending.intentId, tsMs, reason });
      this.pending = null;
    }
    const p = this.position;
    if (p) {
      this.position = null;
      out.push({
        kind: 'exit_filled',
        intentId: p.intentId,
        tsMs,
        side: p.side === 'long' ? 'sell' : 'buy',
        qty: p.qty,
        price: refPrice,
        commissionUsd: 0.37 * p.qty,
        reason,
      });
    }
    return out;
  }

  setLiquidationLevel(level: LiquidationLevel | null): void {
    this.log.push(`broker.liquidation ${level ? 'set' : 'none'}`);
  }

  setEventSink(): void {}
  close(): void {}
}

function observer(log: string[]): SessionObserver {
  return {
    intent: (o) => void log.push(`journal.intent ${o.intentId}`),
    sent: (o) => void log.push(`journal.sent ${o.intentId}`),
    execution: (ev) => void log.push(`journal.execution ${ev.kind}`),
    risk: (e) => void log.push(e.kind === 'STATE_CHANGED' ? `journal.risk ${e.to} ${e.code}` : `journal.risk FLATTEN ${e.code}`),
    decision: (_b, d) => void log.push(`decision ${d.action} ${d.code}`),
    dayEnd: (date) => void log.push(`journal.dayEnd ${date}`),
  };
}

function setup(intentIds: 'sequential' | 'bar' = 'sequential') {
  const { test, model } = syntheticSetup();
  const series = sliceBarSeries(test, 0, 20 * 78);
  const ctx = buildRunContext(testConfig(), 'backtest');
  const log: string[] = [];
  const broker = new ScriptedBroker(log);
  const risk = ctx.createRisk();
  const session = new EngineSession({
    ...ctx.engineOptions({ regime: new RegimeDetector(model), risk, idPrefix: 't' }),
    intentIds,
    broker,
    observer: observer(log),
  });
  return { series, log, broker, risk, session };
}

/** Index of the first bar whose decision is an entry. */
function runUntilEntry(s: ReturnType<typeof setup>): number {
  for (let i = 0; i < s.series.length; i++) {
    driveSync(s.session.onBar(barAt(s.series, i)));
    if (s.session.lastDecision?.action === 'enter') return i;
  }
  throw new Error('no entry in the fixture');
}

describe('EngineSession', () => {
  it("intentIds 'bar': two sessions deciding the same bar make the same intent id and customTag (trading date, symbol, bar close, n-th)", () => {
    const a = setup('bar');
    const b = setup('bar');
    const i = runUntilEntry(a);
    expect(runUntilEntry(b)).toBe(i);
    const sent = (s: ReturnType<typeof setup>) =>
      s.log
        .filter((l) => l.startsWith('broker.submit'))
        .at(-1)!
        .slice('broker.submit '.length);
    const id = sent(a);
    expect(sent(b)).toBe(id);
    const bar = barAt(a.series, i);
    const date = sessionInfo(bar.tsMs).tradingDate.replaceAll('-', '');
    expect(id).toBe(`t${date}-MNQ-${Math.floor(a.session.lastDecision!.tsMs / 1000).toString(36)}-1`);
    expect(id).toMatch(new RegExp(`^t${date}-MNQ-[0-9a-z]+-1$`));
    // The default stays the per-run counter (backtest outputs unchanged).
    const c = setup();
    runUntilEntry(c);
    expect(c.log.filter((l) => l.startsWith('broker.submit')).at(-1)).toBe('broker.submit t-1');
  });

  it('runs a bar in the documented order: broker bar, decision, intent journaled before the order, liquidation level', () => {
    const s = setup();
    const i = runUntilEntry(s);
    const bar = barAt(s.series, i);
    const from = s.log.lastIndexOf(`broker.onBar ${bar.tsMs}`);
    expect(s.log.slice(from)).toEqual([
      `broker.onBar ${bar.tsMs}`,
      'journal.intent t-1',
      'broker.submit t-1',
      'journal.sent t-1',
      'broker.liquidation none',
      expect.stringMatching(/^decision enter /),
    ]);
    s.log.length = 0;
    driveSync(s.session.onBar(barAt(s.series, i + 1)));
    expect(s.log).toEqual([
      `broker.onBar ${barAt(s.series, i + 1).tsMs}`,
      'journal.execution entry_filled',
      'broker.liquidation set',
      'decision hold IN_POSITION',
    ]);
  });

  it('ends the trading day (risk end of day, journal) before the next day’s first broker bar', () => {
    const s = setup();
    const ends = vi.spyOn(s.risk, 'onTradingDayEnd');
    let rolled = 0;
    for (let i = 0; i < 3 * 78 + 5; i++) {
      const bar = barAt(s.series, i);
      const before = s.log.length;
      driveSync(s.session.onBar(bar));
      if (i > 0 && sessionInfo(bar.tsMs).tradingDay !== sessionInfo(barAt(s.series, i - 1).tsMs).tradingDay) {
        const steps = s.log.slice(before);
        const dayEnd = steps.findIndex((x) => x.startsWith('journal.dayEnd'));
        expect(dayEnd).toBeGreaterThanOrEqual(0);
        expect(steps[dayEnd]).toBe(`journal.dayEnd ${sessionInfo(barAt(s.series, i - 1).tsMs).tradingDate}`);
        expect(dayEnd).toBeLessThan(steps.indexOf(`broker.onBar ${bar.tsMs}`));
        expect(s.risk.snapshot().tradingDate).toBe(sessionInfo(bar.tsMs).tradingDate);
        expect(s.risk.snapshot().tradesToday).toBe(0);
        expect(ends).toHaveBeenLastCalledWith(barAt(s.series, i - 1).tsMs + 300_000);
        rolled++;
      }
    }
    expect(rolled).toBe(3);
    expect(ends).toHaveBeenCalledTimes(3);
  });

  it('flattens a position still open at the session end', () => {
    const s = setup();
    const i = runUntilEntry(s);
    const day = sessionInfo(barAt(s.series, i).tsMs).tradingDay;
    let j = i + 1;
    for (; j < s.series.length && sessionInfo(barAt(s.series, j).tsMs).tradingDay === day; j++) driveSync(s.session.onBar(barAt(s.series, j)));
    expect(s.log).toContain('broker.flatten session_end');
    expect(s.broker.position).toBeNull();
    expect(s.session.record.trades.at(-1)?.exitReason).toBe('session_end');
  });

  it('kill switch: halts through the risk manager, flattens, refuses entries for the day, trades again the next day', () => {
    const s = setup();
    const i = runUntilEntry(s);
    driveSync(s.session.onBar(barAt(s.series, i + 1)));
    expect(s.broker.position).not.toBeNull();
    s.log.length = 0;
    driveSync(s.session.kill('test', barAt(s.series, i + 1).tsMs + 300_000));
    expect(s.log.slice(0, 4)).toEqual([
      'journal.risk HALTED KILL_SWITCH',
      'journal.risk FLATTEN KILL_SWITCH',
      'broker.flatten kill_switch',
      'journal.execution exit_filled',
    ]);
    expect(s.risk.state).toBe(TradingState.HALTED);
    expect(s.risk.stateCode).toBe('KILL_SWITCH');
    expect(s.session.record.trades.at(-1)?.exitReason).toBe('kill_switch');
    const day = sessionInfo(barAt(s.series, i + 1).tsMs).tradingDay;
    let j = i + 2;
    for (; sessionInfo(barAt(s.series, j).tsMs).tradingDay === day; j++) {
      driveSync(s.session.onBar(barAt(s.series, j)));
      expect(s.session.lastDecision?.action).not.toBe('enter');
    }
    expect(s.log.some((x) => x.startsWith('broker.submit'))).toBe(false);
    driveSync(s.session.onBar(barAt(s.series, j)));
    expect(s.log).toContain('journal.risk ACTIVE NEW_TRADING_DAY');
    expect(s.session.killed).toBe(false);
  });

  it('repeats a required flatten on every bar until the broker has closed the position', () => {
    const s = setup();
    const i = runUntilEntry(s);
    driveSync(s.session.onBar(barAt(s.series, i + 1)));
    s.broker.flattenWorks = false;
    driveSync(s.session.kill('test', barAt(s.series, i + 1).tsMs + 300_000));
    expect(s.broker.position).not.toBeNull();
    s.log.length = 0;
    driveSync(s.session.onBar(barAt(s.series, i + 2)));
    driveSync(s.session.onBar(barAt(s.series, i + 3)));
    expect(s.log.filter((x) => x === 'broker.flatten kill_switch')).toHaveLength(2);
    s.broker.flattenWorks = true;
    driveSync(s.session.onBar(barAt(s.series, i + 4)));
    expect(s.broker.position).toBeNull();
    expect(s.session.lastDecision?.code).toBe('RISK_FLATTEN');
  });

  it('a clock tick without bars flattens at the flat time (market-data outage), once per bar length, never rolling the day', () => {
    const s = setup();
    const i = runUntilEntry(s);
    driveSync(s.session.onBar(barAt(s.series, i + 1)));
    expect(s.broker.position).not.toBeNull();
    const lastEnd = s.session.lastBarEndMs;
    const ctMinutes = (ms: number) => {
      const [h, m] = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .format(ms)
        .split(':')
        .map(Number);
      return h! * 60 + m!;
    };
    s.log.length = 0;
    let flattenedAt = Number.NaN;
    for (let t = lastEnd + 60_000; Number.isNaN(flattenedAt) && t < lastEnd + 12 * 3_600_000; t += 60_000) {
      driveSync(s.session.onClock(t));
      if (s.log.includes('broker.flatten session_end')) flattenedAt = t;
    }
    expect(ctMinutes(flattenedAt)).toBeGreaterThanOrEqual(15 * 60 + 10);
    expect(flattenedAt - lastEnd).toBeGreaterThanOrEqual(300_000);
    expect(s.broker.position).toBeNull();
    expect(s.session.record.trades.at(-1)?.exitReason).toBe('session_end');
    expect(s.log.filter((x) => x.startsWith('broker.flatten'))).toHaveLength(1);
    // Ticks in the next trading day leave the day roll to the next bar.
    const before = s.risk.snapshot().tradingDate;
    driveSync(s.session.onClock(flattenedAt + 6 * 3_600_000));
    expect(s.risk.snapshot().tradingDate).toBe(before);
  });

  it('a clock tick while bars flow does nothing', () => {
    const s = setup();
    const i = runUntilEntry(s);
    driveSync(s.session.onBar(barAt(s.series, i + 1)));
    s.log.length = 0;
    driveSync(s.session.onClock(s.session.lastBarEndMs + 299_000));
    expect(s.log).toEqual([]);
  });

  it('driveSync refuses a step that returns a promise; driveAsync runs the same protocol with an asynchronous broker', async () => {
    const a = setup();
    const asyncBroker = new Proxy(a.broker, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv) as unknown;
        if (prop === 'onBar' && typeof v === 'function') return (bar: Bar) => Promise.resolve((v as (b: Bar) => unknown).call(target, bar));
        return v;
      },
    });
    const session = new EngineSession({
      ...buildRunContext(testConfig(), 'paper').engineOptions({ regime: new RegimeDetector(syntheticSetup().model), risk: a.risk, idPrefix: 't' }),
      broker: asyncBroker,
    });
    expect(() => driveSync(session.onBar(barAt(a.series, 0)))).toThrow(/asynchronous broker or journal needs driveAsync/);

    const b = setup();
    const c = setup();
    const cAsync = new EngineSession({
      ...buildRunContext(testConfig(), 'paper').engineOptions({ regime: new RegimeDetector(syntheticSetup().model), risk: c.risk, idPrefix: 't' }),
      broker: new Proxy(c.broker, {
        get(target, prop, recv) {
          const v = Reflect.get(target, prop, recv) as unknown;
          return typeof v === 'function' ? (...args: unknown[]) => Promise.resolve((v as (...x: unknown[]) => unknown).apply(target, args)) : v;
        },
      }),
      observer: observer(c.log),
    });
    for (let i = 0; i < 5 * 78; i++) {
      driveSync(b.session.onBar(barAt(b.series, i)));
      await driveAsync(cAsync.onBar(barAt(c.series, i)));
    }
    expect(c.log).toEqual(b.log);
    expect(cAsync.record.trades).toEqual(b.session.record.trades);
  });

  it('driveAsync throws a rejected broker call into the step, which stops there', async () => {
    const s = setup();
    const failing = new Proxy(s.broker, {
      get(target, prop, recv) {
        if (prop === 'onBar') return () => Promise.reject(new Error('venue down'));
        return Reflect.get(target, prop, recv) as unknown;
      },
    });
    const session = new EngineSession({
      ...buildRunContext(testConfig(), 'paper').engineOptions({ regime: new RegimeDetector(syntheticSetup().model), risk: s.risk, idPrefix: 't' }),
      broker: failing,
      observer: observer(s.log),
    });
    await expect(driveAsync(session.onBar(barAt(s.series, 0)))).rejects.toThrow('venue down');
    expect(s.log.some((x) => x.startsWith('decision'))).toBe(false);
  });
});
