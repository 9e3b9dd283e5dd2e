// RetrainController, the one retraining implementation: after each bar it feeds the DriftMonitor, checks
// the schedule and drift triggers, runs at most one retrain at a time, commits and swaps a better model
// between bars, and reports everything (failures as alerts) to subscribers. Live it trains on a runner
// (a worker thread, off the trading path); in backtests it trains inline, in simulated time.
// PLUG: retrain_trigger wiring.

import type { Config } from '../../config/index.ts';
import { TxbotError, MINUTE_MS, type Bar, type RegimeInfo, type BarSeries } from '../../domain/index.ts';
import { DriftMonitor, type DriftStatus } from '../drift.ts';
import type { ModelStore } from '../modelRepository.ts';
import type { BarHistorySource } from './historySource.ts';
import { retrainSettingsFromConfig, runRetrain, type RetrainOutcome, type RetrainSettings } from './pipeline.ts';
import { checkRetrainTriggers, triggerSettingsFromConfig, type RetrainTrigger, type TriggerSettings } from './triggers.ts';
import type { SwappableRegimeDetector } from './swappableDetector.ts';
import type { RetrainRunner } from './retrainJob.ts';

/** Persistent "last training time" (the journal's meta in live use). */
export interface TrainingClock {
  load(): Promise<number | null>;
  save(trainedMs: number, tsMs: number): Promise<void>;
}

/** Events for logs and the monitoring module; RETRAIN_FAILED is an alert. */
export type RetrainEvent =
  | { readonly kind: 'RETRAIN_STARTED'; readonly tsMs: number; readonly trigger: RetrainTrigger }
  | { readonly kind: 'RETRAIN_SKIPPED'; readonly tsMs: number; readonly trigger: RetrainTrigger; readonly reason: string }
  | {
      readonly kind: 'RETRAIN_FINISHED';
      readonly tsMs: number;
      readonly trigger: RetrainTrigger;
      readonly outcome: RetrainOutcome;
      readonly version: number | null;
    }
  | { readonly kind: 'RETRAIN_FAILED'; readonly tsMs: number; readonly trigger: RetrainTrigger; readonly code: string; readonly message: string }
  | { readonly kind: 'MODEL_SWAPPED'; readonly tsMs: number; readonly baselineLogLikelihoodPerBar: number };

export interface RetrainControllerOptions {
  readonly config: Config;
  readonly detector: SwappableRegimeDetector;
  readonly history: BarHistorySource;
  /** Where swapped models are committed first (null: in memory only, e.g. backtests). */
  readonly store: ModelStore | null;
  /** Runs a retrain off the trading path (a worker thread, src/app/retrainWorker.ts); required unless `inline`. */
  readonly runner?: RetrainRunner;
  /**
   * Backtests: retrain synchronously inside `onBar` on these bars (only bars before the triggering bar's
   * end are used), so a better model is swapped in before the next bar. Failures that are not TxbotErrors
   * (bugs) are thrown, not reported.
   */
  readonly inline?: { latestBarsSync(tradingDays: number, untilTsMs: number): BarSeries };
  readonly clock?: TrainingClock | null;
  readonly settings?: RetrainSettings;
  readonly triggers?: TriggerSettings;
  /** Whether the drift trigger is on (default true); the schedule trigger always is. */
  readonly driftTrigger?: boolean;
}

/**
 * Drives retraining from the bar stream. Call `onBar(bar, info)` after each bar with the detector's
 * result; it never blocks: a retrain runs on the runner (worker thread) and its model is swapped in via
 * `detector.requestSwap`, i.e. before the next bar after it finishes. `create` reads the last training
 * time from the clock (journal), falling back to the current model's training end.
 */
export class RetrainController {
  private readonly o: RetrainControllerOptions;
  private readonly monitor: DriftMonitor;
  private readonly listeners = new Set<(e: RetrainEvent) => void>();
  private lastTrainingMs: number | null;
  private lastAttemptMs: number | null = null;
  private seenSwaps: number;
  private running: Promise<void> | null = null;
  private lastBarMs = Number.NaN;
  private lastDrift: DriftStatus | null = null;
  /** Held-out baseline of the model waiting to be swapped in (its validation score in detector units). */
  private pendingBaseline: number | null = null;

  private readonly triggerSettings: TriggerSettings;

  private constructor(o: RetrainControllerOptions, lastTrainingMs: number | null) {
    this.o = o;
    this.triggerSettings = o.triggers ?? triggerSettingsFromConfig(o.config);
    this.monitor = DriftMonitor.forModel(o.detector.model, o.config);
    this.lastTrainingMs = lastTrainingMs;
    this.seenSwaps = o.detector.swaps;
  }

  static async create(o: RetrainControllerOptions): Promise<RetrainController> {
    const stored = o.clock ? await o.clock.load() : null;
    return new RetrainController(o, stored ?? o.detector.model.training.toTsMs);
  }

  /** An inline controller (backtests): the schedule starts at the model's training end. */
  static createInline(o: RetrainControllerOptions & { inline: NonNullable<RetrainControllerOptions['inline']> }): RetrainController {
    return new RetrainController(o, o.detector.model.training.toTsMs);
  }

  /** Subscribes to events (PLUG: monitoring); returns the unsubscribe function. */
  on(listener: (e: RetrainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a retrain is in progress. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Latest drift status (null before the first scored bar after start or a swap). */
  get drift(): DriftStatus | null {
    return this.lastDrift;
  }

  /** Last training time used by the schedule (UTC epoch ms). */
  get lastTrainingTimeMs(): number | null {
    return this.lastTrainingMs;
  }

  /** Resolves when no retrain is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * The regime source to give the engine: scores each bar with the swappable detector, then runs
   * `onBar` with the result, so drift and triggers follow every bar the engine sees.
   */
  regimeSource(): { predictRegime(bar: Bar): RegimeInfo | null } {
    return {
      predictRegime: (bar: Bar): RegimeInfo | null => {
        const info = this.o.detector.predictRegime(bar);
        this.onBar(bar, info);
        return info;
      },
    };
  }

  /** After each bar: drift bookkeeping, then the trigger check (which may start a retrain). */
  onBar(bar: Bar, info: RegimeInfo | null): void {
    this.lastBarMs = bar.tsMs;
    if (this.o.detector.swaps !== this.seenSwaps) {
      // The bar was scored by the new model: restart the window against its baseline.
      this.seenSwaps = this.o.detector.swaps;
      const model = this.o.detector.model;
      const heldOut = this.o.config.retrain.drift_baseline === 'held_out';
      const baseline = heldOut ? this.pendingBaseline : model.training.logLikelihoodPerBar;
      this.monitor.reset(baseline, heldOut && baseline !== null ? 'held_out_validation' : 'training');
      this.pendingBaseline = null;
      this.emit({ kind: 'MODEL_SWAPPED', tsMs: bar.tsMs, baselineLogLikelihoodPerBar: baseline ?? Number.NaN });
    }
    this.lastDrift = info ? this.monitor.observe(bar.tsMs, info.logLikelihood) : this.monitor.status();
    // PLUG: retrain_trigger — schedule and drift checks after each scored bar.
    const trigger = checkRetrainTriggers(this.triggerSettings, {
      nowMs: bar.tsMs,
      lastTrainingMs: this.lastTrainingMs,
      lastAttemptMs: this.lastAttemptMs,
      drift: this.o.driftTrigger === false ? null : this.lastDrift,
    });
    if (!trigger) return;
    const untilTsMs = bar.tsMs + this.o.config.data.bar_minutes * MINUTE_MS;
    // The run never rejects (failures become RETRAIN_FAILED events); callers await `idle()`.
    if (this.o.inline) this.runInline(trigger, untilTsMs);
    else void this.trigger(trigger, untilTsMs);
  }

  /**
   * Starts a retrain on bars before `untilTsMs` unless one is running (then RETRAIN_SKIPPED).
   * Returns the run's promise (never rejects: failures become RETRAIN_FAILED events).
   */
  trigger(trigger: RetrainTrigger, untilTsMs: number): Promise<void> {
    if (this.running) {
      this.emit({ kind: 'RETRAIN_SKIPPED', tsMs: this.nowMs(untilTsMs), trigger, reason: 'a retrain is already running' });
      return this.running;
    }
    this.lastAttemptMs = this.nowMs(untilTsMs);
    this.emit({ kind: 'RETRAIN_STARTED', tsMs: this.lastAttemptMs, trigger });
    const run = this.execute(trigger, untilTsMs).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** One retrain in this thread (inline mode): the outcome applies before the next bar. */
  private runInline(trigger: RetrainTrigger, untilTsMs: number): void {
    this.lastAttemptMs = this.nowMs(untilTsMs);
    this.emit({ kind: 'RETRAIN_STARTED', tsMs: this.lastAttemptMs, trigger });
    const settings = this.o.settings ?? retrainSettingsFromConfig(this.o.config);
    try {
      const series = this.o.inline!.latestBarsSync(settings.windowDays + settings.validationDays, untilTsMs);
      const outcome = runRetrain(series, this.o.detector.model, this.o.config, settings);
      if (outcome.decision === 'swapped') {
        this.pendingBaseline = heldOutBaseline(outcome);
        this.o.detector.requestSwap(outcome.newModel);
      } else this.monitor.reset();
      const tsMs = this.nowMs(untilTsMs);
      this.lastTrainingMs = tsMs;
      this.emit({ kind: 'RETRAIN_FINISHED', tsMs, trigger, outcome, version: null });
    } catch (e) {
      if (!(e instanceof TxbotError)) throw e;
      this.monitor.reset();
      this.emit({ kind: 'RETRAIN_FAILED', tsMs: this.nowMs(untilTsMs), trigger, code: e.code, message: e.message });
    }
  }

  private async execute(trigger: RetrainTrigger, untilTsMs: number): Promise<void> {
    const o = this.o;
    const settings = o.settings ?? retrainSettingsFromConfig(o.config);
    const current = o.detector.model;
    try {
      const series = await o.history.latestBars(settings.windowDays + settings.validationDays, untilTsMs);
      if (!o.runner) throw new TxbotError('RETRAIN_NO_RUNNER', 'retrain controller has no runner (wiring error)');
      const outcome = await o.runner({ series, current, config: o.config, settings });
      let version: number | null = null;
      const tsMs = this.nowMs(untilTsMs);
      if (outcome.decision === 'swapped') {
        // Commit first: a model that cannot be stored is not traded on (restart would lose it).
        if (o.store) version = (await o.store.commit(outcome.newModel, { tsMs, reason: `${trigger.kind}: ${outcome.reason}` })).version;
        this.pendingBaseline = heldOutBaseline(outcome);
        o.detector.requestSwap(outcome.newModel);
      } else {
        // Kept: give the current model a fresh drift window before drift may fire again.
        this.monitor.reset();
      }
      this.lastTrainingMs = tsMs;
      this.emit({ kind: 'RETRAIN_FINISHED', tsMs, trigger, outcome, version });
      await o.clock?.save(tsMs, tsMs).catch((e: unknown) => {
        this.emit({
          kind: 'RETRAIN_FAILED',
          tsMs,
          trigger,
          code: 'TRAINING_TIME_NOT_SAVED',
          message: `retrain finished but the training time was not saved: ${(e as Error).message}`,
        });
      });
    } catch (e) {
      this.monitor.reset();
      this.emit({
        kind: 'RETRAIN_FAILED',
        tsMs: this.nowMs(untilTsMs),
        trigger,
        code: e instanceof TxbotError ? e.code : 'INTERNAL',
        message: (e as Error).message,
      });
    }
  }

  private nowMs(fallback: number): number {
    return Number.isNaN(this.lastBarMs) ? fallback : this.lastBarMs;
  }

  private emit(e: RetrainEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A failing subscriber (alert channel) must not stop retraining; it reports its own errors.
      }
    }
  }
}

/**
 * The drift baseline of a swapped-in model: its score on the validation days it was not trained on,
 * converted from original feature units (scoreOnValidation) to the detector's standardized units
 * (+ Σ log std_j); null when there is no finite score (the monitor then measures its first days).
 */
export function heldOutBaseline(outcome: RetrainOutcome): number | null {
  if (outcome.decision !== 'swapped' || outcome.newScore === null || !Number.isFinite(outcome.newScore)) return null;
  return outcome.newScore + outcome.newModel.standardization.std.reduce((a, s) => a + Math.log(s), 0);
}
