// One guard for plug-ins (RL agent, sentiment source, calendar): run, and fall back to the default on error.

import { PluginError } from '../domain/index.ts';

/** Result of a guarded plug-in call: its value, or the fallback and the error that caused it. */
export interface Guarded<T> {
  readonly value: T;
  readonly error: PluginError | null;
}

/**
 * Runs `fn`; if it throws or `validate` rejects its value (returns a problem string), returns
 * `fallback()` with a PluginError naming the plug-in. Never throws for plug-in failures.
 */
export function runGuarded<T>(
  plugin: string,
  fn: () => T,
  fallback: () => T,
  validate?: (v: T) => string | null,
  fallbackLabel = 'the default',
): Guarded<T> {
  try {
    const v = fn();
    const problem = validate ? validate(v) : null;
    if (problem === null) return { value: v, error: null };
    return { value: fallback(), error: new PluginError(plugin, problem, { fallback: fallbackLabel }) };
  } catch (cause) {
    return { value: fallback(), error: pluginThrew(plugin, cause, fallbackLabel) };
  }
}

/** The error of a plug-in call that threw `cause` (as runGuarded reports it; for guards written inline on per-bar paths). */
export function pluginThrew(plugin: string, cause: unknown, fallbackLabel: string): PluginError {
  const msg = cause instanceof Error ? cause.message : String(cause);
  return new PluginError(plugin, `threw: ${msg}`, { cause, fallback: fallbackLabel });
}
