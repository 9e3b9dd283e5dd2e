// startMonitoring end to end on a bus and a journal: alerts reach a webhook fake server, a refusing channel
// changes nothing for the publisher, the session end sends the daily summary, metrics count outcomes.

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { parseConfig } from '../../src/config/index.ts';
import { TradingState } from '../../src/domain/trading.ts';
import { silentLogger } from '../../src/log/logger.ts';
import {
  AlertDeliveryError,
  MonitorBus,
  createWebhookChannel,
  startMonitoring,
  type AlertChannel,
  type MonitoringHandle,
} from '../../src/monitor/index.ts';
import { MemoryJournal } from '../../src/state/index.ts';
import { MINUTE, MONDAY_10_ET_MS, tradeRecord } from '../state/journalFixtures.ts';
import { startFakeHttp } from './fakeServers.ts';

const T = MONDAY_10_ET_MS;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('startMonitoring', () => {
  it('delivers rule and summary alerts to a webhook while a refusing channel only counts as failed', async () => {
    const hook = await startFakeHttp(() => ({ status: 200, body: {} }));
    cleanups.push(hook.close);
    const refusing: AlertChannel = {
      name: 'refusing',
      send: async () => {
        throw new AlertDeliveryError('refusing', 'HTTP 403', 403);
      },
    };
    const journal = new MemoryJournal();
    await journal.recordTrade(tradeRecord('t1', T, -120));
    const bus = new MonitorBus();
    const clock = new ManualClock(T);
    const monitor: MonitoringHandle = await startMonitoring({
      config: parseConfig({}),
      journal,
      bus,
      logger: silentLogger(),
      clock,
      channels: [createWebhookChannel({ url: `${hook.url}/hook` }), refusing],
    });
    cleanups.push(() => monitor.stop());

    expect(() => {
      bus.publish({
        type: 'riskState',
        tsMs: T,
        from: TradingState.ACTIVE,
        to: TradingState.HALTED,
        code: 'DAILY_LOSS_LIMIT',
        detail: 'pnl=-1020 limit=-1000',
      });
      bus.publish({
        type: 'riskState',
        tsMs: T,
        from: TradingState.ACTIVE,
        to: TradingState.HALTED,
        code: 'DAILY_LOSS_LIMIT',
        detail: 'pnl=-1020 limit=-1000',
      });
      bus.publish({ type: 'sessionEnd', tsMs: T + 7 * 60 * MINUTE, tradingDate: '2026-01-05' });
    }).not.toThrow();
    await monitor.settle();

    const codes = hook.requests.map((r) => (r.body as { code: string }).code);
    expect(codes).toEqual(['RISK_STATE_CHANGED', 'DAILY_SUMMARY']);
    const summary = hook.requests[1]!.body as { text: string };
    expect(summary.text).toContain('P&L -120.00 USD');
    const text = await monitor.metrics.text();
    expect(text).toContain('txbot_alerts_total{code="RISK_STATE_CHANGED",channel="refusing",outcome="failed"} 1');
    expect(text).toContain('txbot_alerts_total{code="RISK_STATE_CHANGED",channel="*",outcome="deduped"} 1');
    expect(monitor.dashboard).toBeNull();
  });

  it('runs the journal rules on its timer (fake clock): NO_TRADES after two idle market hours', async () => {
    const bus = new MonitorBus();
    const seen: string[] = [];
    bus.subscribe((e) => {
      if (e.type === 'alert') seen.push(e.alert.code);
    });
    const clock = new ManualClock(T - 30 * MINUTE); // 09:30 ET
    const monitor = await startMonitoring({
      config: parseConfig({}),
      journal: new MemoryJournal(),
      bus,
      logger: silentLogger(),
      clock,
      channels: [],
    });
    cleanups.push(() => monitor.stop());
    for (let i = 0; i < 119; i++) {
      clock.advanceBy(MINUTE);
      await new Promise((r) => setImmediate(r));
    }
    await monitor.settle();
    expect(seen).toEqual([]);
    clock.advanceBy(MINUTE);
    for (let i = 0; i < 5 && seen.length === 0; i++) await new Promise((r) => setImmediate(r));
    await monitor.settle();
    expect(seen).toEqual(['NO_TRADES']);
  });
});
