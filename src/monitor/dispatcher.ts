// Delivers alerts to every channel without ever blocking or failing the caller: de-duplication window,
// per-channel rate limit, bounded per-channel queues, and retries with exponential backoff on a Clock.

import { fireAndForget, type Clock } from '../domain/index.ts';
import type { Logger } from '../log/index.ts';
import { AlertDeliveryError } from './channels/httpPost.ts';
import type { Alert, AlertChannel } from './types.ts';

/** What happened to one alert on one channel (or, for `deduped`, on all of them). */
export type DeliveryOutcome = 'sent' | 'failed' | 'retried' | 'deduped' | 'dropped';

/** Dispatcher settings; durations in ms of the injected clock. */
export interface DispatcherOptions {
  readonly channels: readonly AlertChannel[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** The same dedupe key is delivered at most once per window (0 = no de-duplication). */
  readonly dedupeWindowMs: number;
  /** At most this many sends per channel per minute; further alerts wait for a slot. Default 20. */
  readonly maxPerMinute?: number;
  /** Attempts per alert and channel, first try included. Default 4. */
  readonly maxAttempts?: number;
  /** Backoff before retry n (1-based): min(maxBackoffMs, baseBackoffMs × 2^(n-1)). Defaults 1 000 / 30 000. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Alerts waiting per channel; beyond it the oldest is dropped. Default 100. */
  readonly maxQueue?: number;
  /** Called for every outcome (metrics). Must not throw; errors are logged and ignored. */
  readonly onOutcome?: (channel: string, outcome: DeliveryOutcome, alert: Alert) => void;
}

/** Whether a failure may succeed on a later try: network errors, timeouts, 429 and 5xx. */
export function isRetryableDelivery(err: unknown): boolean {
  if (err instanceof AlertDeliveryError) return err.status === null || err.status === 429 || err.status >= 500;
  return true;
}

/** Backoff before retry `retry` (1-based): min(max, base × 2^(retry−1)). */
export function backoffMs(retry: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
}

const MINUTE_MS = 60_000;

class ChannelWorker {
  private readonly queue: Alert[] = [];
  private readonly sentAtMs: number[] = [];
  private running: Promise<void> | null = null;

  constructor(
    readonly channel: AlertChannel,
    private readonly o: Required<Omit<DispatcherOptions, 'channels' | 'onOutcome'>> & { outcome: (c: string, r: DeliveryOutcome, a: Alert) => void },
  ) {}

  enqueue(alert: Alert): void {
    this.queue.push(alert);
    if (this.queue.length > this.o.maxQueue) this.o.outcome(this.channel.name, 'dropped', this.queue.shift()!);
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
      fireAndForget(this.running, this.o.logger, `alert channel ${this.channel.name}`);
    }
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (let alert = this.queue.shift(); alert; alert = this.queue.shift()) {
      await this.waitForSlot();
      await this.deliver(alert);
    }
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.o.clock.nowMs();
      while (this.sentAtMs.length > 0 && this.sentAtMs[0]! <= now - MINUTE_MS) this.sentAtMs.shift();
      if (this.sentAtMs.length < this.o.maxPerMinute) {
        this.sentAtMs.push(now);
        return;
      }
      await this.o.clock.sleep(this.sentAtMs[0]! + MINUTE_MS - now);
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.channel.send(alert);
        this.o.outcome(this.channel.name, 'sent', alert);
        return;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (attempt >= this.o.maxAttempts || !isRetryableDelivery(err)) {
          this.o.logger.warn({ channel: this.channel.name, alert: alert.code, attempts: attempt, err: message }, 'alert not delivered');
          this.o.outcome(this.channel.name, 'failed', alert);
          return;
        }
        this.o.outcome(this.channel.name, 'retried', alert);
        await this.o.clock.sleep(backoffMs(attempt, this.o.baseBackoffMs, this.o.maxBackoffMs));
      }
    }
  }
}

/**
 * Fans alerts out to channels. `dispatch` returns at once (trading never waits for a channel); each
 * channel has its own queue, so a slow or failing one delays nobody else. Nothing it does throws.
 */
export class AlertDispatcher {
  private readonly workers: ChannelWorker[];
  private readonly lastSentMs = new Map<string, number>();
  private readonly o: DispatcherOptions;
  private readonly outcome: (channel: string, r: DeliveryOutcome, a: Alert) => void;

  constructor(options: DispatcherOptions) {
    this.o = options;
    const outcome = (channel: string, r: DeliveryOutcome, a: Alert): void => {
      try {
        options.onOutcome?.(channel, r, a);
      } catch (err) {
        options.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'alert outcome listener threw');
      }
    };
    const settings = {
      clock: options.clock,
      logger: options.logger,
      dedupeWindowMs: options.dedupeWindowMs,
      maxPerMinute: options.maxPerMinute ?? 20,
      maxAttempts: options.maxAttempts ?? 4,
      baseBackoffMs: options.baseBackoffMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      maxQueue: options.maxQueue ?? 100,
      outcome,
    };
    this.workers = options.channels.map((c) => new ChannelWorker(c, settings));
    this.outcome = outcome;
  }

  /** Channel names, in order. */
  get channelNames(): string[] {
    return this.workers.map((w) => w.channel.name);
  }

  /**
   * Queues `alert` on every channel unless the same dedupe key (default: the code) was queued less than
   * `dedupeWindowMs` ago on the dispatcher's clock. Returns whether it was queued.
   */
  dispatch(alert: Alert): boolean {
    const key = alert.dedupeKey ?? alert.code;
    const now = this.o.clock.nowMs();
    const last = this.lastSentMs.get(key);
    if (last !== undefined && now - last < this.o.dedupeWindowMs) {
      this.outcome('*', 'deduped', alert);
      return false;
    }
    this.lastSentMs.set(key, now);
    for (const w of this.workers) w.enqueue(alert);
    return true;
  }

  /** Resolves once every queued alert has been delivered or given up (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.idle()));
  }

  /** Flushes, then closes the channels. */
  async close(): Promise<void> {
    await this.flush();
    for (const w of this.workers) await w.channel.close?.().catch(() => undefined);
  }
}
