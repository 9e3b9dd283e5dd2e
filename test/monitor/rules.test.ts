// Alert rules: each fires on a crafted journal or event state and stays quiet otherwise.

import { describe, expect, it } from 'vitest';
import { TradingState } from '../../src/domain/trading.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { MonitorEvent } from '../../src/monitor/bus.ts';
import { AlertRuleEngine } from '../../src/monitor/ruleEngine.ts';
import {
  dailyLossAlerts,
  eventAlert,
  idleAlert,
  reconnectStormAlert,
  tradingDatesBack,
  winRateAlert,
  type RuleSettings,
} from '../../src/monitor/rules.ts';
import type { Alert } from '../../src/monitor/types.ts';
import { MemoryJournal } from '../../src/state/index.ts';
import { MINUTE, MONDAY_10_ET_MS, tradeRecord } from '../state/journalFixtures.ts';

const HOUR = 60 * MINUTE;
const SETTINGS: RuleSettings = {
  dailyLossFraction: 0.5,
  dailyLossLimitUsd: 1_000,
  accountSizeUsd: 50_000,
  maxLossLimitUsd: 2_000,
  minWinRate: 0.3,
  winRateDays: 10,
  minWinRateTrades: 5,
  idleMs: 2 * HOUR,
  reconnectStormCount: 5,
  reconnectStormWindowMs: 10 * MINUTE,
};
const DAY = '2026-01-05';
const codes = (alerts: readonly (Alert | null)[]) => alerts.filter((a): a is Alert => a !== null).map((a) => a.code);

describe('dailyLossAlerts', () => {
  const money = (dayPnlUsd: number, mllFloorUsd = 48_000) => ({ tradingDate: DAY, dayPnlUsd, equityUsd: 50_000 + dayPnlUsd, mllFloorUsd });

  it('is quiet on a profit and on a loss at or below half the limit and half the MLL room', () => {
    expect(dailyLossAlerts(money(250), SETTINGS, MONDAY_10_ET_MS)).toEqual([]);
    expect(dailyLossAlerts(money(-500), SETTINGS, MONDAY_10_ET_MS)).toEqual([]);
  });

  it('warns above half the daily limit', () => {
    const alerts = dailyLossAlerts(money(-520.5), SETTINGS, MONDAY_10_ET_MS);
    expect(codes(alerts)).toEqual(['DAILY_LOSS_WARNING']);
    expect(alerts[0]!.dedupeKey).toBe('DAILY_LOSS_WARNING:2026-01-05');
  });

  it('warns above half the room to the MLL floor even when the daily limit is far', () => {
    // room at day start = 50 000 - 49 400 = 600; a 320 loss is above 300
    expect(codes(dailyLossAlerts(money(-320, 49_400), SETTINGS, MONDAY_10_ET_MS))).toEqual(['MLL_ROOM_WARNING']);
    expect(codes(dailyLossAlerts(money(-320, 49_400), { ...SETTINGS, dailyLossLimitUsd: null }, MONDAY_10_ET_MS))).toEqual(['MLL_ROOM_WARNING']);
  });
});

describe('winRateAlert', () => {
  const trades = (wins: number, losses: number) => [...Array(wins).fill({ pnlUsd: 10 }), ...Array(losses).fill({ pnlUsd: -10 })];

  it('fires below 30% with enough trades', () => {
    expect(winRateAlert(trades(2, 8), SETTINGS, DAY, MONDAY_10_ET_MS)?.code).toBe('LOW_WIN_RATE');
  });

  it('is quiet at 30% and above, and with fewer trades than the minimum', () => {
    expect(winRateAlert(trades(3, 7), SETTINGS, DAY, MONDAY_10_ET_MS)).toBeNull();
    expect(winRateAlert(trades(0, 4), SETTINGS, DAY, MONDAY_10_ET_MS)).toBeNull();
  });

  it('counts a break-even trade as not a win', () => {
    expect(winRateAlert([{ pnlUsd: 0 }, { pnlUsd: 0 }, { pnlUsd: 0 }, { pnlUsd: 0 }, { pnlUsd: 5 }], SETTINGS, DAY, 0)?.code).toBe('LOW_WIN_RATE');
  });
});

describe('tradingDatesBack', () => {
  it('walks back over weekdays only', () => {
    expect(tradingDatesBack('2026-01-06', 4)).toEqual(['2026-01-01', '2026-01-02', '2026-01-05', '2026-01-06']);
  });
});

describe('idleAlert', () => {
  const base = { state: TradingState.ACTIVE, lastTradeTsMs: null, activeSinceMs: MONDAY_10_ET_MS - 5 * HOUR };

  it('fires two hours after the RTH open without a trade while ACTIVE', () => {
    // 11:30 ET is two hours after 09:30 ET
    const at1130 = MONDAY_10_ET_MS + 90 * MINUTE;
    expect(idleAlert({ ...base, nowMs: at1130 }, SETTINGS)?.code).toBe('NO_TRADES');
    expect(idleAlert({ ...base, nowMs: at1130 - MINUTE }, SETTINGS)).toBeNull();
  });

  it('counts from the last trade and from when the engine became ACTIVE', () => {
    const now = MONDAY_10_ET_MS + 4 * HOUR;
    expect(idleAlert({ ...base, nowMs: now, lastTradeTsMs: now - HOUR }, SETTINGS)).toBeNull();
    expect(idleAlert({ ...base, nowMs: now, activeSinceMs: now - HOUR }, SETTINGS)).toBeNull();
    expect(idleAlert({ ...base, nowMs: now, lastTradeTsMs: now - 2 * HOUR }, SETTINGS)?.code).toBe('NO_TRADES');
  });

  it('is quiet outside regular trading hours and when not ACTIVE', () => {
    const evening = MONDAY_10_ET_MS + 8 * HOUR; // 18:00 ET
    expect(idleAlert({ ...base, nowMs: evening }, SETTINGS)).toBeNull();
    expect(idleAlert({ ...base, nowMs: MONDAY_10_ET_MS + 4 * HOUR, state: TradingState.HALTED }, SETTINGS)).toBeNull();
  });
});

describe('reconnectStormAlert', () => {
  it('fires at five reconnects within ten minutes and not at four, nor when spread out', () => {
    const t = MONDAY_10_ET_MS;
    expect(reconnectStormAlert([t, t + 1, t + 2, t + 3, t + 4], t + 5, SETTINGS)?.code).toBe('RECONNECT_STORM');
    expect(reconnectStormAlert([t, t + 1, t + 2, t + 3], t + 5, SETTINGS)).toBeNull();
    expect(
      reconnectStormAlert(
        [0, 3, 6, 9, 12].map((m) => t + m * MINUTE),
        t + 12 * MINUTE,
        SETTINGS,
      ),
    ).toBeNull();
  });
});

describe('eventAlert', () => {
  const ts = MONDAY_10_ET_MS;
  it('maps risk states REDUCING and HALTED (HALTED critical) and ignores ACTIVE', () => {
    const change = (to: TradingState): MonitorEvent => ({
      type: 'riskState',
      tsMs: ts,
      from: TradingState.ACTIVE,
      to,
      code: 'DAILY_LOSS_LIMIT',
      detail: 'pnl=-1020 limit=-1000',
    });
    expect(eventAlert(change(TradingState.HALTED))).toMatchObject({ code: 'RISK_STATE_CHANGED', severity: 'critical' });
    expect(eventAlert(change(TradingState.REDUCING))).toMatchObject({ code: 'RISK_STATE_CHANGED', severity: 'warn' });
    expect(
      eventAlert({ type: 'riskState', tsMs: ts, from: TradingState.HALTED, to: TradingState.ACTIVE, code: 'NEW_TRADING_DAY', detail: '' }),
    ).toBeNull();
  });

  it('maps connection errors per component, drift only when detected, retrain failures, process start/stop', () => {
    expect(eventAlert({ type: 'connection', tsMs: ts, status: 'error', component: 'hub.user', detail: 'closed 1006' })).toMatchObject({
      code: 'CONNECTION_ERROR',
      dedupeKey: 'CONNECTION_ERROR:hub.user',
    });
    expect(eventAlert({ type: 'connection', tsMs: ts, status: 'reconnected', component: 'hub.user', detail: '' })).toBeNull();
    expect(eventAlert({ type: 'drift', tsMs: ts, ratio: 0.25, detected: true, detail: '' })?.code).toBe('DRIFT_DETECTED');
    expect(eventAlert({ type: 'drift', tsMs: ts, ratio: 0.05, detected: false, detail: '' })).toBeNull();
    expect(eventAlert({ type: 'retrainFailed', tsMs: ts, detail: 'validation worse' })?.code).toBe('RETRAIN_FAILED');
    expect(eventAlert({ type: 'process', tsMs: ts, phase: 'start', mode: 'paper', detail: '' })?.code).toBe('PROCESS_STARTED');
    expect(eventAlert({ type: 'process', tsMs: ts, phase: 'stop', mode: 'paper', detail: 'SIGTERM' })?.code).toBe('PROCESS_STOPPED');
    expect(eventAlert({ type: 'bar', tsMs: ts, symbol: 'MNQ', close: 1, regime: 'BULL', confidence: 1, probs: [1], labels: ['BULL'] })).toBeNull();
  });
});

describe('AlertRuleEngine on a journal', () => {
  async function engine(journal: MemoryJournal, startedAtMs = MONDAY_10_ET_MS - 10 * HOUR) {
    const emitted: Alert[] = [];
    const rules = new AlertRuleEngine({ journal, settings: SETTINGS, emit: (a) => emitted.push(a), logger: silentLogger(), startedAtMs });
    return { rules, emitted };
  }

  it('is quiet on a calm journal: small win, trades recently, ACTIVE', async () => {
    const j = new MemoryJournal();
    await j.recordTrade(tradeRecord('t1', MONDAY_10_ET_MS, 120));
    const { rules } = await engine(j);
    expect(await rules.check(MONDAY_10_ET_MS + 30 * MINUTE)).toEqual([]);
  });

  it('fires the daily loss warning from journal trades once per day, and the win-rate alert from ten days of trades', async () => {
    const j = new MemoryJournal();
    for (let i = 0; i < 6; i++) await j.recordTrade(tradeRecord(`t${i}`, MONDAY_10_ET_MS + i * MINUTE, -100));
    const { rules, emitted } = await engine(j);
    const first = await rules.check(MONDAY_10_ET_MS + 10 * MINUTE);
    expect(codes(first).sort()).toEqual(['DAILY_LOSS_WARNING', 'LOW_WIN_RATE']);
    expect(await rules.check(MONDAY_10_ET_MS + 20 * MINUTE)).toEqual([]);
    expect(emitted).toHaveLength(2);
  });

  it('measures the MLL room from the end-of-day balances in the journal', async () => {
    const j = new MemoryJournal();
    // yesterday's close 48 400 → floor 48 000 (never trailed up), room 400; a 250 loss passes 200
    await j.recordEndOfDay('2026-01-02', 48_400, MONDAY_10_ET_MS - 3 * 24 * HOUR);
    await j.recordTrade(tradeRecord('t1', MONDAY_10_ET_MS, -250));
    const { rules } = await engine(j);
    expect(codes(await rules.check(MONDAY_10_ET_MS + MINUTE))).toEqual(['MLL_ROOM_WARNING']);
  });

  it('fires NO_TRADES after two idle market hours while ACTIVE, and not while HALTED', async () => {
    const quiet = await engine(new MemoryJournal());
    expect(codes(await quiet.rules.check(MONDAY_10_ET_MS + 2 * HOUR))).toEqual(['NO_TRADES']);

    const j = new MemoryJournal();
    await j.recordRiskState({ state: TradingState.HALTED, reason: 'DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000', tsMs: MONDAY_10_ET_MS - HOUR });
    const halted = await engine(j);
    expect(await halted.rules.check(MONDAY_10_ET_MS + 2 * HOUR)).toEqual([]);
  });

  it('uses the published risk figures (unrealized P&L included) over the journal for the day', async () => {
    const { rules, emitted } = await engine(new MemoryJournal());
    rules.onEvent({
      type: 'risk',
      tsMs: MONDAY_10_ET_MS,
      figures: {
        state: TradingState.ACTIVE,
        balanceUsd: 50_000,
        equityUsd: 49_300,
        dayPnlUsd: -700,
        mllFloorUsd: 48_000,
        tradesToday: 1,
        dailyLossLimitUsd: 1_000,
      },
    });
    await rules.settle();
    expect(codes(emitted)).toEqual(['DAILY_LOSS_WARNING']);
  });

  it('emits event alerts at once and a reconnect storm on the fifth reconnect in ten minutes', async () => {
    const { rules, emitted } = await engine(new MemoryJournal());
    for (let i = 0; i < 5; i++)
      rules.onEvent({ type: 'connection', tsMs: MONDAY_10_ET_MS + i * MINUTE, status: 'reconnecting', component: 'hub.market', detail: '' });
    rules.onEvent({ type: 'retrainFailed', tsMs: MONDAY_10_ET_MS, detail: 'new model worse on validation days' });
    expect(codes(emitted)).toEqual(['RECONNECT_STORM', 'RETRAIN_FAILED']);
  });
});
