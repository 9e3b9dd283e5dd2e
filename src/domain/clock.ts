// The one time seam: a Clock (now + sleep), the system clock (the only reader of Date.now) and a manual
// clock that tests advance by hand (or let jump forward on every sleep) so nothing really waits.

/** Time source: `nowMs()` is UTC epoch ms; `sleep(ms)` resolves after `ms` of this clock's time. */
export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time; the only place in txbot that reads Date.now(). */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

interface Sleeper {
  readonly wakeMs: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A clock that moves only when told. `advanceBy`/`advanceTo` wake every sleeper whose time has come, in
 * wake order. With `autoAdvance`, a pending sleep makes the clock jump to the earliest wake time on the
 * next macrotask, so code that waits for budget or backoff runs at once while still seeing time pass.
 */
export class ManualClock implements Clock {
  private now: number;
  private readonly sleepers: Sleeper[] = [];
  private seq = 0;
  private flushScheduled = false;
  private readonly listeners = new Set<(nowMs: number) => void>();
  autoAdvance: boolean;

  constructor(startMs: number, options: { autoAdvance?: boolean } = {}) {
    this.now = startMs;
    this.autoAdvance = options.autoAdvance ?? false;
  }

  nowMs(): number {
    return this.now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ wakeMs: this.now + Math.max(0, ms), seq: this.seq++, resolve });
      this.sleepers.sort((a, b) => a.wakeMs - b.wakeMs || a.seq - b.seq);
      this.scheduleAutoFlush();
    });
  }

  /** Wake time of the earliest pending sleep, or null when nobody sleeps. */
  nextWakeMs(): number | null {
    return this.sleepers[0]?.wakeMs ?? null;
  }

  /** Number of sleeps not yet woken. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Calls `fn(nowMs)` after every move of the clock (the simulator uses it to replay market data). */
  onAdvance(fn: (nowMs: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Moves the clock forward by `ms` and wakes due sleepers. */
  advanceBy(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  /** Moves the clock to `tsMs` (never backwards) and wakes due sleepers. */
  advanceTo(tsMs: number): void {
    if (tsMs > this.now) this.now = tsMs;
    while (this.sleepers.length > 0 && this.sleepers[0]!.wakeMs <= this.now) this.sleepers.shift()!.resolve();
    for (const fn of this.listeners) fn(this.now);
  }

  private scheduleAutoFlush(): void {
    if (!this.autoAdvance || this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const first = this.sleepers[0];
      if (!first) return;
      this.advanceTo(first.wakeMs);
      if (this.sleepers.length > 0) this.scheduleAutoFlush();
    });
  }
}
