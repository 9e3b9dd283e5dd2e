// DriftMonitor: rolling mean of the detector's per-bar log-likelihood over the last trading days,
// compared with a baseline from held-out days (a retrain's validation score, or the first out-of-sample
// days the monitor sees) or, on request, the in-sample training score; says when the model has degraded
// (PLUG: retrain_trigger).
// replayDrift runs a model over historical bars day by day (for `txbot drift`).

import type { Config } from '../config/index.ts';
import { barAt, sessionInfo, type BarSeries } from '../domain/index.ts';
import { RegimeDetector } from './detector.ts';
import type { RegimeModel } from './modelStore.ts';

/** Where a drift baseline comes from. */
export type DriftBaselineSource = 'training' | 'held_out_validation' | 'first_out_of_sample_days';

/** Settings of a DriftMonitor (config `retrain.drift_threshold`, `retrain.drift_window_days`, `retrain.drift_baseline`). */
export interface DriftSettings {
  /**
   * Mean per-bar log-likelihood to compare with (detector units, the model's standardized features), or
   * null: the monitor takes the mean of the first `windowDays` days it scores as the baseline
   * (first_out_of_sample_days) and reports no drift before that.
   */
  readonly baselineLogLikelihoodPerBar: number | null;
  /** Where a given baseline came from (default training). */
  readonly baselineSource?: DriftBaselineSource;
  /** Drift when the rolling mean is this fraction of |baseline| worse than the baseline (0.2 = 20%). */
  readonly thresholdFraction: number;
  /** Trading days in the rolling window (the current, partial day included). */
  readonly windowDays: number;
  /** Scored bars needed in the window before drift can be reported (default: 1 day's worth, 50). */
  readonly minBars?: number;
}

/** What the monitor says after a bar. */
export interface DriftStatus {
  /** Mean per-bar log-likelihood over the rolling window (NaN before the first bar). */
  readonly rollingMeanLogLikelihood: number;
  /** The baseline (NaN while it is still being measured on the first out-of-sample days). */
  readonly baselineLogLikelihoodPerBar: number;
  /** Where the baseline came from (null while it is being measured). */
  readonly baselineSource: DriftBaselineSource | null;
  /** The first out-of-sample days are being measured as the baseline: no drift can be reported yet. */
  readonly calibrating: boolean;
  /**
   * Relative quality q = 1 + (rollingMean - baseline) / |baseline|: 1 = as good as on the training
   * data, 0.8 = 20% worse, above 1 = better. Sign-safe: log-likelihoods are usually negative and a
   * more negative mean is worse, which always lowers q.
   */
  readonly ratio: number;
  /** Trading days (with at least one scored bar) and bars in the window. */
  readonly days: number;
  readonly bars: number;
  /** The window is full: `windowDays` days and at least `minBars` bars. */
  readonly warm: boolean;
  /** warm and ratio < 1 - thresholdFraction. */
  readonly drifting: boolean;
  /** Trading day (days since epoch) of the last observed bar. */
  readonly tradingDay: number;
}

interface DayAcc {
  day: number;
  sum: number;
  bars: number;
}

/**
 * Rolling-window drift detector. Feed it `observe(tsMs, logLikelihood)` after each scored bar with
 * RegimeInfo.logLikelihood (log p(x_t | x_<t) under the current model, standardized feature space of
 * that model, the same quantity as the training baseline). Sums are kept per trading day, so the window
 * slides by whole days: mean = (Σ_days Σ_bars ll) / (Σ_days bars) over the last `windowDays` days.
 * Pure: the day comes from the bar's timestamp.
 */
export class DriftMonitor {
  private settings: DriftSettings;
  private readonly days: DayAcc[] = [];
  private sum = 0;
  private bars = 0;

  constructor(settings: DriftSettings) {
    checkSettings(settings);
    this.settings = settings;
  }

  /**
   * A monitor for `model` with config `retrain.*` thresholds: baseline = the training score with
   * `retrain.drift_baseline: training`, else measured on the first out-of-sample days (a model file
   * carries no held-out score).
   */
  static forModel(model: RegimeModel, config: Config): DriftMonitor {
    const training = config.retrain.drift_baseline === 'training';
    return new DriftMonitor({
      baselineLogLikelihoodPerBar: training ? model.training.logLikelihoodPerBar : null,
      baselineSource: 'training',
      thresholdFraction: config.retrain.drift_threshold,
      windowDays: config.retrain.drift_window_days,
    });
  }

  /**
   * Forgets the window. With `baseline` (a number, or null = measure it on the next days) compares
   * against it from now on (a swapped model); without, keeps the current baseline.
   */
  reset(baselineLogLikelihoodPerBar?: number | null, source: DriftBaselineSource = 'training'): void {
    if (baselineLogLikelihoodPerBar !== undefined) {
      this.settings = { ...this.settings, baselineLogLikelihoodPerBar, baselineSource: source };
      checkSettings(this.settings);
    }
    this.days.length = 0;
    this.sum = 0;
    this.bars = 0;
  }

  /** Adds one scored bar (ascending time); non-finite values are ignored. Returns the status after it. */
  observe(tsMs: number, logLikelihood: number): DriftStatus {
    if (!Number.isFinite(logLikelihood)) return this.status();
    const day = sessionInfo(tsMs).tradingDay;
    let last: DayAcc | undefined = this.days[this.days.length - 1];
    if (this.settings.baselineLogLikelihoodPerBar === null && last && last.day !== day && this.days.length >= this.settings.windowDays) {
      // the first windowDays days are measured: their mean is the baseline, comparison starts today
      this.settings = { ...this.settings, baselineLogLikelihoodPerBar: this.sum / this.bars, baselineSource: 'first_out_of_sample_days' };
      this.reset();
      last = undefined;
    }
    if (!last || last.day !== day) {
      last = { day, sum: 0, bars: 0 };
      this.days.push(last);
      while (this.days.length > this.settings.windowDays) {
        const old = this.days.shift()!;
        this.sum -= old.sum;
        this.bars -= old.bars;
      }
      // Re-sum after evictions so rounding error cannot accumulate over months of bars.
      this.sum = this.days.reduce((a, d) => a + d.sum, 0);
    }
    last.sum += logLikelihood;
    last.bars++;
    this.sum += logLikelihood;
    this.bars++;
    return this.status();
  }

  /** The current status (see DriftStatus). */
  status(): DriftStatus {
    const s = this.settings;
    const calibrating = s.baselineLogLikelihoodPerBar === null;
    const base = s.baselineLogLikelihoodPerBar ?? Number.NaN;
    const mean = this.bars > 0 ? this.sum / this.bars : Number.NaN;
    const ratio = calibrating ? Number.NaN : driftRatio(mean, base);
    const warm = !calibrating && this.days.length >= s.windowDays && this.bars >= (s.minBars ?? 50);
    return {
      rollingMeanLogLikelihood: mean,
      baselineLogLikelihoodPerBar: base,
      baselineSource: calibrating ? null : (s.baselineSource ?? 'training'),
      calibrating,
      ratio,
      days: this.days.length,
      bars: this.bars,
      warm,
      drifting: warm && ratio < 1 - s.thresholdFraction,
      tradingDay: this.days.length ? this.days[this.days.length - 1]!.day : Number.NaN,
    };
  }
}

/**
 * Relative quality of a mean per-bar log-likelihood against a baseline:
 * q = 1 + (mean - baseline) / |baseline| (NaN when mean is NaN; a zero baseline counts as 1e-12).
 */
export function driftRatio(meanLogLikelihood: number, baselineLogLikelihood: number): number {
  const scale = Math.max(Math.abs(baselineLogLikelihood), 1e-12);
  return 1 + (meanLogLikelihood - baselineLogLikelihood) / scale;
}

function checkSettings(s: DriftSettings): void {
  if (s.baselineLogLikelihoodPerBar !== null && !Number.isFinite(s.baselineLogLikelihoodPerBar))
    throw new RangeError(`drift baseline must be a finite number or null (got ${s.baselineLogLikelihoodPerBar})`);
  if (!(s.thresholdFraction >= 0 && s.thresholdFraction <= 1)) throw new RangeError(`drift threshold must be in [0, 1] (got ${s.thresholdFraction})`);
  if (!Number.isInteger(s.windowDays) || s.windowDays < 1) throw new RangeError(`drift window must be an integer >= 1 day (got ${s.windowDays})`);
}

/** One trading day of a drift replay (`replayDrift`). */
export interface DriftDay {
  /** Trading day (days since epoch). */
  readonly tradingDay: number;
  /** Scored bars of the day and their mean per-bar log-likelihood. */
  readonly bars: number;
  readonly dayMeanLogLikelihood: number;
  /** Status of the rolling window at the day's last bar (no resets). */
  readonly status: DriftStatus;
  /** Whether a live RetrainController would have started a drift retrain during this day. */
  readonly triggered: boolean;
}

/**
 * Replays `series` through a detector of `model` and a DriftMonitor, one DriftDay per trading day with
 * scored bars. `triggered` mimics the controller with the model kept: the first drifting bar fires, then
 * the window starts afresh, so drift fires again only after another full window below threshold. With
 * `baseline: held_out` the first window of days is measured as the baseline (no drift before it).
 */
export function replayDrift(
  series: BarSeries,
  model: RegimeModel,
  settings: Omit<DriftSettings, 'baselineLogLikelihoodPerBar'> & { readonly baseline: 'held_out' | 'training' },
): DriftDay[] {
  const { baseline, ...rest } = settings;
  const full: DriftSettings = { ...rest, baselineLogLikelihoodPerBar: baseline === 'training' ? model.training.logLikelihoodPerBar : null };
  const rolling = new DriftMonitor(full);
  const trigger = new DriftMonitor(full);
  const det = new RegimeDetector(model);
  const days: DriftDay[] = [];
  let cur: { day: number; sum: number; bars: number; triggered: boolean; status: DriftStatus } | null = null;
  const flush = (): void => {
    if (cur)
      days.push({ tradingDay: cur.day, bars: cur.bars, dayMeanLogLikelihood: cur.sum / cur.bars, status: cur.status, triggered: cur.triggered });
  };
  for (let i = 0; i < series.length; i++) {
    const info = det.predictRegime(barAt(series, i));
    if (!info || !Number.isFinite(info.logLikelihood)) continue;
    const status = rolling.observe(series.tsMs[i]!, info.logLikelihood);
    if (!cur || cur.day !== status.tradingDay) {
      flush();
      cur = { day: status.tradingDay, sum: 0, bars: 0, triggered: false, status };
    }
    cur.sum += info.logLikelihood;
    cur.bars++;
    cur.status = status;
    if (trigger.observe(series.tsMs[i]!, info.logLikelihood).drifting) {
      cur.triggered = true;
      trigger.reset();
    }
  }
  flush();
  return days;
}
