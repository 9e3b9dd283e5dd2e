// Alert values: severity, the stable alert codes and one alert (delivered by src/monitor's channels).

/** How urgent an alert is: info (routine), warn (look soon), critical (act now). */
export type AlertSeverity = 'info' | 'warn' | 'critical';

/** Stable alert codes; rules, channels, metrics and tests use the code, never the text. */
export type AlertCode =
  | 'DAILY_LOSS_WARNING'
  | 'MLL_ROOM_WARNING'
  | 'LOW_WIN_RATE'
  | 'NO_TRADES'
  | 'CONNECTION_ERROR'
  | 'RECONNECT_STORM'
  | 'DRIFT_DETECTED'
  | 'RETRAIN_FAILED'
  | 'PLUGIN_FAILED'
  | 'RISK_STATE_CHANGED'
  | 'PROCESS_STARTED'
  | 'PROCESS_STOPPED'
  | 'DAILY_SUMMARY'
  | 'TEST_MESSAGE'
  | 'CALENDAR_STALE'
  | 'CALENDAR_CONFLICT'
  | 'SENTIMENT_DEGRADED'
  | 'VIX_STALE'
  | 'VENUE_DISAGREEMENT'
  | 'FLATTEN_FAILED';

/** One alert. `dedupeKey` identifies "the same alert" for de-duplication (defaults to the code). */
export interface Alert {
  readonly code: AlertCode;
  readonly severity: AlertSeverity;
  /** One line, e.g. "Daily loss 62% of the limit". */
  readonly title: string;
  /** Facts, e.g. "day P&L -620.00 USD, limit 1000.00 USD". */
  readonly text: string;
  /** When the condition was seen, UTC epoch ms. */
  readonly tsMs: number;
  readonly dedupeKey?: string;
}
