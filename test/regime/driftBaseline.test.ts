// Issue 13 defect 12: the drift baseline comes from held-out days (a retrain's validation score, or the first out-of-sample days), not the in-sample training score.
import { describe, expect, it } from 'vitest';
import { barAt } from '../../src/domain/bar.ts';
import { localToUtc, naiveLocalMs } from '../../src/domain/time.ts';
import { validateConfig } from '../../src/config/index.ts';
import { DriftMonitor, RegimeDetector, type RegimeModel } from '../../src/regime/index.ts';
import { runRetrain } from '../../src/regime/retrain/index.ts';
import { heldOutBaseline } from '../../src/regime/retrain/controller.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

const at = (day: number, bar: number) => localToUtc('America/New_York', naiveLocalMs(2024, 3, 4 + day, 10, 0))! + bar * 300_000;

/** Feeds `days` days of 60 bars with log-likelihood `ll` starting at day `from`; returns the last status. */
function feed(m: DriftMonitor, from: number, days: number, ll: number) {
  let s = m.status();
  for (let d = from; d < from + days; d++) for (let b = 0; b < 60; b++) s = m.observe(at(d, b), ll);
  return s;
}

describe('drift baseline from held-out days', () => {
  it('measures the first out-of-sample days as the baseline: a model 15% below its in-sample score is not drifting', () => {
    const heldOut = new DriftMonitor({ baselineLogLikelihoodPerBar: null, thresholdFraction: 0.2, windowDays: 3 });
    const cal = feed(heldOut, 0, 3, -2);
    expect(cal).toMatchObject({ calibrating: true, drifting: false, warm: false, baselineSource: null });
    const after = feed(heldOut, 3, 3, -2.3);
    expect(after).toMatchObject({
      calibrating: false,
      baselineSource: 'first_out_of_sample_days',
      baselineLogLikelihoodPerBar: -2,
      warm: true,
      drifting: false,
    });
    expect(after.ratio).toBeCloseTo(0.85, 10);
    // the seed's rule against the in-sample score (-1.6) reads the same days as drift
    const training = new DriftMonitor({ baselineLogLikelihoodPerBar: -1.6, thresholdFraction: 0.2, windowDays: 3 });
    feed(training, 0, 3, -2);
    const t = feed(training, 3, 3, -2.3);
    expect(t.drifting).toBe(true);
    // and a real degradation after the baseline still fires with the held-out baseline
    expect(feed(heldOut, 6, 3, -2.6).drifting).toBe(true);
  });

  it('DriftMonitor.forModel follows retrain.drift_baseline (held_out by default)', () => {
    const { model } = syntheticSetup();
    expect(DriftMonitor.forModel(model, validateConfig({}, 'test')).status().calibrating).toBe(true);
    const t = DriftMonitor.forModel(model, validateConfig({ retrain: { drift_baseline: 'training' } }, 'test')).status();
    expect(t).toMatchObject({ calibrating: false, baselineLogLikelihoodPerBar: model.training.logLikelihoodPerBar, baselineSource: 'training' });
  });

  it("a swapped-in model's baseline is its validation score, in the detector's units (the detector's mean on those days)", () => {
    const { series, model } = syntheticSetup();
    const loaded = testConfig({ retrain: { window_days: 20, validation_days: 5 } });
    const outcome = runRetrain(series, model, loaded.config);
    const next: RegimeModel = outcome.newModel;
    const baseline = heldOutBaseline({ ...outcome, decision: 'swapped' })!;
    const det = new RegimeDetector(next);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < series.length; i++) {
      const info = det.predictRegime(barAt(series, i));
      if (info && Number.isFinite(info.logLikelihood) && series.tsMs[i]! >= Date.parse(`${outcome.validationDates.from}T12:00:00Z`)) {
        sum += info.logLikelihood;
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
    expect(baseline).toBeCloseTo(sum / n, 2);
    expect(baseline).not.toBeCloseTo(next.training.logLikelihoodPerBar, 1);
  });
});
