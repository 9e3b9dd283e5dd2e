// What every run needs besides bars and a broker, as the composition root (src/app/runContext.ts) builds
// it from the config: the instrument, the filters' market inputs, the decision policy, the account's
// risk manager and the regime source. Backtest, walk-forward, replay, paper, live and the RL environment
// receive a RunContext; none of them picks a seam implementation itself.

import type { BarSeries, PluginError, Instrument, RegimeSource } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import type { RegimeModel, RetrainEvent } from '../regime/index.ts';
import type { CalendarSource, FilterSettings, SentimentSource, VixTable, RiskInitialState, RiskManager, DecisionPolicy } from '../strategy/index.ts';
import type { TradingEngineOptions } from './tradingEngine.ts';

/** How a run is driven (decides the broker and which seams may be asynchronous). */
export type RunMode = 'backtest' | 'walkforward' | 'replay' | 'paper' | 'live';

/** The filters' inputs for the run, with where they came from. */
export interface MarketInputs {
  readonly vixTable: VixTable | null;
  /** File the VIX closes were read from (null: none). */
  readonly vixSource: string | null;
  readonly calendar: CalendarSource;
  /** Where the calendar came from (a file, or null: configured daily times only). */
  readonly calendarSource: string | null;
  readonly sentiment: SentimentSource;
  /** Sentiment kind in use (`none` = neutral, `recorded` = the journal of earlier polls). */
  readonly sentimentSource: string;
  /** Filter settings for this calendar (a vendor calendar replaces the configured daily times while fresh). */
  readonly filterSettings: FilterSettings;
}

/** A regime source of a synchronous run, with what it did (retrains) for the report. */
export interface RunRegimeSource {
  readonly source: RegimeSource;
  /** The model scoring bars now (changes after a retrain swap). */
  model(): RegimeModel;
  /** Kind chosen (`fixed`, `retraining`). */
  readonly kind: string;
}

/** Overrides of the regime source of one run. */
export interface RegimeSourceOptions {
  readonly kind?: Config['regime_source']['kind'];
  /** Drift trigger of retraining (default on; the schedule always is). */
  readonly driftTrigger?: boolean;
  readonly onRetrainEvent?: (e: RetrainEvent) => void;
}

/** One plug-in failure kind seen in a run: counted, with the first message and the fallback used. */
export interface PluginFailureCount {
  readonly plugin: string;
  count: number;
  readonly firstMessage: string;
  readonly fallback: string;
  readonly firstTsMs: number;
}

/** What an RL decision policy was trained on (its file's metadata): a run overlapping it is in-sample. */
export interface PolicyTraining {
  readonly file: string;
  /** First and last bar time of the training window (NaN when the file does not say: treated as overlapping). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly dataSha256: string | null;
}

/** Whether a run over [firstMs, lastMs] overlaps the policy's training window (unknown window: true). */
export function overlapsPolicyTraining(t: PolicyTraining | null, firstMs: number | null, lastMs: number | null): boolean {
  if (!t) return false;
  if (!Number.isFinite(t.fromMs) || !Number.isFinite(t.toMs) || firstMs === null || lastMs === null) return true;
  return firstMs <= t.toMs && lastMs >= t.fromMs;
}

/** Why a run is in-sample because of its RL decision policy (null when the policy's training is disjoint or there is none). */
export function policyInSampleReason(t: PolicyTraining | null, firstMs: number | null, lastMs: number | null): string | null {
  if (!overlapsPolicyTraining(t, firstMs, lastMs)) return null;
  const day = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '?');
  return `the RL decision policy was trained on bars from ${day(t!.fromMs)} to ${day(t!.toMs)}, which overlap the tested bars`;
}

export interface RunContext {
  readonly mode: RunMode;
  readonly config: Config;
  /** Folder relative config paths resolve against. */
  readonly baseDir: string;
  /** The first (or only) instrument traded. */
  readonly instrument: Instrument;
  /** Every instrument the run trades, in configured order (bars of one instant are processed in it). */
  readonly instruments: readonly Instrument[];
  /** The first instrument's market inputs (the calendar and VIX are shared; sentiment is per instrument). */
  readonly market: MarketInputs;
  /** The configured decision policy (null: the rule table decides); engineOptions gives each session its own instance. */
  readonly policy: DecisionPolicy | null;
  /** The RL policy's training window (null: rules). */
  readonly policyTraining: PolicyTraining | null;
  readonly startingBalanceUsd: number;
  /** A fresh account-level risk manager (resumed from `initial` when given). */
  createRisk(initial?: RiskInitialState): RiskManager;
  /**
   * The configured regime source (`regime_source.kind`, or `options.kind`) of a synchronous run starting
   * from `model`; `history` feeds retrains (only bars before each decision are used).
   */
  regimeSource(model: RegimeModel, history: BarSeries | null, options?: RegimeSourceOptions): RunRegimeSource;
  /**
   * Engine options of one instrument (default: the first) for a session of this run (everything but the
   * broker and the observer): its own config (instrumentConfig: session hours, regime tables), its sentiment.
   */
  engineOptions(o: { regime: RegimeSource; risk: RiskManager; idPrefix: string; symbol?: string }): Omit<TradingEngineOptions, 'onRiskEvent'>;
  /** Plug-in failures of this run so far, by plug-in name. */
  readonly pluginFailures: ReadonlyMap<string, PluginFailureCount>;
  /** Called by the engine when a plug-in failed and its fallback was used (counted; forwarded to listeners). */
  reportPluginFailure(e: PluginError, tsMs: number): void;
  /** Listens to plug-in failures (journal, alerts); returns the unsubscribe function. */
  onPluginFailure(listener: (e: PluginError, tsMs: number) => void): () => void;
  /** Starts the background refresh of vendor inputs (calendar, VIX, sentiment; paper/live only). */
  startInputs(): void;
  /** Stops the refreshers and flushes what they record. */
  stopInputs(): Promise<void>;
}
