// The retraining regime source of a backtest: the live trigger logic (schedule + drift) run synchronously
// in simulated time, each retrain trained only on bars up to the bar that triggered it.

import type { Config } from '../config/index.ts';
import type { Bar, BarSeries } from '../domain/bar.ts';
import type { RegimeInfo } from '../domain/regime.ts';
import { TxbotError } from '../domain/errors.ts';
import { sessionInfo } from '../domain/session.ts';
import { MINUTE_MS } from '../domain/time.ts';
import { DriftMonitor } from '../regime/drift.ts';
import type { RegimeModel } from '../regime/index.ts';
import {
  checkRetrainTriggers,
  retrainSettingsFromConfig,
  runRetrain,
  SeriesHistorySource,
  SwappableRegimeDetector,
  triggerSettingsFromConfig,
  type LabelMapping,
  type RetrainDecisionCode,
  type RetrainSettings,
  type RetrainTrigger,
  type TriggerSettings,
} from '../regime/retrain/index.ts';
import type { RegimeSource } from '../domain/regime.ts';

/** One retrain of a backtest, for the report. */
export interface BacktestRetrainRecord {
  /** Trading date and bar time (UTC ms) of the bar after whose close the retrain ran. */
  readonly tradingDate: string;
  readonly tsMs: number;
  readonly trigger: RetrainTrigger;
  readonly decision: 'swapped' | 'kept' | 'failed';
  readonly code: RetrainDecisionCode | string;
  readonly reason: string;
  readonly currentScore: number | null;
  readonly newScore: number | null;
  readonly trainFrom: string | null;
  readonly trainTo: string | null;
  readonly validationFrom: string | null;
  readonly validationTo: string | null;
  readonly labelMapping: readonly LabelMapping[];
}

export interface BacktestRetrainerOptions {
  readonly config: Config;
  readonly model: RegimeModel;
  /** All bars retrains may draw from; only bars up to the triggering bar are ever used. */
  readonly history: BarSeries;
  readonly settings?: RetrainSettings;
  readonly triggers?: TriggerSettings;
  /** Drift trigger on (default true); the schedule trigger is always on. */
  readonly drift?: boolean;
  readonly onRetrain?: (r: BacktestRetrainRecord) => void;
}

/**
 * RegimeSource for runBacktest with retraining. After each scored bar: drift window update, trigger
 * check (checkRetrainTriggers, as RetrainController), and when one fires a retrain (runRetrain, in this
 * thread) on the bars that had closed by then; a better model is swapped in before the next bar, as the
 * live worker's model is (live, the swap comes a training time later). The schedule starts at the
 * initial model's training end.
 */
export class BacktestRetrainer implements RegimeSource {
  readonly records: BacktestRetrainRecord[] = [];
  private readonly o: BacktestRetrainerOptions;
  private readonly detector: SwappableRegimeDetector;
  private readonly monitor: DriftMonitor;
  private readonly history: SeriesHistorySource;
  private readonly settings: RetrainSettings;
  private readonly triggers: TriggerSettings;
  private readonly barMs: number;
  private lastTrainingMs: number;
  private lastAttemptMs: number | null = null;
  private seenSwaps = 0;

  constructor(o: BacktestRetrainerOptions) {
    this.o = o;
    this.detector = new SwappableRegimeDetector(o.model);
    this.monitor = DriftMonitor.forModel(o.model, o.config);
    this.history = new SeriesHistorySource(o.history);
    this.settings = o.settings ?? retrainSettingsFromConfig(o.config);
    this.triggers = o.triggers ?? triggerSettingsFromConfig(o.config);
    this.barMs = o.config.data.bar_minutes * MINUTE_MS;
    this.lastTrainingMs = o.model.training.toTsMs;
  }

  /** The model in use now. */
  get model(): RegimeModel {
    return this.detector.model;
  }

  predictRegime(bar: Bar): RegimeInfo | null {
    const info = this.detector.predictRegime(bar);
    if (this.detector.swaps !== this.seenSwaps) {
      this.seenSwaps = this.detector.swaps;
      this.monitor.reset(this.detector.model.training.logLikelihoodPerBar);
    }
    const drift = info ? this.monitor.observe(bar.tsMs, info.logLikelihood) : this.monitor.status();
    // PLUG: retrain_trigger — the backtest's synchronous stand-in for RetrainController.
    const trigger = checkRetrainTriggers(this.triggers, {
      nowMs: bar.tsMs,
      lastTrainingMs: this.lastTrainingMs,
      lastAttemptMs: this.lastAttemptMs,
      drift: this.o.drift === false ? null : drift,
    });
    if (trigger) this.retrain(trigger, bar);
    return info;
  }

  private retrain(trigger: RetrainTrigger, bar: Bar): void {
    this.lastAttemptMs = bar.tsMs;
    const tradingDate = sessionInfo(bar.tsMs).tradingDate;
    const base = { tradingDate, tsMs: bar.tsMs, trigger };
    let record: BacktestRetrainRecord;
    try {
      const series = this.history.latestBarsSync(this.settings.windowDays + this.settings.validationDays, bar.tsMs + this.barMs);
      const o = runRetrain(series, this.detector.model, this.o.config, this.settings);
      if (o.decision === 'swapped') this.detector.requestSwap(o.newModel);
      else this.monitor.reset();
      this.lastTrainingMs = bar.tsMs;
      record = {
        ...base,
        decision: o.decision,
        code: o.code,
        reason: o.reason,
        currentScore: o.currentScore,
        newScore: o.newScore,
        trainFrom: o.trainDates.from,
        trainTo: o.trainDates.to,
        validationFrom: o.validationDates.from,
        validationTo: o.validationDates.to,
        labelMapping: o.labelMapping,
      };
    } catch (e) {
      if (!(e instanceof TxbotError)) throw e;
      this.monitor.reset();
      record = {
        ...base,
        decision: 'failed',
        code: e.code,
        reason: e.message,
        currentScore: null,
        newScore: null,
        trainFrom: null,
        trainTo: null,
        validationFrom: null,
        validationTo: null,
        labelMapping: [],
      };
    }
    this.records.push(record);
    this.o.onRetrain?.(record);
  }
}
