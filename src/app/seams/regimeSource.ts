// Seam `regime_source` (config `regime_source.kind`): where each bar's regime comes from. fixed = the
// loaded model (RegimeDetector); retraining = the RetrainController around a swappable detector, trained
// inline in synchronous runs (backtests) and on a worker thread in sessions (app/sessionRetrain.ts).
// PLUG: retrain_trigger

import type { Logger } from 'pino';
import { ConfigError, type Bar, type BarSeries, type RegimeLabel, type RegimeSource } from '../../domain/index.ts';
import type { LoadedConfig, Config } from '../../config/index.ts';
import type { MonitorBus } from '../../monitor/index.ts';
import type { Journal } from '../../state/index.ts';
import { startSessionRetrain } from '../sessionRetrain.ts';
import type { RegimeSourceOptions, RunRegimeSource } from '../../engine/index.ts';
import { RegimeDetector, type RegimeModel } from '../../regime/index.ts';
import { RetrainController, SeriesHistorySource, SwappableRegimeDetector, withMinDwell } from '../../regime/index.ts';

/** A retraining source of a synchronous run, with the controller's events. */
export interface RetrainingRunSource extends RunRegimeSource {
  readonly controller: RetrainController;
}

/** The configured regime source of a synchronous run from `model`; retrains draw on `history` (bars before each decision only). */
export function runRegimeSource(config: Config, model: RegimeModel, history: BarSeries | null, options: RegimeSourceOptions = {}): RunRegimeSource {
  const kind = options.kind ?? config.regime_source.kind;
  switch (kind) {
    case 'fixed': {
      const detector = new RegimeDetector(model);
      return { kind, source: withMinDwell(detector, config.hmm.min_dwell_bars, () => model.labels), model: () => model };
    }
    case 'retraining': {
      if (!history) throw new ConfigError('regime_source.kind retraining needs the bar history to retrain on (wiring error)');
      const detector = new SwappableRegimeDetector(model);
      const controller = RetrainController.createInline({
        config,
        detector,
        history: new SeriesHistorySource(history),
        inline: new SeriesHistorySource(history),
        store: null,
        driftTrigger: options.driftTrigger,
      });
      if (options.onRetrainEvent) controller.on(options.onRetrainEvent);
      const source: RetrainingRunSource = {
        kind,
        source: withMinDwell(controller.regimeSource(), config.hmm.min_dwell_bars, () => detector.model.labels),
        model: () => detector.model,
        controller,
      };
      return source;
    }
  }
}

/** The regime source of a paper/live session, and what the session does with it per bar. */
export interface SessionRegimeSource {
  readonly source: RegimeSource;
  /** Labels of the model scoring bars now. */
  labels(): readonly RegimeLabel[];
  /** Warm-up is over: from now on bars feed retraining. */
  beginLive(): void;
  /** After each live bar (drift status to the bus). */
  afterBar(bar: Bar): void;
  /** Replaces the model before the next bar (a model published by another machine); absent when the source cannot swap. */
  requestSwap?(model: RegimeModel): void;
  /** Calls `listener` with each model a retrain swapped in (the leader publishes it); returns the unsubscribe. */
  onRetrainSwap?(listener: (model: RegimeModel) => void): () => void;
  stop(): void;
}

/** The configured regime source of a paper/live session (retraining: on a worker thread, models stored, schedule in the journal). */
export async function sessionRegimeSource(o: {
  loaded: LoadedConfig;
  model: RegimeModel;
  journal: Journal;
  bus: MonitorBus;
  logger: Logger;
  /** fixed: score with a swappable detector so a shared model store can replace the model between bars. */
  swappable?: boolean;
  /** Several instruments in the session: the instrument this source scores (retraining runs per instrument). */
  symbol?: string;
}): Promise<SessionRegimeSource> {
  const kind = o.loaded.config.regime_source.kind;
  switch (kind) {
    case 'fixed': {
      if (o.swappable) {
        const swappable = new SwappableRegimeDetector(o.model);
        return {
          source: swappable,
          labels: () => swappable.model.labels,
          beginLive: () => undefined,
          afterBar: () => undefined,
          requestSwap: (model) => swappable.requestSwap(model),
          stop: () => undefined,
        };
      }
      const detector = new RegimeDetector(o.model);
      const source = withMinDwell(detector, o.loaded.config.hmm.min_dwell_bars, () => o.model.labels);
      return { source, labels: () => o.model.labels, beginLive: () => undefined, afterBar: () => undefined, stop: () => undefined };
    }
    case 'retraining': {
      const r = await startSessionRetrain(o);
      return {
        source: withMinDwell(r.regimeSource, o.loaded.config.hmm.min_dwell_bars, () => r.labels()),
        labels: () => r.labels(),
        beginLive: () => r.beginLive(),
        afterBar: (bar) => r.afterBar(bar),
        requestSwap: (model) => r.detector.requestSwap(model),
        onRetrainSwap: (listener) =>
          r.controller.on((e) => {
            if (e.kind === 'RETRAIN_FINISHED' && e.outcome.decision === 'swapped') listener(e.outcome.newModel);
          }),
        stop: () => r.stop(),
      };
    }
  }
}
