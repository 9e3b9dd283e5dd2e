// Prometheus metrics (prom-client) fed by MonitorBus events and alert outcomes, and a small /metrics server.

import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TradingState } from '../domain/index.ts';
import type { MonitorEvent } from './bus.ts';
import type { DeliveryOutcome } from './dispatcher.ts';
import type { Alert } from './types.ts';

/**
 * The txbot metrics on their own Registry (never prom-client's global one, so several monitors and
 * tests do not collide). Names follow Prometheus conventions: base units, `_total` counters.
 */
export class MonitorMetrics {
  readonly registry = new Registry();
  private readonly dayPnl = new Gauge({
    name: 'txbot_day_pnl_usd',
    help: 'Trading-day P&L (realized + unrealized, net), USD.',
    registers: [this.registry],
  });
  private readonly equity = new Gauge({ name: 'txbot_equity_usd', help: 'Account equity, USD.', registers: [this.registry] });
  private readonly balance = new Gauge({ name: 'txbot_balance_usd', help: 'Account balance (realized), USD.', registers: [this.registry] });
  private readonly mllFloor = new Gauge({ name: 'txbot_mll_floor_usd', help: 'Maximum Loss Limit floor, USD.', registers: [this.registry] });
  private readonly dailyLimit = new Gauge({
    name: 'txbot_daily_loss_limit_usd',
    help: 'Configured daily loss limit, USD (absent when none).',
    registers: [this.registry],
  });
  private readonly tradingState = new Gauge({
    name: 'txbot_trading_state',
    help: '1 for the current trading state of the risk engine.',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly position = new Gauge({
    name: 'txbot_position_contracts',
    help: 'Net position, contracts (> 0 long).',
    labelNames: ['symbol'],
    registers: [this.registry],
  });
  private readonly regimeProb = new Gauge({
    name: 'txbot_regime_probability',
    help: 'Filtered probability of each regime.',
    labelNames: ['symbol', 'regime'],
    registers: [this.registry],
  });
  private readonly regimeConfidence = new Gauge({
    name: 'txbot_regime_confidence',
    help: 'Max filtered regime probability.',
    labelNames: ['symbol'],
    registers: [this.registry],
  });
  private readonly regimeCurrent = new Gauge({
    name: 'txbot_regime',
    help: '1 for the current most probable regime.',
    labelNames: ['symbol', 'regime'],
    registers: [this.registry],
  });
  private readonly drift = new Gauge({
    name: 'txbot_drift_ratio',
    help: 'Regime model drift ratio (worse log-likelihood vs the training baseline).',
    registers: [this.registry],
  });
  private readonly orderLatency = new Histogram({
    name: 'txbot_order_latency_seconds',
    help: 'Order send to broker acknowledgement.',
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly orders = new Counter({
    name: 'txbot_orders_total',
    help: 'Order lifecycle events.',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly trades = new Counter({
    name: 'txbot_trades_total',
    help: 'Completed trades.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly reconnects = new Counter({
    name: 'txbot_reconnects_total',
    help: 'Reconnect attempts.',
    labelNames: ['component'],
    registers: [this.registry],
  });
  private readonly connectionErrors = new Counter({
    name: 'txbot_connection_errors_total',
    help: 'API/hub connection errors.',
    labelNames: ['component'],
    registers: [this.registry],
  });
  private readonly alerts = new Counter({
    name: 'txbot_alerts_total',
    help: 'Alert outcomes per channel.',
    labelNames: ['code', 'channel', 'outcome'],
    registers: [this.registry],
  });

  /** Updates the metrics an event carries; unknown or irrelevant events are ignored. */
  observe(e: MonitorEvent): void {
    switch (e.type) {
      case 'risk': {
        const f = e.figures;
        this.dayPnl.set(f.dayPnlUsd);
        this.equity.set(f.equityUsd);
        this.balance.set(f.balanceUsd);
        this.mllFloor.set(f.mllFloorUsd);
        if (f.dailyLossLimitUsd !== null) this.dailyLimit.set(f.dailyLossLimitUsd);
        this.setState(f.state);
        break;
      }
      case 'riskState':
        this.setState(e.to);
        break;
      case 'position':
        this.position.set({ symbol: e.symbol }, e.qty);
        break;
      case 'bar':
        this.regimeConfidence.set({ symbol: e.symbol }, e.confidence);
        e.labels.forEach((label, i) => {
          this.regimeProb.set({ symbol: e.symbol, regime: label }, e.probs[i] ?? 0);
          this.regimeCurrent.set({ symbol: e.symbol, regime: label }, label === e.regime ? 1 : 0);
        });
        break;
      case 'drift':
        this.drift.set(e.ratio);
        break;
      case 'order':
        this.orders.inc({ status: e.status });
        if (e.latencyMs !== undefined) this.orderLatency.observe(e.latencyMs / 1000);
        break;
      case 'trade':
        this.trades.inc({ result: e.trade.pnlUsd > 0 ? 'win' : 'loss' });
        break;
      case 'connection':
        if (e.status === 'reconnecting') this.reconnects.inc({ component: e.component });
        else if (e.status === 'error') this.connectionErrors.inc({ component: e.component });
        break;
      default:
        break;
    }
  }

  /** Counts one alert outcome (AlertDispatcher's onOutcome). */
  alertOutcome(channel: string, outcome: DeliveryOutcome, alert: Alert): void {
    this.alerts.inc({ code: alert.code, channel, outcome });
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  private setState(state: TradingState): void {
    for (const s of Object.values(TradingState)) this.tradingState.set({ state: s }, s === state ? 1 : 0);
  }
}

/** Serves GET /metrics on host:port; resolves with the server and its URL. */
export async function startMetricsServer(
  metrics: MonitorMetrics,
  options: { host: string; port: number },
): Promise<{ server: FastifyInstance; url: string }> {
  const server = Fastify({ logger: false });
  server.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.text();
  });
  const address = await server.listen({ host: options.host, port: options.port });
  return { server, url: `${address}/metrics` };
}
