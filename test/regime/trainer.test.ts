// Tests of training, labelling, the model JSON round trip and the RegimeDetector on synthetic bars
// (src/data/synthetic.ts ground truth), including no look-ahead and session restarts.

import { describe, expect, it } from 'vitest';
import { validateConfig, type Config } from '../../src/config/index.ts';
import { barAt, sliceBarSeries } from '../../src/domain/bar.ts';
import { DataError, ModelError } from '../../src/domain/errors.ts';
import { generateSyntheticBars } from '../../src/data/synthetic.ts';
import {
  GaussianHmm,
  permuteStates,
  RegimeDetector,
  regimeModelFromJson,
  regimeModelToJson,
  selectTrainingRows,
  standardizeRows,
  statesByMeanReturn,
  trainRegimeModel,
} from '../../src/regime/index.ts';

const cfg = (hmm: Record<string, unknown>, extra: Record<string, unknown> = {}): Config => validateConfig({ hmm, ...extra }, 'test config');

describe('trainRegimeModel on the synthetic generator', () => {
  const { series, regimes } = generateSyntheticBars({ seed: 2, days: 60 });
  const result = trainRegimeModel(series, cfg({ features: ['log_return'], restarts: 5 }));

  it('recovers the true regime of >= 90% of bars with labels in generator order (STRONG_BULL..CRASH)', () => {
    const rows = selectTrainingRows(series, result.model.features);
    standardizeRows(result.model.standardization, rows.X);
    const path = result.hmm.decode(rows.X, rows.lengths).path;
    let right = 0;
    rows.barIndex.forEach((b, i) => {
      if (path[i] === regimes[b]) right++;
    });
    expect(right / path.length).toBeGreaterThanOrEqual(0.9);
    expect(result.model.labels).toEqual(['STRONG_BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH']);
  });

  it('orders states by mean return, highest first, and summarizes each state', () => {
    const s = result.summary;
    for (let i = 1; i < s.length; i++) expect(s[i].meanReturn).toBeLessThan(s[i - 1].meanReturn);
    expect(s.reduce((a, x) => a + x.occupancy, 0)).toBeCloseTo(1, 12);
    expect(s.every((x) => x.volatility > 0 && x.meanDurationBars >= 1)).toBe(true);
    expect(result.model.training.sequences).toBe(60);
    expect(result.model.training.dataHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips through JSON with identical parameters and predictions', () => {
    const text = regimeModelToJson(result.model);
    const back = regimeModelFromJson(text, 'm.json');
    expect(regimeModelToJson(back)).toBe(text);
    expect(Array.from(back.params.covars)).toEqual(Array.from(result.model.params.covars));
    const a = new RegimeDetector(result.model);
    const b = new RegimeDetector(back);
    for (let t = 0; t < 500; t++) expect(b.predictRegime(barAt(series, t))).toEqual(a.predictRegime(barAt(series, t)));
  });

  it('the detector equals the batch filter over the training rows, restarting each trading day', () => {
    const rows = selectTrainingRows(series, result.model.features);
    standardizeRows(result.model.standardization, rows.X);
    const filtered = result.hmm.filtered(rows.X, rows.lengths);
    const perBar = result.hmm.logLikelihoodPerBar(rows.X, rows.lengths);
    const det = new RegimeDetector(result.model, { logLikelihoodWindowBars: 50 });
    let row = 0;
    for (let t = 0; t < series.length; t++) {
      const info = det.predictRegime(barAt(series, t));
      if (row < rows.barIndex.length && rows.barIndex[row] === t) {
        expect(info).not.toBeNull();
        for (let s = 0; s < 5; s++) expect(info!.probs[s]).toBeCloseTo(filtered[row * 5 + s], 12);
        expect(info!.logLikelihood).toBeCloseTo(perBar[row], 10);
        expect(info!.confidence).toBe(Math.max(...info!.probs));
        expect(info!.regime).toBe(result.model.labels[info!.state]);
        row++;
      } else expect(info).toBeNull();
    }
    expect(row).toBe(rows.barIndex.length);
    const recent = det.recentLogLikelihoods();
    expect(recent.length).toBe(50);
    recent.forEach((v, i) => expect(v).toBeCloseTo(perBar[perBar.length - 50 + i], 10));
    expect(det.scoredBars).toBe(rows.barIndex.length);
  });

  it('a prediction at bar t does not change when later bars change', () => {
    const det1 = new RegimeDetector(result.model);
    const det2 = new RegimeDetector(result.model);
    const cut = 700;
    const out1 = [];
    const out2 = [];
    for (let t = 0; t <= cut; t++) out1.push(det1.predictRegime(barAt(series, t)));
    const altered = sliceBarSeries(series, 0, series.length);
    for (let t = cut + 1; t < altered.length; t++) altered.close[t] *= 1.01;
    for (let t = 0; t < altered.length; t++) out2.push(det2.predictRegime(barAt(altered, t)));
    expect(out2.slice(0, cut + 1)).toEqual(out1);
  });
});

describe('training refusals and detector sessions', () => {
  it('refuses 7 states on less than 3 months of data', () => {
    const { series } = generateSyntheticBars({ seed: 3, days: 40 });
    let code = '';
    try {
      trainRegimeModel(series, cfg({ n_states: 7 }));
    } catch (e) {
      code = (e as DataError).code;
    }
    expect(code).toBe('HMM_TOO_LITTLE_DATA');
  });

  it('refuses too few bars with a DataError', () => {
    const { series } = generateSyntheticBars({ seed: 3, days: 1 });
    expect(() => trainRegimeModel(sliceBarSeries(series, 0, 15), cfg({}))).toThrow(DataError);
  });

  it('returns null outside RTH when rth_only, and the filter restarts at each trading day', () => {
    const { series } = generateSyntheticBars({ seed: 4, days: 8, session: 'globex' });
    const r = trainRegimeModel(series, cfg({ features: ['log_return', 'log_range'], restarts: 1, n_iter: 20 }));
    const det = new RegimeDetector(r.model);
    let firstOfDay = 0;
    let lastDay = '';
    for (let t = 0; t < series.length; t++) {
      const bar = barAt(series, t);
      const info = det.predictRegime(bar);
      const et = new Date(bar.tsMs).toLocaleString('en-US', { timeZone: 'America/New_York', hour12: false, hour: '2-digit', minute: '2-digit' });
      const rth = et >= '09:30' && et < '16:00';
      if (!rth) expect(info).toBeNull();
      else {
        expect(info).not.toBeNull();
        const day = new Date(bar.tsMs).toISOString().slice(0, 10);
        if (day !== lastDay) {
          // First RTH bar of a day: filtered probabilities restart from startprob.
          const f = GaussianHmm.fromParams(r.model.params).createFilter();
          const x = Float64Array.of(Math.log(bar.close / bar.open), Math.log(bar.high / bar.low));
          x[0] = (x[0] - r.model.standardization.mean[0]) / r.model.standardization.std[0];
          x[1] = (x[1] - r.model.standardization.mean[1]) / r.model.standardization.std[1];
          const p = f.step(x);
          for (let s = 0; s < 5; s++) expect(info!.probs[s]).toBeCloseTo(p[s], 12);
          firstOfDay++;
          lastDay = day;
        }
      }
    }
    expect(firstOfDay).toBe(8);
  });

  it('rejects a model file with a bad field, naming it', () => {
    const { series } = generateSyntheticBars({ seed: 5, days: 10 });
    const r = trainRegimeModel(series, cfg({ restarts: 1, n_iter: 5 }));
    const j = JSON.parse(regimeModelToJson(r.model));
    j.hmm.transmat[1][1] = 5;
    expect(() => regimeModelFromJson(JSON.stringify(j), 'bad.json')).toThrow(ModelError);
    expect(() => regimeModelFromJson(JSON.stringify(j), 'bad.json')).toThrow(/bad.json: transMat row 1 must sum to 1/);
    j.version = 99;
    expect(() => regimeModelFromJson(JSON.stringify(j), 'bad.json')).toThrow(/version 99/);
    expect(() => regimeModelFromJson('{', 'bad.json')).toThrow(/not valid JSON/);
  });

  it('permuteStates reorders every parameter consistently (scores unchanged)', () => {
    const h = GaussianHmm.fromParams({
      nStates: 2,
      nFeatures: 1,
      covariance: 'diag',
      startProb: Float64Array.of(0.3, 0.7),
      transMat: Float64Array.of(0.9, 0.1, 0.2, 0.8),
      means: Float64Array.of(-1, 1),
      covars: Float64Array.of(1, 2),
    });
    const X = Float64Array.of(0.5, -0.2, 1.5, 2);
    const p = permuteStates(h.params, statesByMeanReturn(h.params, 0));
    expect(Array.from(p.means)).toEqual([1, -1]);
    expect(Array.from(p.transMat)).toEqual([0.8, 0.2, 0.1, 0.9]);
    expect(GaussianHmm.fromParams(p).score(X)).toBeCloseTo(h.score(X), 12);
  });
});
