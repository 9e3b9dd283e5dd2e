// Retraining inside a paper/live session (regime_source.kind retraining): the session's bars as the retrain history, a
// RetrainController around a SwappableRegimeDetector as the engine's regime source, drift and failures on the bus.

import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { barSeriesFromBars, type Bar, type BarSeries, type RegimeInfo, type RegimeLabel } from '../domain/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import type { RegimeModel } from '../regime/index.ts';
import { LocalModelStore } from '../state/index.ts';
import { journalTrainingClock } from '../live/index.ts';
import { runRetrainInWorker } from './retrainRunner.ts';
import {
  RetrainController,
  SwappableRegimeDetector,
  startOfLastTradingDays,
  type BarHistorySource,
  type RetrainEvent,
  type DriftStatus,
} from '../regime/index.ts';
import type { Journal } from '../state/index.ts';
import type { MonitorBus, MonitorEvent } from '../monitor/index.ts';

/** The session's bars (warm-up history, then each live bar) as a BarHistorySource, oldest first, bounded. */
export class SessionBarHistory implements BarHistorySource {
  private readonly bars: Bar[] = [];
  constructor(private readonly maxBars = 200_000) {}

  /** Appends a bar newer than the last one (older or equal timestamps are ignored). */
  push(bar: Bar): void {
    const last = this.bars.at(-1);
    if (last && bar.tsMs <= last.tsMs) return;
    this.bars.push(bar);
    if (this.bars.length > this.maxBars) this.bars.splice(0, this.bars.length - this.maxBars);
  }

  get length(): number {
    return this.bars.length;
  }

  latestBars(tradingDays: number, untilTsMs: number): Promise<BarSeries> {
    const before = this.bars.filter((b) => b.tsMs < untilTsMs);
    const series = barSeriesFromBars(before);
    return Promise.resolve(barSeriesFromBars(before.slice(startOfLastTradingDays(series, before.length, tradingDays))));
  }
}

/** The bus `drift` event of a drift status: ratio = 1 − quality = (baseline − rolling mean) / |baseline|. */
export function driftEvent(tsMs: number, s: DriftStatus): MonitorEvent {
  return {
    type: 'drift',
    tsMs,
    ratio: 1 - s.ratio,
    detected: s.drifting,
    detail: `rolling mean log-likelihood ${s.rollingMeanLogLikelihood.toFixed(3)} vs baseline ${s.baselineLogLikelihoodPerBar.toFixed(3)} over ${s.days} days / ${s.bars} bars${s.warm ? '' : ' (window not full)'}`,
  };
}

/** The bus event of a retrain event (RETRAIN_FAILED → retrainFailed); null for the others (logged only). */
export function retrainBusEvent(e: RetrainEvent): MonitorEvent | null {
  return e.kind === 'RETRAIN_FAILED' ? { type: 'retrainFailed', tsMs: e.tsMs, detail: `${e.trigger.kind}: ${e.code}: ${e.message}` } : null;
}

/** Retraining of one session. */
export interface SessionRetrain {
  readonly controller: RetrainController;
  readonly detector: SwappableRegimeDetector;
  readonly history: SessionBarHistory;
  /** The engine's regime source: scores with the swappable detector and feeds the controller. */
  readonly regimeSource: { predictRegime(bar: Bar): RegimeInfo | null };
  /**
   * Marks the end of the warm-up: from now on bars feed the controller (drift window, triggers). Warm-up
   * bars are only scored and kept as history, so no retrain starts on a half-loaded history.
   */
  beginLive(): void;
  /** Labels of the model scoring bars now (most bullish first; changes with a swap). */
  labels(): readonly RegimeLabel[];
  /** Call after each live bar was processed: records it for retraining and publishes the drift status. */
  afterBar(bar: Bar): void;
  /** Unsubscribes from the controller. */
  stop(): void;
}

/**
 * Builds the retrain controller of a session (regime_source.kind retraining): retrains on a worker thread,
 * models committed to retrain.model_dir
 * (relative to the config's folder), the last training time kept in the journal.
 */
export async function startSessionRetrain(o: {
  loaded: LoadedConfig;
  model: RegimeModel;
  journal: Journal;
  bus: MonitorBus;
  logger: Logger;
  /** Several instruments in the session: this instrument's controller (models in retrain.model_dir/SYM, its own schedule). */
  symbol?: string;
}): Promise<SessionRetrain> {
  const config = o.loaded.config;
  const history = new SessionBarHistory();
  const detector = new SwappableRegimeDetector(o.model);
  const dir = resolve(o.loaded.baseDir, config.retrain.model_dir, o.symbol ?? '');
  const store = await LocalModelStore.open(dir, { keep: config.retrain.keep_models });
  const controller = await RetrainController.create({
    config,
    detector,
    history,
    store,
    runner: (job) => runRetrainInWorker(job),
    clock: journalTrainingClock(o.journal, o.symbol),
  });
  const off = controller.on((e) => {
    // A skipped check (e.g. a retry too soon) happens on every bar: debug only.
    const level = e.kind === 'RETRAIN_FAILED' ? 'warn' : e.kind === 'RETRAIN_SKIPPED' ? 'debug' : 'info';
    o.logger[level]({ retrain: e, ...(o.symbol ? { symbol: o.symbol } : {}) }, `retrain: ${e.kind}`);
    const ev = retrainBusEvent(e);
    if (ev) o.bus.publish(ev);
  });
  const source = controller.regimeSource();
  let live = false;
  return {
    controller,
    detector,
    history,
    regimeSource: {
      predictRegime: (bar) => {
        history.push(bar);
        return live ? source.predictRegime(bar) : detector.predictRegime(bar);
      },
    },
    beginLive: () => {
      live = true;
    },
    labels: () => detector.model.labels,
    afterBar(bar) {
      const d = controller.drift;
      if (d) o.bus.publish(driftEvent(bar.tsMs, d));
    },
    stop: off,
  };
}
