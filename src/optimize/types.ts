// Shared types of walk-forward optimization: parameters, the trial contract and trial outcomes.

/** A JSON value (what crosses worker threads, Redis and hashes unchanged). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One parameter value: a number, string or boolean, a list (VWAP band multipliers) or an object (a target spec). */
export type ParamValue = Exclude<JsonValue, null>;

/** Parameter values by dotted config key, in the order of the space's dimensions. */
export type Params = Readonly<Record<string, ParamValue>>;

/** Which part of a walk-forward window a trial runs on: the training days (search) or the unseen test days. */
export type TrialSegment = 'train' | 'test';

/** What a trial function is asked to do. */
export interface TrialInput {
  /** Walk-forward window index (0-based). */
  readonly windowIndex: number;
  readonly params: Params;
  /** Seed for every random thing inside the trial; the same for all trials of a window (common random numbers). */
  readonly seed: number;
  readonly segment: TrialSegment;
}

/** What a trial function is given besides its input: the data it must run on and the sweep's own context. */
export interface TrialContext {
  /** sha256 of the market data the sweep was planned on. */
  readonly dataSha256: string;
  /** The worker's local descriptor of that data (e.g. a file path), from its `datasets` table. */
  readonly data: JsonValue;
  /** Sweep-wide JSON the trial needs (base config, window plan, ...), the same for every trial. */
  readonly context: JsonValue;
}

/** Performance of one trial; amounts in USD, ratios unitless. */
export interface TrialMetrics {
  readonly netPnl: number;
  /** Annualized Sharpe ratio of daily returns; null when undefined (no variance). */
  readonly sharpe: number | null;
  /** Largest peak-to-trough fall of equity (USD, >= 0). */
  readonly maxDrawdown: number;
  /** Smallest distance between equity and the maximum-loss-limit floor (USD); null when not tracked. */
  readonly minRoomToFloorUsd: number | null;
  /** Topstep Combine pass probability in [0, 1]; null when not simulated. */
  readonly combinePassProbability: number | null;
  readonly trades: number;
  /** Daily returns (P&L / starting balance), one per trading day of the segment; feeds PBO and the DSR. */
  readonly dailyReturns: readonly number[];
}

/** A finished trial: its metrics and a small pointer to where the full output lives (or null). */
export interface TrialResult {
  readonly metrics: TrialMetrics;
  readonly pointer: string | null;
}

/** The function a trial module exports. May be synchronous (CPU work) or asynchronous. */
export type TrialFunction = (trial: TrialInput, ctx: TrialContext) => TrialResult | Promise<TrialResult>;

/** Where a trial function lives, so worker threads and processes can import it: an absolute path or file URL, and the export. */
export interface TrialModuleRef {
  readonly module: string;
  readonly exportName: string;
}

/** How a failing trial is retried: `attempts` in total, waiting backoffMs × 2^(n-1) before retry n. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

/** The outcome of one trial after all its attempts; a failure is reported, never dropped. */
export type TrialOutcome =
  { readonly status: 'completed'; readonly result: TrialResult } | { readonly status: 'failed'; readonly attempts: number; readonly reason: string };
