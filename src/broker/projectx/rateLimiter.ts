// Client-side sliding-window rate limiter for the ProjectX REST API: 50 requests / 30 s for
// History/retrieveBars, 200 / 60 s for everything else (reference §1.4). Reads wait; mutations fail fast.

import type { Clock } from '../../domain/index.ts';

/** One sliding window: at most `maxRequests` starts within any `windowMs`. */
export class SlidingWindowLimiter {
  readonly maxRequests: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  /** Start times of the requests inside the current window, ascending. */
  private readonly startsMs: number[] = [];
  /** Waiters in arrival order, so budget goes first-come first-served. */
  private queue: Promise<void> = Promise.resolve();

  constructor(maxRequests: number, windowMs: number, clock: Clock) {
    this.maxRequests = maxRequests;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  private prune(nowMs: number): void {
    while (this.startsMs.length > 0 && this.startsMs[0]! <= nowMs - this.windowMs) this.startsMs.shift();
  }

  /** Takes one unit of budget now if there is any; false otherwise. */
  tryAcquire(): boolean {
    const now = this.clock.nowMs();
    this.prune(now);
    if (this.startsMs.length >= this.maxRequests) return false;
    this.startsMs.push(now);
    return true;
  }

  /** Ms until the next unit frees up (0 when available now). */
  waitTimeMs(): number {
    const now = this.clock.nowMs();
    this.prune(now);
    if (this.startsMs.length < this.maxRequests) return 0;
    return this.startsMs[0]! + this.windowMs - now;
  }

  /** Waits (on the clock) until a unit is free and takes it; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        if (this.tryAcquire()) return;
        await this.clock.sleep(this.waitTimeMs());
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** Which budget an endpoint draws from. */
export type RateBucket = 'bars' | 'default';

/** The two ProjectX budgets; `bucketOf(endpoint)` picks one. */
export class ProjectXRateLimits {
  readonly bars: SlidingWindowLimiter;
  readonly default: SlidingWindowLimiter;

  constructor(clock: Clock, limits: { barsPer30s?: number; defaultPer60s?: number; barsWindowMs?: number; defaultWindowMs?: number } = {}) {
    this.bars = new SlidingWindowLimiter(limits.barsPer30s ?? 50, limits.barsWindowMs ?? 30_000, clock);
    this.default = new SlidingWindowLimiter(limits.defaultPer60s ?? 200, limits.defaultWindowMs ?? 60_000, clock);
  }

  static bucketOf(endpoint: string): RateBucket {
    return endpoint === 'History/retrieveBars' ? 'bars' : 'default';
  }

  limiterFor(endpoint: string): SlidingWindowLimiter {
    return ProjectXRateLimits.bucketOf(endpoint) === 'bars' ? this.bars : this.default;
  }
}
