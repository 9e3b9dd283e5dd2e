// A tiny typed event emitter whose listeners each run in a try/catch, so one throwing handler is logged
// with its event name and never breaks the hub connection or the other listeners.

import type { Logger } from 'pino';

/** Event name → payload type. */
export type EventMap = Record<string, unknown>;

export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<(payload: never) => void>>();
  constructor(private readonly log: Logger) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, fn: (payload: E[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (payload: never) => void);
    return () => set!.delete(fn as (payload: never) => void);
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        (fn as (p: E[K]) => void)(payload);
      } catch (e) {
        this.log.error({ event: String(event), err: e instanceof Error ? e.message : String(e) }, 'event listener threw');
      }
    }
  }
}

/** Runs a promise without awaiting it, logging a rejection instead of leaving it unhandled. */
export function fireAndForget(p: Promise<unknown>, log: Logger, what: string): void {
  p.catch((e: unknown) => log.error({ what, err: e instanceof Error ? e.message : String(e) }, 'background task failed'));
}
