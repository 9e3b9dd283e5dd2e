// The time seams of the leader lease: a monotonic clock for lease ages and the timers that drive the
// elector loop, with the system defaults (performance.now, setTimeout); tests substitute both.

/** Milliseconds on a clock that never jumps (not wall time): only differences are meaningful. */
export interface MonotonicClock {
  nowMs(): number;
}

/** performance.now(): CLOCK_MONOTONIC, keeps counting while the process is stopped (SIGSTOP). */
export const systemMonotonicClock: MonotonicClock = {
  nowMs: () => performance.now(),
};

/** Opaque handle returned by `Timers.setTimeout`. */
export type TimerHandle = unknown;

/** One-shot timers; the elector schedules every poll, renewal and deadline through this seam. */
export interface Timers {
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's timers. */
export const systemTimers: Timers = {
  setTimeout: (fn, delayMs) => setTimeout(fn, Math.max(0, delayMs)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
