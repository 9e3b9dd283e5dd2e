// Public surface of the monitor module: the event bus, alert channels and rules, daily summary, metrics,
// dashboard, and startMonitoring (the entry the live/paper runner calls).

export { MonitorBus, type MonitorEvent, type MonitorEventType, type MonitorListener, type RiskFigures } from './bus.ts';
export { formatAlertText, type Alert, type AlertChannel, type AlertCode, type AlertSeverity } from './types.ts';
export { AlertDeliveryError } from './channels/httpPost.ts';
export { createTelegramChannel, type TelegramChannelOptions } from './channels/telegram.ts';
export { createEmailChannel, type EmailChannelOptions } from './channels/email.ts';
export { createWebhookChannel, webhookPayload, type WebhookChannelOptions, type WebhookPayload } from './channels/webhook.ts';
export { createLogChannel } from './channels/log.ts';
export { buildChannel, channelsFromConfig, CHANNEL_NAMES, type ChannelName } from './channelsFromConfig.ts';
export { AlertDispatcher, backoffMs, isRetryableDelivery, type DeliveryOutcome, type DispatcherOptions } from './dispatcher.ts';
export * from './rules.ts';
export { AlertRuleEngine, dayMoneyFromJournal, type RuleEngineOptions } from './ruleEngine.ts';
export { buildDailyReport, formatDailyReport, dailySummaryAlert, type DailyReport, type SummaryLimits } from './dailySummary.ts';
export { MonitorMetrics, startMetricsServer } from './metrics.ts';
export { DashboardState, type DashboardSnapshot } from './dashboard/dashboardState.ts';
export { startDashboard, isLoopbackHost, readResultsFolder, type DashboardHandle, type DashboardOptions } from './dashboard/server.ts';
export { startMonitoring, type MonitoringHandle, type MonitoringOptions } from './monitor.ts';
