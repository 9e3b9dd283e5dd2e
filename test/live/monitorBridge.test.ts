// Tests the live → monitor bridge: journal writes published as bus events, hub states as connection events,
// bar/risk/order event shapes, the --dashboard-port option and the forced-dashboard config.

import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/state/index.ts';
import type { FillRecord, TradeRecord } from '../../src/state/index.ts';
import { MonitorBus, type MonitorEvent } from '../../src/monitor/index.ts';
import { Emitter } from '../../src/domain/emitter.ts';
import { HubState, type HubEvents } from '../../src/broker/projectx/realtime/hubConnection.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { loadConfig } from '../../src/config/index.ts';
import { TradingState } from '../../src/domain/trading.ts';
import type { RiskSnapshot } from '../../src/strategy/riskManager/index.ts';
import {
  barEvents,
  monitoringConfig,
  orderEndEvent,
  orderSentEvent,
  publishingJournal,
  riskEvent,
  startSessionMonitor,
  watchHub,
} from '../../src/live/monitorBridge.ts';
import { dashboardPortOption } from '../../src/app/sessionCommand.ts';
import { UsageError } from '../../src/domain/errors.ts';

const T = Date.UTC(2024, 0, 3, 15, 0);
const fill: FillRecord = {
  fillId: 'o1-entry',
  orderId: 'o1',
  intentId: 'i1',
  symbol: 'MNQ',
  tsMs: T,
  side: 'buy',
  qty: 2,
  price: 100.25,
  commissionUsd: 1.5,
};
const trade: TradeRecord = {
  tradeId: 'i1',
  symbol: 'MNQ',
  side: 'long',
  qty: 2,
  entryTsMs: T,
  exitTsMs: T + 60_000,
  entryPrice: 100.25,
  exitPrice: 101,
  pnlUsd: 1.5,
  commissionUsd: 1.5,
  regime: 'BULL',
  entryReason: 'e',
  exitReason: 'TARGET',
};
const order = {
  intentId: 'i1',
  customTag: 'txbot-p-i1',
  symbol: 'MNQ',
  side: 'short' as const,
  qty: 3,
  entryType: 'market' as const,
  stopTicks: 20,
  targetTicks: 40,
  decidedAtMs: T,
};

function collect(bus: MonitorBus): MonitorEvent[] {
  const events: MonitorEvent[] = [];
  bus.subscribe((e) => events.push(e));
  return events;
}

describe('publishingJournal', () => {
  it('publishes fills, positions and trades after they were written, and passes everything else through', async () => {
    const journal = new MemoryJournal();
    const bus = new MonitorBus();
    const events = collect(bus);
    let afterFill = 0;
    const j = publishingJournal(journal, bus, () => afterFill++);
    expect(await j.recordFill(fill)).toBe(true);
    await j.recordPosition({ symbol: 'MNQ', tsMs: T, qty: 2, avgPrice: 100.25 });
    expect(await j.recordTrade(trade)).toBe(true);
    await j.recordEvent({ tsMs: T, level: 'info', component: 'x', message: 'm' });
    expect(events.map((e) => e.type)).toEqual(['fill', 'position', 'trade']);
    expect(events[0]).toEqual({ type: 'fill', fill });
    expect(events[1]).toEqual({ type: 'position', tsMs: T, symbol: 'MNQ', qty: 2, avgPrice: 100.25 });
    expect(afterFill).toBe(1);
    // written to the underlying journal
    expect((await journal.fillsSince(0)).map((f) => f.fillId)).toEqual(['o1-entry']);
    expect((await journal.recentEvents(10)).length).toBe(1);
  });
});

describe('event shapes', () => {
  it('builds bar + decision events only for bars with a regime', () => {
    const bar = { tsMs: T, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };
    const d = {
      tsMs: T + 300_000,
      close: 1.5,
      regime: 'BULL' as const,
      confidence: 0.8,
      probs: [0.1, 0.8, 0.1],
      action: 'none' as const,
      code: 'NO_SIGNAL',
      reason: 'r',
    };
    const [b, dec] = barEvents('MNQ', ['STRONG_BULL', 'BULL', 'NEUTRAL'], bar, d);
    expect(b).toEqual({
      type: 'bar',
      tsMs: T + 300_000,
      symbol: 'MNQ',
      close: 1.5,
      regime: 'BULL',
      confidence: 0.8,
      probs: [0.1, 0.8, 0.1],
      labels: ['STRONG_BULL', 'BULL', 'NEUTRAL'],
    });
    expect(dec).toEqual({
      type: 'decision',
      decision: {
        barTsMs: T,
        symbol: 'MNQ',
        regime: 'BULL',
        confidence: 0.8,
        probs: [0.1, 0.8, 0.1],
        decisionCode: 'NO_SIGNAL',
        decisionReason: 'r',
      },
    });
    expect(barEvents('MNQ', [], bar, { ...d, regime: null, confidence: null, probs: null })).toEqual([]);
  });

  it('builds risk figures, order SENT latency and REJECTED/CANCELLED order ends', () => {
    const snap = {
      state: TradingState.ACTIVE,
      balanceUsd: 50_100,
      equityUsd: 50_050,
      dayPnlUsd: 50,
      mllFloorUsd: 48_000,
      tradesToday: 2,
    } as unknown as RiskSnapshot;
    expect(riskEvent(T, snap, 1000)).toEqual({
      type: 'risk',
      tsMs: T,
      figures: {
        state: TradingState.ACTIVE,
        balanceUsd: 50_100,
        equityUsd: 50_050,
        dayPnlUsd: 50,
        mllFloorUsd: 48_000,
        tradesToday: 2,
        dailyLossLimitUsd: 1000,
      },
    });
    expect(orderSentEvent(order, T, T + 42)).toMatchObject({ type: 'order', status: 'SENT', side: 'sell', qty: 3, latencyMs: 42, intentId: 'i1' });
    expect(orderSentEvent(order, T, T - 5)).toMatchObject({ latencyMs: 0 });
    expect(orderEndEvent({ kind: 'entry_rejected', intentId: 'i1', tsMs: T, reason: 'no margin' }, order)).toMatchObject({
      status: 'REJECTED',
      detail: 'no margin',
      side: 'sell',
      qty: 3,
    });
    expect(orderEndEvent({ kind: 'entry_cancelled', intentId: 'i1', tsMs: T, reason: 'expired' }, undefined)).toMatchObject({
      status: 'CANCELLED',
      qty: 0,
    });
    expect(
      orderEndEvent({ kind: 'exit_filled', intentId: 'i1', tsMs: T, side: 'buy', qty: 3, price: 1, commissionUsd: 0, reason: 'target' }, order),
    ).toBeNull();
  });
});

describe('watchHub', () => {
  it('maps hub state changes to reconnecting / reconnected / error, ignores a clean stop, and unsubscribes', () => {
    const events = new Emitter<HubEvents>(silentLogger());
    const bus = new MonitorBus();
    const seen = collect(bus);
    const off = watchHub({ events }, 'hub.market', bus, () => T);
    events.emit('state', { from: HubState.Connecting, to: HubState.Connected });
    events.emit('state', { from: HubState.Connected, to: HubState.Reconnecting });
    events.emit('state', { from: HubState.Reconnecting, to: HubState.Connected });
    events.emit('state', { from: HubState.Connected, to: HubState.Disconnected });
    events.emit('state', { from: HubState.Stopping, to: HubState.Disconnected });
    expect(seen.map((e) => (e.type === 'connection' ? `${e.component}:${e.status}` : e.type))).toEqual([
      'hub.market:reconnecting',
      'hub.market:reconnected',
      'hub.market:error',
    ]);
    off();
    events.emit('state', { from: HubState.Connected, to: HubState.Reconnecting });
    expect(seen.length).toBe(3);
  });
});

describe('dashboard port', () => {
  it('parses --dashboard-port 0..65535 and refuses anything else with a UsageError', () => {
    expect(dashboardPortOption(undefined)).toBeNull();
    expect(dashboardPortOption('0')).toBe(0);
    expect(dashboardPortOption('8787')).toBe(8787);
    for (const bad of ['', '-1', '65536', '1.5', 'abc']) expect(() => dashboardPortOption(bad)).toThrow(UsageError);
  });

  it('forces the dashboard on at the port; without a port the config is unchanged', () => {
    const config = loadConfig({}).config;
    expect(monitoringConfig(config, null)).toBe(config);
    const forced = monitoringConfig(config, 0);
    expect(forced.monitoring.dashboard).toMatchObject({ enabled: true, port: 0, host: config.monitoring.dashboard.host });
    expect(config.monitoring.dashboard.enabled).toBe(false);
  });

  it('startSessionMonitor serves the dashboard on a free loopback port without a token and stops it', async () => {
    const config = loadConfig({}).config;
    const m = await startSessionMonitor({
      config: { ...config, monitoring: { ...config.monitoring, metrics: { ...config.monitoring.metrics, enabled: false } } },
      journal: new MemoryJournal(),
      logger: silentLogger(),
      nowMs: () => T,
      dashboardPort: 0,
    });
    try {
      expect(m.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      m.bus.publish({ type: 'process', tsMs: T, phase: 'start', mode: 'paper', detail: '' });
      const res = await fetch(m.dashboardUrl!);
      expect(res.status).toBe(200);
    } finally {
      await m.handle.stop();
    }
    await expect(fetch(m.dashboardUrl!)).rejects.toThrow();
  });
});
