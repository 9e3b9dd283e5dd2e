// Connects a paper/live session to src/monitor: starts monitoring (alerts, metrics, dashboard) on a
// MonitorBus and turns the runner's bars, orders, fills, trades, risk figures and hub states into bus events.

import type { Logger } from 'pino';
import type { Bar, RegimeLabel, BracketOrderRequest, ExecutionEvent, Emitter } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import type { DecisionRecord as EngineDecision } from '../engine/index.ts';
import type { RiskSnapshot } from '../strategy/index.ts';
import type { FillRecord, Journal, PositionSnapshot, TradeRecord } from '../state/index.ts';
import type { HubEvents } from '../broker/index.ts';
import { MonitorBus, startMonitoring, type MonitoringHandle, type MonitorEvent } from '../monitor/index.ts';

/** The part of a hub connection the bridge watches (ProjectXHubConnection). */
export interface WatchableHub {
  readonly events: Emitter<HubEvents>;
}

/** Monitoring of one session: the bus to publish on, the running monitor and the dashboard URL. */
export interface SessionMonitor {
  readonly bus: MonitorBus;
  readonly handle: MonitoringHandle;
  /** Dashboard base URL (with ?token= when a token is set), null when the dashboard is off. */
  readonly dashboardUrl: string | null;
}

/**
 * The config monitoring runs with: with `dashboardPort` (0 = a free port) the dashboard is forced on at
 * that port; otherwise the config is used as it is.
 */
export function monitoringConfig(config: Config, dashboardPort: number | null): Config {
  if (dashboardPort === null) return config;
  const m = config.monitoring;
  return { ...config, monitoring: { ...m, dashboard: { ...m.dashboard, enabled: true, port: dashboardPort } } };
}

/** A clock for the monitor's rule timer whose sleeps never hold a stopping process open (unref'd timers). */
export function monitorClock(now: () => number): { nowMs(): number; sleep(ms: number): Promise<void> } {
  return {
    nowMs: now,
    sleep: (ms) =>
      new Promise((resolve) => {
        const t = setTimeout(resolve, Math.max(0, ms));
        t.unref();
      }),
  };
}

/** Starts monitoring for a session (throws ConfigError for a dashboard on a non-loopback host without a token). */
export async function startSessionMonitor(o: {
  config: Config;
  journal: Journal;
  logger: Logger;
  nowMs: () => number;
  dashboardPort?: number | null;
}): Promise<SessionMonitor> {
  const bus = new MonitorBus(o.logger);
  const config = monitoringConfig(o.config, o.dashboardPort ?? null);
  const handle = await startMonitoring({
    config,
    journal: o.journal,
    bus,
    logger: o.logger,
    clock: monitorClock(o.nowMs),
    forceDashboard: o.dashboardPort != null,
  });
  return { bus, handle, dashboardUrl: handle.dashboard?.url ?? null };
}

/**
 * A view of `journal` that also publishes each recorded fill, position and trade on `bus` (after the write
 * committed), then calls `afterFill` (e.g. to publish the risk figures). Everything else passes through.
 */
export function publishingJournal(journal: Journal, bus: MonitorBus, afterFill: () => void = () => undefined): Journal {
  return new Proxy(journal, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = v as (...args: unknown[]) => unknown;
      if (prop === 'recordFill') {
        return async (f: FillRecord) => {
          const r = await fn.call(target, f);
          bus.publish({ type: 'fill', fill: f });
          afterFill();
          return r;
        };
      }
      if (prop === 'recordPosition') {
        return async (p: PositionSnapshot) => {
          await fn.call(target, p);
          bus.publish({ type: 'position', tsMs: p.tsMs, symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice });
        };
      }
      if (prop === 'recordTrade') {
        return async (t: TradeRecord) => {
          const r = await fn.call(target, t);
          bus.publish({ type: 'trade', trade: t });
          return r;
        };
      }
      return fn.bind(target);
    },
  });
}

/** The `bar` and `decision` events of one scored bar; none for a bar without a regime (warm-up). */
export function barEvents(symbol: string, labels: readonly RegimeLabel[], bar: Bar, d: EngineDecision): MonitorEvent[] {
  if (d.regime === null || d.confidence === null || d.probs === null) return [];
  return [
    { type: 'bar', tsMs: d.tsMs, symbol, close: bar.close, regime: d.regime, confidence: d.confidence, probs: d.probs, labels },
    {
      type: 'decision',
      decision: {
        barTsMs: bar.tsMs,
        symbol,
        regime: d.regime,
        confidence: d.confidence,
        probs: d.probs,
        decisionCode: d.code,
        decisionReason: d.reason,
      },
    },
  ];
}

/** The `risk` event: account figures from a risk snapshot and the configured daily loss limit. */
export function riskEvent(tsMs: number, s: RiskSnapshot, dailyLossLimitUsd: number | null): MonitorEvent {
  return {
    type: 'risk',
    tsMs,
    figures: {
      state: s.state,
      balanceUsd: s.balanceUsd,
      equityUsd: s.equityUsd,
      dayPnlUsd: s.dayPnlUsd,
      mllFloorUsd: s.mllFloorUsd,
      tradesToday: s.tradesToday,
      dailyLossLimitUsd,
    },
  };
}

/** The `order` SENT event of an entry handed to the broker; latency = send time − bar close (ms, ≥ 0). */
export function orderSentEvent(order: BracketOrderRequest, barCloseMs: number, sentMs: number): MonitorEvent {
  return {
    type: 'order',
    tsMs: sentMs,
    intentId: order.intentId,
    symbol: order.symbol,
    side: order.side === 'long' ? 'buy' : 'sell',
    qty: order.qty,
    status: 'SENT',
    latencyMs: Math.max(0, sentMs - barCloseMs),
  };
}

/** The `order` event of an execution that ends an entry order without a fill (rejected / cancelled); null otherwise. */
export function orderEndEvent(ev: ExecutionEvent, order: BracketOrderRequest | undefined): MonitorEvent | null {
  if (ev.kind !== 'entry_rejected' && ev.kind !== 'entry_cancelled') return null;
  return {
    type: 'order',
    tsMs: ev.tsMs,
    intentId: ev.intentId,
    symbol: order?.symbol ?? '',
    side: order?.side === 'short' ? 'sell' : 'buy',
    qty: order?.qty ?? 0,
    status: ev.kind === 'entry_rejected' ? 'REJECTED' : 'CANCELLED',
    detail: ev.reason,
  };
}

/**
 * Publishes `connection` events for a hub's state changes: Reconnecting → reconnecting, Reconnecting →
 * Connected → reconnected, a drop to Disconnected (not after Stopping) → error. Returns the unsubscribe.
 */
export function watchHub(hub: WatchableHub, component: string, bus: MonitorBus, nowMs: () => number): () => void {
  return hub.events.on('state', ({ from, to }) => {
    const status =
      to === 'Reconnecting'
        ? 'reconnecting'
        : from === 'Reconnecting' && to === 'Connected'
          ? 'reconnected'
          : to === 'Disconnected' && from !== 'Stopping' && from !== 'Disconnected'
            ? 'error'
            : null;
    if (status) bus.publish({ type: 'connection', tsMs: nowMs(), status, component, detail: `${from} → ${to}` });
  });
}
