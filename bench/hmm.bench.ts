// `npm run bench:hmm`: times GaussianHmm fit (EM incl. k-means init), score, Viterbi, filtered and the
// streaming step on ES 5-minute regular-session features from shared/data; prints a table of figures.

import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { loadConfig } from '../src/config/index.ts';
import { loadBars } from '../src/data/index.ts';
import { barAt, type BarSeries } from '../src/domain/bar.ts';
import {
  featureSpecFromConfig,
  fitStandardization,
  GaussianHmm,
  RegimeDetector,
  selectTrainingRows,
  standardizeRows,
  trainRegimeModel,
  type CovarianceType,
  type FeatureName,
} from '../src/regime/index.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const ES_FILE = resolve(repoRoot, '../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

/** Wall and process CPU (user + system) time of the fastest of REPEATS runs, and the last result. */
interface Timing {
  readonly minMs: number;
  readonly medianMs: number;
  /** CPU time of the run with the least CPU: robust when other processes share the cores. */
  readonly cpuMs: number;
}

function time<T>(fn: () => T): Timing & { result: T } {
  const ms: number[] = [];
  let cpuMs = Infinity;
  let result!: T;
  for (let i = 0; i < REPEATS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  return { minMs: ms[0], medianMs: ms[Math.floor(ms.length / 2)], cpuMs, result };
}

function rowsFor(series: BarSeries, features: FeatureName[], maxBars: number) {
  const base = loadConfig({}).config;
  const spec = { ...featureSpecFromConfig(base), names: features };
  const rows = selectTrainingRows(series, spec);
  const d = features.length;
  // Keep whole trading days from the end until about maxBars.
  let keep = 0;
  let days = 0;
  for (let i = rows.lengths.length - 1; i >= 0 && keep + rows.lengths[i] <= maxBars; i--, days++) keep += rows.lengths[i];
  const lengths = rows.lengths.slice(rows.lengths.length - days);
  const X = rows.X.slice(rows.X.length - keep * d);
  standardizeRows(fitStandardization(X, d), X);
  return { X, lengths, T: keep };
}

function line(label: string, t: Timing, perBar?: number): void {
  const per = perBar ? `   ${((t.cpuMs * 1e6) / perBar).toFixed(0).padStart(5)} ns/bar (cpu)` : '';
  process.stdout.write(
    `${label.padEnd(46)} wall min ${t.minMs.toFixed(1).padStart(7)} ms  median ${t.medianMs.toFixed(1).padStart(7)} ms  cpu ${t.cpuMs.toFixed(1).padStart(7)} ms${per}\n`,
  );
}

function benchCase(series: BarSeries, K: number, features: FeatureName[], cov: CovarianceType, maxBars: number): void {
  const { X, lengths, T } = rowsFor(series, features, maxBars);
  const D = features.length;
  const tag = `K=${K} D=${D} ${cov} T=${T} (${lengths.length} days)`;
  process.stdout.write(`\n${tag}\n`);
  const fit = time(() => {
    const h = new GaussianHmm({ nStates: K, nFeatures: D, covariance: cov, nIter: 20, tol: null, seed: 1, restarts: 1 });
    h.fit(X, lengths);
    return h;
  });
  line('  fit, 20 EM iterations incl. k-means++ init', fit);
  const h = fit.result;
  line(
    '  score',
    time(() => h.score(X, lengths)),
  );
  line(
    '  viterbi (decode)',
    time(() => h.decode(X, lengths)),
  );
  line(
    '  filtered (forward only)',
    time(() => h.filtered(X, lengths)),
  );
  line(
    '  posteriors (forward-backward)',
    time(() => h.posteriors(X, lengths)),
  );
  const f = h.createFilter();
  const step = time(() => {
    let t = 0;
    let acc = 0;
    for (const n of lengths) {
      f.reset();
      for (let i = 0; i < n; i++, t++) acc += f.step(X, t * D)[0];
    }
    return acc;
  });
  line('  streaming StreamingFilter.step, all bars', step, T);
}

async function main(): Promise<void> {
  if (!existsSync(ES_FILE)) {
    process.stderr.write(`bench:hmm: ${ES_FILE} not found (shared data absent); nothing to measure\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`loading ${ES_FILE} ...\n`);
  const t0 = performance.now();
  const { series } = await loadBars(ES_FILE, { from: '2019-01-01', to: '2023-03-24' });
  process.stderr.write(`loaded ${series.length} bars in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`node ${process.version}, ${REPEATS} repeats each; wall min/median and the least process CPU time\n`);
  benchCase(series, 5, ['log_return', 'realized_vol', 'log_range'], 'diag', 20_000);
  benchCase(series, 7, ['log_return', 'realized_vol', 'log_range', 'volume_ratio'], 'full', 70_000);

  const config = loadConfig({}).config;
  const trainBars = series.length;
  const trained = trainRegimeModel(series, { ...config, hmm: { ...config.hmm, restarts: 1, n_iter: 20 } });
  const det = new RegimeDetector(trained.model);
  const bars = Array.from({ length: trainBars }, (_, i) => barAt(series, i));
  const d = time(() => {
    det.reset();
    let n = 0;
    for (const b of bars) if (det.predictRegime(b)) n++;
    return n;
  });
  process.stdout.write('\nRegimeDetector (features + VWAP + standardize + filter step), default config\n');
  line(`  predictRegime, ${trainBars} bars (${d.result} scored)`, d, trainBars);
}

await main();
