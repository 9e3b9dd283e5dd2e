// Shared fixtures for engine/backtest tests: a config, synthetic bars and a model trained on them once.

import { validateConfig, type Config, type LoadedConfig } from '../../src/config/index.ts';
import { generateSyntheticBars } from '../../src/data/index.ts';
import { sliceBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';

/** A validated config for tests: defaults, no VIX/calendar files, quick HMM settings, plus overrides. */
export function testConfig(overrides: Record<string, unknown> = {}): LoadedConfig {
  const raw = {
    hmm: { n_iter: 30, restarts: 1 },
    filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } },
    ...overrides,
  };
  const config: Config = validateConfig(raw, 'test');
  return { config, sourcePath: null, baseDir: process.cwd() };
}

let cached: { series: BarSeries; train: BarSeries; test: BarSeries; model: RegimeModel } | null = null;

/** 160 synthetic RTH days: a model trained on the first 100 days, and the last 60 days to test on. */
export function syntheticSetup(): { series: BarSeries; train: BarSeries; test: BarSeries; model: RegimeModel } {
  if (!cached) {
    const series = generateSyntheticBars({ seed: 21, days: 160, startDate: '2024-01-02' }).series;
    const cut = 100 * 78;
    const train = sliceBarSeries(series, 0, cut);
    const test = sliceBarSeries(series, cut, series.length);
    const model = trainRegimeModel(train, testConfig().config).model;
    cached = { series, train, test, model };
  }
  return cached;
}
