// Error classes by what the operator must do; the CLI maps each to one stderr line and an exit code.

/** Base error: a stable code, a message saying where/what/expected/found, and an optional hint. */
export class TxbotError extends Error {
  readonly code: string;
  readonly hint?: string;
  /** Process exit code the CLI uses for this error class. */
  readonly exitCode: number = 1;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** Invalid configuration: stop and fix the config. `problems` lists every `path: what (got X)` line. */
export class ConfigError extends TxbotError {
  override readonly exitCode = 2;
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], options: { hint?: string; cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, options);
    this.problems = problems;
  }
}

/** Invalid or unreadable market data (file, line, what is wrong). */
export class DataError extends TxbotError {
  override readonly exitCode = 3;
  readonly problems: string[];
  constructor(code: string, message: string, problems: string[] = [], options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.problems = problems;
  }
}

/** Bad command-line usage (missing/invalid option). */
export class UsageError extends TxbotError {
  override readonly exitCode = 2;
  constructor(message: string, options: { hint?: string } = {}) {
    super('USAGE', message, options);
  }
}

/** A model file that is missing, malformed or incompatible. */
export class ModelError extends TxbotError {
  override readonly exitCode = 3;
  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** Broker/gateway failure; `retryable` tells callers whether a read may be retried. */
export class BrokerError extends TxbotError {
  override readonly exitCode = 4;
  readonly retryable: boolean;
  constructor(code: string, message: string, retryable: boolean, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.retryable = retryable;
  }
}

/** A plug-in (RL agent, sentiment source, calendar) failed; the guard falls back to the default. */
export class PluginError extends TxbotError {
  /** The plug-in's name (seam and implementation, e.g. `sentiment_score`, `rl_agent:ppo`). */
  readonly plugin: string;
  /** What was used instead (e.g. "neutral sentiment 0", "blackout", "the rule decision"). */
  readonly fallback: string;
  constructor(plugin: string, message: string, options: { cause?: unknown; fallback?: string } = {}) {
    super('PLUGIN_FAILED', `${plugin}: ${message}`, options);
    this.plugin = plugin;
    this.fallback = options.fallback ?? 'the default';
  }
}
