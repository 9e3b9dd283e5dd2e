// The RegimeSource contract, run against every implementation the engine can be given: the fixed-model
// detector, the swappable detector, and the retraining controller's source (inline, as in backtests).
// Filtered probabilities only: an answer for a bar never depends on later bars.

import { describe, expect, it } from 'vitest';
import { barAt, sliceBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import type { RegimeInfo, RegimeSource } from '../../src/domain/regime.ts';
import { RegimeDetector, type RegimeModel } from '../../src/regime/index.ts';
import { SwappableRegimeDetector } from '../../src/regime/retrain/index.ts';
import { runRegimeSource } from '../../src/app/seams/regimeSource.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

const config = testConfig({ retrain: { window_days: 15, validation_days: 5, schedule_days: 7 } }).config;

const IMPLEMENTATIONS: [string, (model: RegimeModel, history: BarSeries) => RegimeSource][] = [
  ['RegimeDetector (regime_source fixed)', (m) => new RegimeDetector(m)],
  ['SwappableRegimeDetector', (m) => new SwappableRegimeDetector(m)],
  ['the retraining controller, inline (regime_source retraining)', (m, h) => runRegimeSource(config, m, h, { kind: 'retraining' }).source],
];

function run(source: RegimeSource, series: BarSeries, n: number): (RegimeInfo | null)[] {
  const out: (RegimeInfo | null)[] = [];
  for (let i = 0; i < n; i++) out.push(source.predictRegime(barAt(series, i)));
  return out;
}

describe.each(IMPLEMENTATIONS)('RegimeSource contract: %s', (_name, make) => {
  const { series, model } = syntheticSetup();
  // The test period and the days before it (retrains draw on them); 30 days are scored.
  const from = 90 * 78;
  const bars = sliceBarSeries(series, from, from + 30 * 78);

  it('answers null while warming up, then a label of the model with filtered probabilities', () => {
    const out = run(make(model, series), bars, bars.length);
    expect(out[0]).toBeNull();
    const scored = out.filter((x): x is RegimeInfo => x !== null);
    expect(scored.length).toBeGreaterThan(20 * 78);
    for (const info of scored) {
      const sum = info.probs.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 9);
      expect(info.confidence).toBe(Math.max(...info.probs));
      expect(info.probs[info.state]).toBe(info.confidence);
      expect(Number.isFinite(info.logLikelihood)).toBe(true);
    }
    expect(new Set(scored.map((x) => x.regime)).size).toBeGreaterThan(1);
  });

  it('is deterministic: two sources on the same bars answer the same', () => {
    expect(run(make(model, series), bars, 10 * 78)).toEqual(run(make(model, series), bars, 10 * 78));
  });

  it('never looks ahead: the answers for a prefix do not depend on the bars after it', () => {
    const cut = 12 * 78;
    const other = sliceBarSeries(series, from + 30 * 78, from + 60 * 78);
    const a = run(make(model, series), bars, cut);
    const withOtherFuture: BarSeries = {
      tsMs: Float64Array.from([...bars.tsMs.subarray(0, cut), ...other.tsMs.map((t) => t + (bars.tsMs[cut - 1]! - other.tsMs[0]!) + 300_000)]),
      open: Float64Array.from([...bars.open.subarray(0, cut), ...other.open]),
      high: Float64Array.from([...bars.high.subarray(0, cut), ...other.high]),
      low: Float64Array.from([...bars.low.subarray(0, cut), ...other.low]),
      close: Float64Array.from([...bars.close.subarray(0, cut), ...other.close]),
      volume: Float64Array.from([...bars.volume.subarray(0, cut), ...other.volume]),
      length: cut + other.length,
    };
    const b = run(make(model, series), withOtherFuture, withOtherFuture.length).slice(0, cut);
    expect(b).toEqual(a);
  });
});
