// Tests of live retraining: the swappable detector (swap between bars, warm-up on recent bars), the
// worker-thread runner, the schedule/drift triggers and the controller (one retrain at a time, failures
// alert and keep the model), and the trading engine processing bars while a slow retrain runs.

import { describe, expect, it } from 'vitest';
import { barAt, sliceBarSeries, type Bar } from '../../src/domain/bar.ts';
import { DAY_MS } from '../../src/domain/time.ts';
import { DEFAULT_DYNAMICS, generateSyntheticBars } from '../../src/data/synthetic.ts';
import { ModelError } from '../../src/domain/errors.ts';
import { TradingEngine } from '../../src/engine/tradingEngine.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { RegimeDetector, regimeModelToJson, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import type { DriftStatus } from '../../src/regime/drift.ts';
import {
  checkRetrainTriggers,
  RetrainController,
  runRetrain,
  SeriesHistorySource,
  SwappableRegimeDetector,
  type RetrainEvent,
  type RetrainOutcome,
  type RetrainRunner,
  type TrainingClock,
} from '../../src/regime/retrain/index.ts';
import { LocalModelStore } from '../../src/state/localModelStore.ts';
import { runRetrainInWorker } from '../../src/app/retrainRunner.ts';
import { journalTrainingClock } from '../../src/live/journalTrainingClock.ts';
import { lastTrainingTimeMs, MemoryJournal } from '../../src/state/index.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-retrain-');
// the trigger mechanics against the training score (the held-out baseline: test/regime/driftBaseline.test.ts)
const loaded = testConfig({ retrain: { window_days: 15, validation_days: 5, schedule_days: 28, drift_baseline: 'training' } });
const config = loaded.config;
const all = generateSyntheticBars({ seed: 31, days: 60, startDate: '2024-01-02' }).series;
const firstPart = sliceBarSeries(all, 0, 30 * 78);
const modelA: RegimeModel = trainRegimeModel(firstPart, config).model;
const modelB: RegimeModel = trainRegimeModel(sliceBarSeries(all, 10 * 78, 40 * 78), config).model;
const settings = { windowDays: 15, validationDays: 5 };

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

/** A training time long before the test bars: the schedule is due at once. */
const LONG_AGO_MS = Date.UTC(2023, 0, 2);

const memoryClock = (initial: number | null): TrainingClock & { saved: number[] } => {
  const saved: number[] = [];
  return { saved, load: async () => initial, save: async (ms) => void saved.push(ms) };
};

describe('SwappableRegimeDetector', () => {
  it('after a swap reports exactly what the new model would have reported running all along', () => {
    const swap = new SwappableRegimeDetector(modelA, { historyBars: 200 });
    const fresh = new RegimeDetector(modelB);
    const swapAt = 35 * 78 + 20;
    for (let t = 30 * 78; t < 38 * 78; t++) {
      if (t === swapAt) swap.requestSwap(modelB);
      const bar = barAt(all, t);
      const a = swap.predictRegime(bar);
      const b = fresh.predictRegime(bar);
      if (t < swapAt) continue;
      // Equal up to summation order in the rolling windows (the ring buffers start at different slots).
      expect(a?.state).toBe(b?.state);
      expect(a?.regime).toBe(b?.regime);
      expect(a?.logLikelihood).toBeCloseTo(b!.logLikelihood, 9);
      a?.probs.forEach((p, i) => expect(p).toBeCloseTo(b!.probs[i]!, 12));
    }
    expect(swap.swaps).toBe(1);
    expect(swap.model).toBe(modelB);
  });

  it('without warm-up bars a swapped detector would differ: the replay matters', () => {
    const swap = new SwappableRegimeDetector(modelA, { historyBars: 1 });
    const fresh = new RegimeDetector(modelB);
    for (let t = 30 * 78; t < 35 * 78 + 20; t++) {
      swap.predictRegime(barAt(all, t));
      fresh.predictRegime(barAt(all, t));
    }
    swap.requestSwap(modelB);
    // One kept bar cannot fill the 12-bar realized-volatility window: the new detector is still warming up.
    expect(swap.predictRegime(barAt(all, 35 * 78 + 20))).toBeNull();
    expect(fresh.predictRegime(barAt(all, 35 * 78 + 20))).not.toBeNull();
  });

  it('holds a requested swap until the next bar', () => {
    const swap = new SwappableRegimeDetector(modelA);
    swap.predictRegime(barAt(all, 0));
    swap.requestSwap(modelB);
    expect(swap.model).toBe(modelA);
    expect(swap.swapPending).toBe(true);
    swap.predictRegime(barAt(all, 1));
    expect(swap.model).toBe(modelB);
    expect(swap.swapPending).toBe(false);
  });
});

describe('runRetrainInWorker', () => {
  const series = sliceBarSeries(all, 30 * 78, 50 * 78);

  it('gives the same outcome as the in-process pipeline', async () => {
    const inWorker = await runRetrainInWorker({ series, current: modelA, config, settings });
    const inProcess = runRetrain(series, modelA, config, settings);
    expect(inWorker.decision).toBe(inProcess.decision);
    expect(inWorker.newScore).toBe(inProcess.newScore);
    expect(regimeModelToJson(inWorker.newModel)).toBe(regimeModelToJson(inProcess.newModel));
    expect(inWorker.labelMapping).toEqual(inProcess.labelMapping);
  }, 60_000);

  it('rejects with the training error code when the history is too short', async () => {
    const e = await runRetrainInWorker({ series: sliceBarSeries(all, 0, 3 * 78), current: modelA, config, settings }).catch((x: unknown) => x);
    expect((e as { code: string }).code).toBe('RETRAIN_TOO_FEW_DAYS');
  }, 60_000);
});

describe('checkRetrainTriggers', () => {
  const drifting = { drifting: true, days: 5, ratio: 0.7, rollingMeanLogLikelihood: -3, baselineLogLikelihoodPerBar: -2 } as DriftStatus;
  const t0 = Date.UTC(2024, 0, 2);

  it('fires the schedule after schedule_days since the journal training time, not before', () => {
    const s = { scheduleDays: 28 };
    expect(checkRetrainTriggers(s, { nowMs: t0 + 27 * DAY_MS, lastTrainingMs: t0, lastAttemptMs: null, drift: null })).toBeNull();
    expect(checkRetrainTriggers(s, { nowMs: t0 + 28 * DAY_MS, lastTrainingMs: t0, lastAttemptMs: null, drift: null })?.kind).toBe('schedule');
  });

  it('fires on drift, but not again within a day of the last attempt', () => {
    const s = { scheduleDays: 28 };
    expect(checkRetrainTriggers(s, { nowMs: t0 + DAY_MS, lastTrainingMs: t0, lastAttemptMs: null, drift: drifting })).toEqual({
      kind: 'drift',
      reason: expect.stringContaining('ratio 0.700'),
    });
    expect(checkRetrainTriggers(s, { nowMs: t0 + DAY_MS, lastTrainingMs: t0, lastAttemptMs: t0 + DAY_MS - 1000, drift: drifting })).toBeNull();
  });
});

describe('RetrainController', () => {
  const history = new SeriesHistorySource(all);
  const make = async (runner: RetrainRunner, clock: TrainingClock | null, storeDir?: string) => {
    const detector = new SwappableRegimeDetector(modelA);
    const store = storeDir ? await LocalModelStore.open(storeDir) : null;
    const c = await RetrainController.create({ config, detector, history, store, runner, clock, driftTrigger: false });
    const events: RetrainEvent[] = [];
    c.on((e) => events.push(e));
    return { c, detector, events, store };
  };
  const outcome = (decision: 'swapped' | 'kept'): RetrainOutcome => ({
    ...runRetrainStub,
    decision,
    code: decision === 'swapped' ? 'NEW_BETTER' : 'NEW_NOT_BETTER',
  });
  const runRetrainStub: RetrainOutcome = {
    decision: 'swapped',
    code: 'NEW_BETTER',
    reason: 'stub',
    currentScore: -2,
    newScore: -1,
    validationBars: 10,
    newModel: modelB,
    trainDates: { from: 'a', to: 'b', days: 1 },
    validationDates: { from: 'c', to: 'd', days: 1 },
    labelMapping: [],
    warnings: [],
    currentInSample: null,
  };

  it('uses the journal training time, so a restart does not reset the schedule', async () => {
    const runs: number[] = [];
    const trainedMs = all.tsMs[35 * 78]!;
    const { c } = await make(async () => {
      runs.push(1);
      return outcome('kept');
    }, memoryClock(trainedMs));
    expect(c.lastTrainingTimeMs).toBe(trainedMs);
    for (let t = 35 * 78; t < 50 * 78; t++) c.onBar(barAt(all, t), null);
    expect(runs.length).toBe(0);
  });

  it('runs one retrain at a time, commits and swaps a better model before the next bar, and saves the time', async () => {
    const gate = deferred<RetrainOutcome>();
    const clock = memoryClock(LONG_AGO_MS);
    const dir = `${tmp.dir}/store`;
    const { c, detector, events, store } = await make(() => gate.promise, clock, dir);
    c.onBar(barAt(all, 40 * 78), null);
    expect(c.busy).toBe(true);
    void c.trigger({ kind: 'manual', reason: 'test' }, all.tsMs[40 * 78 + 1]!);
    expect(events.map((e) => e.kind)).toEqual(['RETRAIN_STARTED', 'RETRAIN_SKIPPED']);
    gate.resolve(outcome('swapped'));
    await c.idle();
    expect(detector.model).toBe(modelA);
    const next = barAt(all, 40 * 78 + 1);
    c.regimeSource().predictRegime(next);
    expect(detector.model).toBe(modelB);
    expect(events.map((e) => e.kind)).toEqual(['RETRAIN_STARTED', 'RETRAIN_SKIPPED', 'RETRAIN_FINISHED', 'MODEL_SWAPPED']);
    expect((events[2] as Extract<RetrainEvent, { kind: 'RETRAIN_FINISHED' }>).version).toBe(1);
    expect(regimeModelToJson((await store!.current())!.model)).toBe(regimeModelToJson(modelB));
    expect(clock.saved).toEqual([all.tsMs[40 * 78]]);
  });

  it('a failed retrain keeps the current model and raises RETRAIN_FAILED with the error code', async () => {
    const { c, detector, events } = await make(async () => {
      throw new ModelError('HMM_SINGULAR_COVARIANCE', 'covariance of state 2 is not positive definite');
    }, memoryClock(LONG_AGO_MS));
    c.onBar(barAt(all, 40 * 78), null);
    await c.idle();
    c.onBar(barAt(all, 40 * 78 + 1), detector.predictRegime(barAt(all, 40 * 78 + 1)));
    expect(detector.model).toBe(modelA);
    const failed = events.find((e) => e.kind === 'RETRAIN_FAILED') as Extract<RetrainEvent, { kind: 'RETRAIN_FAILED' }>;
    expect(failed.code).toBe('HMM_SINGULAR_COVARIANCE');
    expect(failed.trigger.kind).toBe('schedule');
    expect(events.filter((e) => e.kind === 'RETRAIN_STARTED').length).toBe(1);
  });

  it('fires a drift retrain from the detector log-likelihoods after a volatility shift', async () => {
    const wild = DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 3 }));
    const shifted = generateSyntheticBars({ seed: 8, days: 8, startDate: '2024-02-13', dynamics: wild }).series;
    const detector = new SwappableRegimeDetector(modelA);
    const triggers: string[] = [];
    const c = await RetrainController.create({
      config,
      detector,
      history: new SeriesHistorySource(shifted),
      store: null,
      clock: memoryClock(all.tsMs[30 * 78]!),
      runner: async () => outcome('kept'),
    });
    c.on((e) => {
      if (e.kind === 'RETRAIN_STARTED') triggers.push(e.trigger.kind);
    });
    const source = c.regimeSource();
    for (let t = 0; t < shifted.length; t++) source.predictRegime(barAt(shifted, t));
    await c.idle();
    expect(triggers[0]).toBe('drift');
    expect(c.drift!.ratio).toBeLessThan(0.8);
  });

  it('keeps the schedule across a restart through the journal meta', async () => {
    const journal = new MemoryJournal();
    const clock = journalTrainingClock(journal);
    const first = await RetrainController.create({
      config,
      detector: new SwappableRegimeDetector(modelA),
      history,
      store: null,
      clock,
      runner: async () => outcome('kept'),
      driftTrigger: false,
    });
    void first.trigger({ kind: 'manual', reason: 'test' }, all.tsMs[45 * 78]!);
    await first.idle();
    const savedMs = await lastTrainingTimeMs(journal);
    expect(savedMs).toBe(all.tsMs[45 * 78]);
    // A restart: a new controller with the same journal continues from the saved time, not the model's.
    const second = await RetrainController.create({
      config,
      detector: new SwappableRegimeDetector(modelA),
      history,
      store: null,
      clock: journalTrainingClock(journal),
      runner: async () => outcome('kept'),
      driftTrigger: false,
    });
    expect(second.lastTrainingTimeMs).toBe(savedMs);
  });

  it('a kept model stays, and the retrain still counts as training for the schedule', async () => {
    const clock = memoryClock(LONG_AGO_MS);
    const { c, detector, events } = await make(async () => outcome('kept'), clock);
    c.onBar(barAt(all, 40 * 78), null);
    await c.idle();
    c.regimeSource().predictRegime(barAt(all, 40 * 78 + 1));
    expect(detector.swaps).toBe(0);
    expect(events.map((e) => e.kind)).toEqual(['RETRAIN_STARTED', 'RETRAIN_FINISHED']);
    expect(c.lastTrainingTimeMs).toBe(all.tsMs[40 * 78]);
  });
});

describe('live engine during a retrain on a worker thread', () => {
  it('keeps processing bars while a slow retrain runs and swaps between bars afterwards', async () => {
    const slow = testConfig({ hmm: { restarts: 4, n_iter: 200, tol: 1e-9 }, retrain: { window_days: 15, validation_days: 5 } });
    const ctx = buildRunContext(slow, 'paper');
    // A current model fitted to much wilder markets, so the retrained one is surely better and swapped in.
    const wild = DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 2.5 }));
    const stale = trainRegimeModel(generateSyntheticBars({ seed: 5, days: 20, startDate: '2023-06-01', dynamics: wild }).series, slow.config).model;
    const detector = new SwappableRegimeDetector(stale);
    const controller = await RetrainController.create({
      config: slow.config,
      detector,
      history: new SeriesHistorySource(all),
      store: null,
      runner: (job) => runRetrainInWorker(job),
      clock: memoryClock(all.tsMs[40 * 78]!),
      driftTrigger: false,
    });
    const events: { kind: string; bar: number }[] = [];
    let bar = -1;
    controller.on((e) => events.push({ kind: e.kind, bar }));
    const engine = new TradingEngine(ctx.engineOptions({ regime: controller.regimeSource(), risk: ctx.createRisk(), idPrefix: 't' }));
    const step = (t: number): void => {
      bar = t;
      const b: Bar = barAt(all, t);
      engine.onBarClose(b, null, false);
    };
    for (let t = 40 * 78; t < 45 * 78; t++) step(t);
    const running = controller.trigger({ kind: 'manual', reason: 'test' }, all.tsMs[45 * 78]!);
    let duringRetrain = 0;
    let t = 45 * 78;
    while (controller.busy && t < all.length - 1) {
      step(t++);
      duringRetrain++;
      await new Promise((r) => setImmediate(r));
    }
    await running;
    step(t);
    expect(duringRetrain).toBeGreaterThan(0);
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('RETRAIN_STARTED');
    expect(kinds).toContain('RETRAIN_FINISHED');
    expect(kinds).toEqual(['RETRAIN_STARTED', 'RETRAIN_FINISHED', 'MODEL_SWAPPED']);
    const fin = events[1]!;
    const sw = events[2]!;
    expect(sw.bar).toBeGreaterThan(fin.bar);
    expect(detector.swaps).toBe(1);
    expect(detector.model).not.toBe(stale);
    expect(detector.model.training.toTsMs).toBeLessThan(all.tsMs[45 * 78]!);
  }, 120_000);
});
