// Prometheus metrics: bus events and alert outcomes become the documented series, served on /metrics.

import { afterEach, describe, expect, it } from 'vitest';
import { TradingState } from '../../src/domain/trading.ts';
import { MonitorMetrics, startMetricsServer } from '../../src/monitor/metrics.ts';
import { MINUTE, MONDAY_10_ET_MS, tradeRecord } from '../state/journalFixtures.ts';

const T = MONDAY_10_ET_MS;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** The value of one series line, e.g. value(text, 'txbot_regime{symbol="MNQ",regime="BULL"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function feed(m: MonitorMetrics): void {
  m.observe({
    type: 'risk',
    tsMs: T,
    figures: {
      state: TradingState.ACTIVE,
      balanceUsd: 50_100,
      equityUsd: 50_050,
      dayPnlUsd: -125.5,
      mllFloorUsd: 48_000,
      tradesToday: 2,
      dailyLossLimitUsd: 1_000,
    },
  });
  m.observe({ type: 'riskState', tsMs: T, from: TradingState.ACTIVE, to: TradingState.REDUCING, code: 'FLAT_TIME', detail: '' });
  m.observe({ type: 'position', tsMs: T, symbol: 'MNQ', qty: -2, avgPrice: 21000 });
  m.observe({
    type: 'bar',
    tsMs: T,
    symbol: 'MNQ',
    close: 21000,
    regime: 'BULL',
    confidence: 0.7,
    probs: [0.1, 0.7, 0.1, 0.05, 0.05],
    labels: ['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'],
  });
  m.observe({ type: 'drift', tsMs: T, ratio: 0.18, detected: false, detail: '' });
  m.observe({ type: 'order', tsMs: T, intentId: 'i1', symbol: 'MNQ', side: 'buy', qty: 1, status: 'ACCEPTED', latencyMs: 80 });
  m.observe({ type: 'trade', trade: tradeRecord('t1', T + MINUTE, 40) });
  m.observe({ type: 'connection', tsMs: T, status: 'reconnecting', component: 'hub.market', detail: '' });
  m.observe({ type: 'connection', tsMs: T, status: 'reconnecting', component: 'hub.market', detail: '' });
  m.observe({ type: 'connection', tsMs: T, status: 'error', component: 'projectx.http', detail: '' });
  m.alertOutcome('telegram', 'sent', { code: 'DRIFT_DETECTED', severity: 'warn', title: '', text: '', tsMs: T });
  m.alertOutcome('telegram', 'failed', { code: 'DRIFT_DETECTED', severity: 'warn', title: '', text: '', tsMs: T });
}

describe('MonitorMetrics', () => {
  it('turns events into P&L, position, regime, drift, latency, reconnect and alert series', async () => {
    const m = new MonitorMetrics();
    feed(m);
    const text = await m.text();
    expect(value(text, 'txbot_day_pnl_usd')).toBe(-125.5);
    expect(value(text, 'txbot_mll_floor_usd')).toBe(48_000);
    expect(value(text, 'txbot_trading_state{state="REDUCING"}')).toBe(1);
    expect(value(text, 'txbot_trading_state{state="ACTIVE"}')).toBe(0);
    expect(value(text, 'txbot_position_contracts{symbol="MNQ"}')).toBe(-2);
    expect(value(text, 'txbot_regime{symbol="MNQ",regime="BULL"}')).toBe(1);
    expect(value(text, 'txbot_regime{symbol="MNQ",regime="BEAR"}')).toBe(0);
    expect(value(text, 'txbot_regime_probability{symbol="MNQ",regime="STRONG_BULL"}')).toBe(0.1);
    expect(value(text, 'txbot_regime_confidence{symbol="MNQ"}')).toBe(0.7);
    expect(value(text, 'txbot_drift_ratio')).toBe(0.18);
    expect(value(text, 'txbot_order_latency_seconds_count')).toBe(1);
    expect(value(text, 'txbot_order_latency_seconds_bucket{le="0.1"}')).toBe(1);
    expect(value(text, 'txbot_order_latency_seconds_bucket{le="0.05"}')).toBe(0);
    expect(value(text, 'txbot_trades_total{result="win"}')).toBe(1);
    expect(value(text, 'txbot_reconnects_total{component="hub.market"}')).toBe(2);
    expect(value(text, 'txbot_connection_errors_total{component="projectx.http"}')).toBe(1);
    expect(value(text, 'txbot_alerts_total{code="DRIFT_DETECTED",channel="telegram",outcome="failed"}')).toBe(1);
  });

  it('keeps two instances apart (own registries)', async () => {
    const a = new MonitorMetrics();
    const b = new MonitorMetrics();
    feed(a);
    expect(value(await b.text(), 'txbot_day_pnl_usd')).toBe(0);
  });

  it('serves the exposition text on GET /metrics', async () => {
    const m = new MonitorMetrics();
    feed(m);
    const { server, url } = await startMetricsServer(m, { host: '127.0.0.1', port: 0 });
    closers.push(() => server.close());
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(value(await res.text(), 'txbot_day_pnl_usd')).toBe(-125.5);
  });
});
