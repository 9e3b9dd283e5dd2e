// Drivers of the session protocol: the per-bar sequence is written once as a generator that yields each
// broker or journal step; `driveSync` runs it without promises (backtests), `driveAsync` awaits the
// steps that are promises (paper, live, replay). A PolicyQuestion (an external policy's question) is
// answered only by the RL environment's driver (rl/env.ts); these drivers refuse it.

import { PolicyQuestion } from './tradingEngine.ts';

/** A protocol step: yields values or promises, receives each one's result; returns T. */
export type Step<T = void> = Generator<unknown, T, unknown>;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

/** Yields `v` to the driver and returns its (awaited) result. */
export function* wait<T>(v: T | Promise<T>): Generator<unknown, T, unknown> {
  return (yield v) as T;
}

/**
 * Runs a step to completion synchronously. A step that yields a promise is a wiring bug (an
 * asynchronous broker or journal in a synchronous run) and throws.
 */
export function driveSync<T>(step: Step<T>): T {
  let r = step.next();
  while (!r.done) {
    if (isThenable(r.value)) {
      step.return(undefined as T);
      throw new Error('driveSync: a step returned a promise (an asynchronous broker or journal needs driveAsync)');
    }
    if (r.value instanceof PolicyQuestion) {
      step.return(undefined as T);
      throw new Error('driveSync: an external decision policy needs its own driver (the RL environment)');
    }
    r = step.next(r.value);
  }
  return r.value;
}

/** Runs a step, awaiting only the yielded values that are promises; a rejection is thrown into the step. */
export async function driveAsync<T>(step: Step<T>): Promise<T> {
  let r = step.next();
  while (!r.done) {
    let value: unknown = r.value;
    if (value instanceof PolicyQuestion) {
      r = step.throw(new Error('driveAsync: an external decision policy needs its own driver (the RL environment)'));
      continue;
    }
    if (isThenable(value)) {
      try {
        value = await value;
      } catch (e) {
        r = step.throw(e);
        continue;
      }
    }
    r = step.next(value);
  }
  return r.value;
}
