// Tests of the shared retry policy, the manual clock and the sliding-window rate limiter on a fake clock.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExponentialBackoffPolicy, defaultHubRetryPolicy, seededRandom } from '../../../src/broker/projectx/retryPolicy.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { SlidingWindowLimiter, ProjectXRateLimits } from '../../../src/broker/projectx/rateLimiter.ts';

describe('ExponentialBackoffPolicy', () => {
  it('grows exponentially from the first delay and caps at maxDelayMs without jitter', () => {
    const p = new ExponentialBackoffPolicy({ firstDelayMs: 0, baseDelayMs: 1000, factor: 2, maxDelayMs: 5000, jitter: 0 });
    const delays = [0, 1, 2, 3, 4, 10].map((n) => p.nextDelayMs({ previousRetryCount: n, elapsedMs: 0, retryReason: null }));
    expect(delays).toEqual([0, 1000, 2000, 4000, 5000, 5000]);
  });

  it('gives up after maxRetries or maxElapsedMs, and the hub default never gives up', () => {
    const p = new ExponentialBackoffPolicy({ maxRetries: 3, maxElapsedMs: 60_000 });
    expect(p.nextDelayMs({ previousRetryCount: 3, elapsedMs: 0, retryReason: null })).toBeNull();
    expect(p.nextDelayMs({ previousRetryCount: 1, elapsedMs: 60_000, retryReason: null })).toBeNull();
    const hub = defaultHubRetryPolicy();
    expect(hub.nextDelayMs({ previousRetryCount: 10_000, elapsedMs: 1e9, retryReason: null })).not.toBeNull();
  });

  it('keeps jittered delays within [d·(1−j), d] for any retry count and seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer(), (n, seed) => {
        const p = new ExponentialBackoffPolicy({ baseDelayMs: 100, maxDelayMs: 10_000, jitter: 0.5, random: seededRandom(seed) });
        const d = p.nextDelayMs({ previousRetryCount: n, elapsedMs: 0, retryReason: null })!;
        const raw = Math.min(10_000, 100 * 2 ** (n - 1));
        return d >= Math.floor(raw * 0.5) && d <= raw;
      }),
    );
  });

  it('repeats the same jitter sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('ManualClock', () => {
  it('wakes sleepers in wake order only when advanced', async () => {
    const clock = new ManualClock(0);
    const woke: number[] = [];
    const a = clock.sleep(200).then(() => woke.push(200));
    const b = clock.sleep(100).then(() => woke.push(100));
    clock.advanceBy(50);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advanceBy(200);
    await Promise.all([a, b]);
    expect(woke).toEqual([100, 200]);
    expect(clock.nowMs()).toBe(250);
  });

  it('jumps to the next wake time by itself with autoAdvance', async () => {
    const clock = new ManualClock(1000, { autoAdvance: true });
    await clock.sleep(60_000);
    expect(clock.nowMs()).toBe(61_000);
  });
});

describe('SlidingWindowLimiter', () => {
  it('never starts more than maxRequests within any window', async () => {
    const clock = new ManualClock(0, { autoAdvance: true });
    const limiter = new SlidingWindowLimiter(5, 1000, clock);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 23 }, () => limiter.acquire().then(() => starts.push(clock.nowMs()))));
    expect(starts).toHaveLength(23);
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
  });

  it('tryAcquire fails fast when the budget is spent and reports the wait', () => {
    const clock = new ManualClock(0);
    const limiter = new SlidingWindowLimiter(2, 30_000, clock);
    expect(limiter.tryAcquire()).toBe(true);
    clock.advanceBy(10_000);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    expect(limiter.waitTimeMs()).toBe(20_000);
  });

  it('puts History/retrieveBars in the 50/30 s bucket and everything else in 200/60 s', () => {
    const limits = new ProjectXRateLimits(new ManualClock(0));
    expect(limits.limiterFor('History/retrieveBars').maxRequests).toBe(50);
    expect(limits.limiterFor('History/retrieveBars').windowMs).toBe(30_000);
    expect(limits.limiterFor('Order/place').maxRequests).toBe(200);
    expect(limits.limiterFor('Order/place').windowMs).toBe(60_000);
  });
});
