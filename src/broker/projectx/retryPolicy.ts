// The one retry policy shared by REST backoff (429, 5xx, transport errors on reads) and hub reconnects,
// modelled on @microsoft/signalr's IRetryPolicy: a delay for the next attempt, or null to give up.

/** What the policy sees before each retry (the SignalR RetryContext, units in names). */
export interface RetryContext {
  /** Retries already made for this operation (0 before the first retry). */
  readonly previousRetryCount: number;
  /** Time since the operation first failed, in ms of the caller's clock. */
  readonly elapsedMs: number;
  /** Why the last attempt failed. */
  readonly retryReason: unknown;
}

/** Decides the delay before the next attempt; null means stop retrying. */
export interface RetryPolicy {
  nextDelayMs(ctx: RetryContext): number | null;
}

/** A seeded uniform [0, 1) generator (mulberry32) so jitter is repeatable in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link ExponentialBackoffPolicy}; every field has a default. */
export interface ExponentialBackoffOptions {
  /** Delay of the first retry (default 0: reconnect at once, as SignalR's default does). */
  readonly firstDelayMs?: number;
  /** Base of the exponential part: retry n ≥ 1 waits baseDelayMs · factor^(n−1) (default 1000). */
  readonly baseDelayMs?: number;
  /** Growth factor (default 2). */
  readonly factor?: number;
  /** Cap on any single delay (default 30 000). */
  readonly maxDelayMs?: number;
  /** Give up after this many retries; null never gives up (default null). */
  readonly maxRetries?: number | null;
  /** Give up once this much time has passed since the first failure; null never (default null). */
  readonly maxElapsedMs?: number | null;
  /** Fraction of the delay randomised: delay · (1 − jitter + jitter · u), u uniform in [0,1) (default 0.2). */
  readonly jitter?: number;
  /** Uniform [0,1) source; default seededRandom(1). */
  readonly random?: () => number;
}

/**
 * Capped exponential backoff with proportional jitter:
 * d(0) = firstDelayMs, d(n) = min(maxDelayMs, baseDelayMs · factor^(n−1)) · (1 − jitter + jitter · u).
 * With the defaults it never gives up, which is what the hubs need (SignalR's default stops after 4 tries).
 */
export class ExponentialBackoffPolicy implements RetryPolicy {
  private readonly firstDelayMs: number;
  private readonly baseDelayMs: number;
  private readonly factor: number;
  private readonly maxDelayMs: number;
  private readonly maxRetries: number | null;
  private readonly maxElapsedMs: number | null;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.firstDelayMs = options.firstDelayMs ?? 0;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.factor = options.factor ?? 2;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? null;
    this.maxElapsedMs = options.maxElapsedMs ?? null;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.random = options.random ?? seededRandom(1);
  }

  nextDelayMs(ctx: RetryContext): number | null {
    if (this.maxRetries !== null && ctx.previousRetryCount >= this.maxRetries) return null;
    if (this.maxElapsedMs !== null && ctx.elapsedMs >= this.maxElapsedMs) return null;
    if (ctx.previousRetryCount === 0) return this.firstDelayMs;
    const raw = Math.min(this.maxDelayMs, this.baseDelayMs * this.factor ** (ctx.previousRetryCount - 1));
    return Math.round(raw * (1 - this.jitter + this.jitter * this.random()));
  }
}

/** REST default: 0.5 s, 1 s, 2 s … capped at 30 s, at most 8 retries (reads only; orders are never retried blindly). */
export function defaultRestRetryPolicy(random?: () => number): RetryPolicy {
  return new ExponentialBackoffPolicy({ firstDelayMs: 500, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetries: 8, random });
}

/** Hub default: 0 s, 1 s, 2 s, 4 s … capped at 30 s, never gives up. */
export function defaultHubRetryPolicy(random?: () => number): RetryPolicy {
  return new ExponentialBackoffPolicy({ firstDelayMs: 0, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetries: null, random });
}
