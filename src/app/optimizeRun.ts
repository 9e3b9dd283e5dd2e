// `txbot optimize` behind the CLI: plan rolling walk-forward windows over a bar file, run the sweep (search
// on each window's training days, the best parameters once on its unseen test days) on worker threads
// or BullMQ workers, and write summary.json, trials.csv and report.html. `txbot worker` serves BullMQ jobs.

import type { LoadedConfig } from '../config/index.ts';
import type { BarSeries } from '../domain/index.ts';
import { rollingWindows, continuousAccountHtml, type WalkForwardWindow, type WalkForwardAccount } from '../backtest/index.ts';
import { tradingDatesOf } from '../data/index.ts';
import { csvField, outputDir, stableJson } from '../report/index.ts';
import {
  createBullmqBackend,
  createLocalBackend,
  parseOptimizeSettings,
  runOptimization,
  runWorker,
  type OptimizationSummary,
  type WorkerHandle,
} from '../optimize/index.ts';
import { renderOptimizeReport, type ProgressCallback, type JsonValue, type ParamValue } from '../optimize/index.ts';
import { optimizedAccount } from './optimizeAccount.ts';
import { BACKTEST_TRIAL, trialContextJson, type OptimizeData } from './optimizeTrial.ts';

export interface OptimizeRunOptions {
  readonly loaded: LoadedConfig;
  /** The bars (loaded with `data`'s settings) the windows are planned on. */
  readonly series: BarSeries;
  readonly data: OptimizeData;
  readonly dataSha256: string;
  readonly trainDays: number;
  readonly testDays: number;
  readonly stepDays: number;
  readonly symbol: string;
  /** Worker threads (0 = all cores), or a BullMQ queue URL. */
  readonly backend: { readonly jobs: number } | { readonly queueUrl: string; readonly prefix?: string };
  readonly outDir: string;
  readonly dataLabel: string;
  readonly onProgress?: ProgressCallback;
}

/** How often each dimension's most chosen value was chosen across windows (1 = the same every window). */
export function choiceStability(summary: OptimizationSummary): Record<string, { mode: ParamValue | null; share: number }> {
  const chosen = summary.windows.flatMap((w) => (w.best ? [w.best.params] : []));
  const keys = [...new Set(chosen.flatMap((p) => Object.keys(p)))];
  const out: Record<string, { mode: ParamValue | null; share: number }> = {};
  for (const k of keys) {
    const counts = new Map<string, { v: ParamValue; n: number }>();
    for (const p of chosen) {
      const v = p[k];
      if (v === undefined) continue;
      const key = JSON.stringify(v);
      const c = counts.get(key) ?? { v, n: 0 };
      c.n++;
      counts.set(key, c);
    }
    const best = [...counts.values()].sort((a, b) => b.n - a.n)[0];
    out[k] = { mode: best?.v ?? null, share: best && chosen.length ? Math.round((best.n / chosen.length) * 1e4) / 1e4 : 0 };
  }
  return out;
}

/** The optimization's summary.json: the driver's summary plus the window plan, chosen parameters and their stability. */
export interface OptimizeRunSummary {
  readonly data: string;
  readonly instrument: string;
  readonly plan: { readonly trainDays: number; readonly testDays: number; readonly stepDays: number; readonly windows: readonly WalkForwardWindow[] };
  readonly chosen: readonly { readonly window: number; readonly params: Readonly<Record<string, ParamValue>> | null }[];
  readonly stability: Record<string, { mode: ParamValue | null; share: number }>;
  /** Mean probability of backtest overfitting over windows with enough trials (null: none). */
  readonly pbo: number | null;
  /** Deflated Sharpe ratio of each window's selected parameters (null: not enough data). */
  readonly deflatedSharpe: readonly (number | null)[];
  /** The stitched out-of-sample result as one continuous account (each window with its chosen parameters). */
  readonly account: WalkForwardAccount;
  readonly optimization: OptimizationSummary;
}

/** Plans and runs the sweep and writes its outputs; same inputs and seed → same bytes on either backend. */
export async function runOptimize(o: OptimizeRunOptions): Promise<{ summary: OptimizeRunSummary; files: string[] }> {
  const config = o.loaded.config;
  const settings = parseOptimizeSettings(config.optimize, config);
  const windows = rollingWindows(tradingDatesOf(o.series), o.trainDays, o.testDays, o.stepDays);
  const context = trialContextJson({ config, baseDir: o.loaded.baseDir, symbol: o.symbol, windows });
  const datasets: Record<string, JsonValue> = { [o.dataSha256]: o.data as unknown as JsonValue };
  const backend =
    'queueUrl' in o.backend
      ? createBullmqBackend({ queueUrl: o.backend.queueUrl, prefix: o.backend.prefix })
      : createLocalBackend({ jobs: o.backend.jobs, datasets });
  let result: OptimizationSummary;
  try {
    result = await runOptimization(
      { settings, windows: windows.length, dataSha256: o.dataSha256, trial: BACKTEST_TRIAL, context },
      backend,
      o.onProgress,
    );
  } finally {
    await backend.close();
  }
  const chosen = result.windows.map((w) => ({ window: w.windowIndex, params: w.best?.params ?? null }));
  const account = optimizedAccount({
    loaded: o.loaded,
    symbol: o.symbol,
    series: o.series,
    dataSha256: o.dataSha256,
    windows,
    chosen: chosen.map((c) => c.params),
    spaceKeys: settings.space.dimensions.map((d) => d.key),
  });
  const summary: OptimizeRunSummary = {
    data: o.dataLabel,
    instrument: o.symbol,
    plan: { trainDays: o.trainDays, testDays: o.testDays, stepDays: o.stepDays, windows },
    chosen,
    stability: choiceStability(result),
    pbo: result.aggregate.meanPbo,
    deflatedSharpe: result.windows.map((w) => w.deflatedSharpe?.dsr ?? null),
    account,
    optimization: result,
  };
  const out = outputDir(o.outDir);
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    out.write(name, text);
    files.push(out.path(name));
  };
  write('summary.json', stableJson(summary));
  write('trials.csv', trialsCsv(result));
  write(
    'report.html',
    renderOptimizeReport(result, {
      title: `txbot optimize: ${o.symbol}, ${windows.length} windows of ${o.trainDays}/${o.testDays} days`,
      subtitle: `${o.dataLabel} | sampler ${result.sampler}, ${settings.trials} trials per window, objective ${result.objective.kind}, seed ${result.seed}`,
      windows,
      accountHtml: continuousAccountHtml(account),
    }),
  );
  return { summary, files };
}

/** trials.csv: one row per trial (window, index, status, objective, metrics, parameters as JSON). */
function trialsCsv(s: OptimizationSummary): string {
  const rows = ['window,trial,status,objective,net_pnl,sharpe,max_drawdown,trades,params'];
  for (const w of s.windows)
    for (const t of w.trials)
      rows.push(
        [
          w.windowIndex,
          t.index,
          t.status,
          t.objective ?? '',
          t.metrics?.netPnl ?? '',
          t.metrics?.sharpe ?? '',
          t.metrics?.maxDrawdown ?? '',
          t.metrics?.trades ?? '',
          csvField(JSON.stringify(t.params)),
        ].join(','),
      );
  return `${rows.join('\n')}\n`;
}

/** `txbot worker`: serves the trials of any sweep on `queueUrl` whose data is one of `datasets`. */
export function startOptimizeWorker(o: {
  queueUrl: string;
  prefix?: string;
  datasets: Record<string, JsonValue>;
  concurrency?: number;
}): Promise<WorkerHandle> {
  return runWorker({
    queueUrl: o.queueUrl,
    prefix: o.prefix,
    trial: BACKTEST_TRIAL,
    datasets: o.datasets,
    concurrency: o.concurrency,
    handleSignals: true,
  });
}
