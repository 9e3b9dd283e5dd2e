// startMonitoring: the entry the live/paper runner calls. Wires the bus to alert rules, channels,
// metrics and the dashboard, runs the rule timer, and sends the daily summary at the end of a session.
// PLUG: monitoring

import { systemClock, fireAndForget, MINUTE_MS, type Clock } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import { readSecret, type Logger } from '../log/index.ts';
import type { Journal } from '../state/index.ts';
import type { MonitorBus } from './bus.ts';
import { createLogChannel } from './channels/log.ts';
import { channelsFromConfig } from './channelsFromConfig.ts';
import { buildDailyReport, dailySummaryAlert } from './dailySummary.ts';
import { startDashboard, type DashboardHandle } from './dashboard/server.ts';
import { AlertDispatcher } from './dispatcher.ts';
import { MonitorMetrics, startMetricsServer } from './metrics.ts';
import { AlertRuleEngine } from './ruleEngine.ts';
import { ruleSettingsFromConfig } from './rules.ts';
import type { Alert, AlertChannel } from './types.ts';

/** What startMonitoring needs; `clock`, `env` and `channels` are seams for tests. */
export interface MonitoringOptions {
  readonly config: Config;
  readonly journal: Journal;
  readonly bus: MonitorBus;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the channels built from config (the log channel is always added). */
  readonly channels?: readonly AlertChannel[];
  /** Minutes between journal rule checks (idle engine, win rate). Default 1. */
  readonly checkIntervalMinutes?: number;
  /** Start the metrics server / dashboard even when disabled in config (`txbot dashboard`). */
  readonly forceDashboard?: boolean;
}

/** A running monitor. */
export interface MonitoringHandle {
  readonly dispatcher: AlertDispatcher;
  readonly rules: AlertRuleEngine;
  readonly metrics: MonitorMetrics;
  readonly dashboard: DashboardHandle | null;
  readonly metricsUrl: string | null;
  /** Raises an alert by hand (dispatch + bus); returns whether it was sent (not de-duplicated). */
  alert(alert: Alert): boolean;
  /** Waits for pending rule checks and deliveries (tests, shutdown). */
  settle(): Promise<void>;
  /** Stops timers and servers, flushes alerts, closes channels. The journal stays open (the caller owns it). */
  stop(): Promise<void>;
}

/**
 * Starts monitoring for a live or paper session. Never throws later: every channel, rule and server
 * failure is logged, and publishing on the bus never blocks trading.
 * @example
 * const monitor = await startMonitoring({ config, journal, bus, logger });
 * bus.publish({ type: 'process', tsMs: clock.nowMs(), phase: 'start', mode: 'paper', detail: '' });
 */
export async function startMonitoring(o: MonitoringOptions): Promise<MonitoringHandle> {
  const clock = o.clock ?? systemClock;
  const env = o.env ?? process.env;
  const m = o.config.monitoring;
  const logger = o.logger.child({ component: 'monitor' });
  const metrics = new MonitorMetrics();
  const dispatcher = new AlertDispatcher({
    channels: [createLogChannel(logger), ...(o.channels ?? channelsFromConfig(m, env))],
    clock,
    logger,
    dedupeWindowMs: m.dedupe_minutes * MINUTE_MS,
    maxPerMinute: m.max_alerts_per_minute,
    onOutcome: (c, outcome, a) => metrics.alertOutcome(c, outcome, a),
  });
  const alert = (a: Alert): boolean => {
    const sent = dispatcher.dispatch(a);
    if (sent) o.bus.publish({ type: 'alert', alert: a });
    return sent;
  };
  const rules = new AlertRuleEngine({
    journal: o.journal,
    settings: ruleSettingsFromConfig(o.config),
    emit: alert,
    logger,
    startedAtMs: clock.nowMs(),
  });
  let driftRatio: number | null = null;
  let pending: Promise<unknown> = Promise.resolve();
  const r = o.config.risk;
  const sendSummary = (tradingDate: string, tsMs: number): void => {
    const run = buildDailyReport(
      o.journal,
      tradingDate,
      {
        accountSizeUsd: r.account_size,
        maxLossLimitUsd: r.max_loss_limit,
        dailyLossLimitUsd: r.daily_loss_limit,
        maxTradesPerDay: r.max_trades_per_day,
      },
      { driftRatio },
    ).then((report) => alert(dailySummaryAlert(report, tsMs)));
    pending = pending.then(() => run).catch(() => undefined);
    fireAndForget(run, logger, 'daily summary');
  };
  const unsubscribe = o.bus.subscribe((e) => {
    if (e.type === 'alert') return;
    metrics.observe(e);
    if (e.type === 'drift') driftRatio = e.ratio;
    if (e.type === 'sessionEnd') sendSummary(e.tradingDate, e.tsMs);
    rules.onEvent(e);
  });

  let stopped = false;
  const interval = (o.checkIntervalMinutes ?? 1) * MINUTE_MS;
  const timerLoop = (async () => {
    while (!stopped) {
      await clock.sleep(interval);
      if (stopped) break;
      await rules
        .check(clock.nowMs())
        .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'alert rule check failed'));
    }
  })();
  fireAndForget(timerLoop, logger, 'alert rule timer');

  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | null = null;
  let dashboard: DashboardHandle | null = null;
  try {
    if (m.metrics.enabled) metricsServer = await startMetricsServer(metrics, { host: m.metrics.host, port: m.metrics.port });
    if (m.dashboard.enabled || o.forceDashboard) {
      dashboard = await startDashboard({
        host: m.dashboard.host,
        port: m.dashboard.port,
        token: readSecret('DASHBOARD_TOKEN', env),
        bus: o.bus,
        journal: o.journal,
        logger,
      });
    }
  } catch (err) {
    unsubscribe();
    stopped = true;
    await metricsServer?.server.close();
    throw err;
  }
  logger.info({ channels: dispatcher.channelNames, metrics: metricsServer !== null, dashboard: dashboard !== null }, 'monitoring started');

  return {
    dispatcher,
    rules,
    metrics,
    dashboard,
    metricsUrl: metricsServer?.url ?? null,
    alert,
    async settle() {
      await rules.settle();
      await pending;
      await dispatcher.flush();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      await rules.settle();
      await pending;
      await dashboard?.close();
      await metricsServer?.server.close();
      await dispatcher.close();
    },
  };
}
