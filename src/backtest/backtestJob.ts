// The backtest job behind `txbot backtest` and `txbot demo`: get a model (saved, or trained in-sample),
// run the engine session over the bars with the simulated broker, write summary/trades/equity/decisions/report.

import type { BarSeries } from '../domain/index.ts';
import { policyInSampleReason, type RunContext } from '../engine/index.ts';
import {
  hashBars,
  inSampleReason,
  regimeModelToJson,
  trainRegimeModel,
  type EmIteration,
  type RegimeModel,
  type TrainResult,
} from '../regime/index.ts';
import {
  RegimeIndexRecorder,
  renderReportHtml,
  buildReportInput,
  buildSummary,
  sha256,
  DecisionLog,
  outputDir,
  stableJson,
  writeRunFiles,
  labelQualityOfRun,
  type BacktestSummary,
} from '../report/index.ts';
import type { LabelQuality } from '../regime/index.ts';
import { runBacktest } from './runner.ts';

export interface BacktestJobOptions {
  readonly series: BarSeries;
  readonly dataLabel: string;
  /** A saved model, or null to train on the same bars (in-sample). */
  readonly model: RegimeModel | null;
  readonly outDir: string | null;
  readonly title?: string;
  readonly onTrainIteration?: (it: EmIteration) => void;
  readonly onProgress?: (done: number, total: number) => void;
  readonly reportWarnings?: string[];
}

/** One line per plug-in that failed during the run: how often, the first error and the fallback used. */
export function pluginWarnings(ctx: RunContext): string[] {
  return [...ctx.pluginFailures.values()].map(
    (f) => `plug-in ${f.plugin} failed ${f.count} time(s); ${f.fallback} was used instead (first: ${f.firstMessage})`,
  );
}

export interface BacktestJobResult {
  readonly summary: BacktestSummary;
  readonly trained: TrainResult | null;
  readonly model: RegimeModel;
  readonly files: string[];
  /** Per regime label as the engine acted on it: what followed on these bars (label-quality.json). */
  readonly labelQuality: LabelQuality;
}

/** Runs the whole backtest job; writes outputs when `outDir` is set. Same inputs → same bytes. */
export function runBacktestJob(ctx: RunContext, o: BacktestJobOptions): BacktestJobResult {
  const { series } = o;
  const config = ctx.config;
  const trained = o.model ? null : trainRegimeModel(series, config, { onIteration: o.onTrainIteration });
  const model = o.model ?? trained!.model;
  const regime = ctx.regimeSource(model, series);
  const regimeIndex = new RegimeIndexRecorder(series.length);
  const out = o.outDir ? outputDir(o.outDir) : null;
  const decisions = new DecisionLog(out ? out.path('decisions.jsonl') : null, config.backtest.decisions);
  const run = runBacktest({
    ...ctx.engineOptions({ regime: regime.source, risk: ctx.createRisk(), idPrefix: 'bt' }),
    series,
    slippageTicks: config.backtest.slippage_ticks,
    onDecision: (d) => {
      regimeIndex.record(d, regime.model().labels);
      decisions.add(d);
    },
    onProgress: o.onProgress ? (done) => o.onProgress!(done, series.length) : undefined,
  });
  const modelJson = regimeModelToJson(model);
  const labelQuality = labelQualityOfRun(series, regimeIndex.index, regime.model().labels);
  const summary = buildSummary({
    run,
    config,
    instrument: ctx.instrument,
    startingBalanceUsd: ctx.startingBalanceUsd,
    inSampleReason:
      inSampleReason(o.model, series.length ? series.tsMs[0]! : null, series.length ? series.tsMs[series.length - 1]! : null) ??
      policyInSampleReason(ctx.policyTraining, series.length ? series.tsMs[0]! : null, series.length ? series.tsMs[series.length - 1]! : null),
    hashes: { config: sha256(JSON.stringify(config)), data: hashBars(series), model: sha256(modelJson) },
    firstMs: series.length ? series.tsMs[0]! : null,
    lastMs: series.length ? series.tsMs[series.length - 1]! : null,
  });
  decisions.close();
  const files: string[] = [];
  if (out && o.outDir) {
    if (decisions.writing) files.push(out.path('decisions.jsonl'));
    const report = buildReportInput({
      title: o.title ?? `txbot backtest: ${ctx.instrument.symbol}`,
      subtitle: `${o.dataLabel} | ${summary.from} to ${summary.to} | model ${o.model ? (summary.inSample ? 'saved, IN-SAMPLE (its training overlaps these bars)' : 'saved, trained before these bars (out of sample)') : 'trained on these bars (in-sample)'}`,
      summary,
      run,
      series,
      regimeIndex: regimeIndex.index,
      labels: model.labels,
      config,
      instrument: ctx.instrument,
      extraWarnings: [...(o.reportWarnings ?? []), ...pluginWarnings(ctx)],
      labelQuality,
    });
    files.push(
      ...writeRunFiles(o.outDir, {
        summary,
        trades: run.trades,
        equity: run.equity,
        extra: [...(trained ? ([['model.json', modelJson]] as [string, string][]) : []), ['label-quality.json', stableJson(labelQuality)]],
        reportHtml: renderReportHtml(report),
      }),
    );
  }
  return { summary, trained, model, files, labelQuality };
}
