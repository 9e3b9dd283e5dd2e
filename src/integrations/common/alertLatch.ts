// Raises a degraded-source alert once per condition and reports recovery once, so a failing poll is not an alert storm.

import type { Logger } from '../../log/index.ts';
import type { Alert } from '../../domain/index.ts';

/** One alert per active key; `clear` re-arms it. The publisher is isolated: a throwing one is logged. */
export class AlertLatch {
  private readonly active = new Set<string>();

  constructor(
    private readonly publish: (alert: Alert) => void,
    private readonly logger: Logger,
  ) {}

  /** Publishes `alert` unless `key` is already raised; returns whether it was published. */
  raise(key: string, alert: Alert): boolean {
    if (this.active.has(key)) return false;
    this.active.add(key);
    try {
      this.publish({ ...alert, dedupeKey: alert.dedupeKey ?? key });
    } catch (e) {
      this.logger.error({ key, err: e instanceof Error ? e.message : String(e) }, 'alert publisher threw');
    }
    return true;
  }

  /** Re-arms `key`; returns whether it was raised (the caller logs the recovery). */
  clear(key: string): boolean {
    return this.active.delete(key);
  }

  isRaised(key: string): boolean {
    return this.active.has(key);
  }
}
