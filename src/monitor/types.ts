// The AlertChannel interface every delivery channel (Telegram, email, webhook, log) implements; the alert
// values themselves live in domain/alert.ts.

import type { Alert } from '../domain/index.ts';

export type { Alert, AlertCode, AlertSeverity } from '../domain/index.ts';

/** A delivery channel. `send` rejects on failure; the dispatcher retries, rate-limits and isolates it. */
export interface AlertChannel {
  /** Channel name used in metrics and logs: telegram, email, webhook, log. */
  readonly name: string;
  send(alert: Alert): Promise<void>;
  /** Releases sockets/transports. Optional. */
  close?(): Promise<void>;
}

/** The text form of an alert used by the text channels (Telegram, email body, log). */
export function formatAlertText(alert: Alert): string {
  const icon = alert.severity === 'critical' ? '🛑' : alert.severity === 'warn' ? '⚠️' : 'ℹ️';
  return `${icon} txbot ${alert.code}: ${alert.title}\n${alert.text}`;
}
