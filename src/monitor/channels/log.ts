// Log channel: every alert becomes one structured log line (the default, always on).

import type { Logger } from '../../log/index.ts';
import type { Alert, AlertChannel } from '../types.ts';

/** A channel writing alerts to the logger: critical → error, warn → warn, info → info. */
export function createLogChannel(logger: Logger): AlertChannel {
  return {
    name: 'log',
    async send(alert: Alert): Promise<void> {
      const fields = { alert: alert.code, severity: alert.severity, tsMs: alert.tsMs, text: alert.text };
      if (alert.severity === 'critical') logger.error(fields, alert.title);
      else if (alert.severity === 'warn') logger.warn(fields, alert.title);
      else logger.info(fields, alert.title);
    },
  };
}
