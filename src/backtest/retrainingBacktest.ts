// `txbot backtest --retrain`: the same bars backtested twice, with the fixed model and with scheduled +
// drift retraining (each model trained only on bars before its decision), written side by side.

import type { BarSeries } from '../domain/index.ts';
import type { RunContext } from '../engine/index.ts';
import { hashBars, inSampleReason, regimeModelToJson, type RegimeModel } from '../regime/index.ts';
import {
  RegimeIndexRecorder,
  esc,
  renderReportHtml,
  buildReportInput,
  buildSummary,
  sha256,
  outputDir,
  stableJson,
  writeRunFiles,
  type BacktestSummary,
} from '../report/index.ts';
import { runBacktestJob } from './backtestJob.ts';
import { retrainRecordOf, type BacktestRetrainRecord } from './retrainRecords.ts';
import { runBacktest } from './runner.ts';
import { tallyLine, tallyRetrains, type RetrainTally, type SwapOfRun } from './retrainEffects.ts';

export interface RetrainingBacktestOptions {
  /** Bars to trade on. */
  readonly series: BarSeries;
  /** Bars retrains may use (normally the file up to the last traded bar, so early retrains have history). */
  readonly history: BarSeries;
  /** The starting model (trained on data before `series`). */
  readonly model: RegimeModel;
  readonly dataLabel: string;
  /** Output folder: fixed/, retraining/, comparison.json; null = nothing written. */
  readonly outDir: string | null;
  /** Drift trigger on (default true). */
  readonly drift?: boolean;
  readonly onRetrain?: (r: BacktestRetrainRecord) => void;
  readonly onProgress?: (run: 'fixed' | 'retraining', done: number, total: number) => void;
}

export interface RetrainingBacktestResult {
  readonly fixed: BacktestSummary;
  readonly retraining: BacktestSummary;
  readonly retrains: readonly BacktestRetrainRecord[];
  /** Retrains per trigger and the swaps scored on the period after them. */
  readonly tally: RetrainTally;
  /** The model in use at the end of the retraining run. */
  readonly finalModel: RegimeModel;
  readonly files: string[];
}

/** Runs both backtests (fixed model, then retraining) on the same bars and writes both. Deterministic. */
export function runRetrainingBacktest(ctx: RunContext, o: RetrainingBacktestOptions): RetrainingBacktestResult {
  const fixed = runBacktestJob(ctx, {
    series: o.series,
    dataLabel: o.dataLabel,
    model: o.model,
    outDir: o.outDir ? `${o.outDir}/fixed` : null,
    title: `txbot backtest: ${ctx.instrument.symbol}, fixed model`,
    onProgress: o.onProgress ? (d, t) => o.onProgress!('fixed', d, t) : undefined,
  });
  const config = ctx.config;
  const records: BacktestRetrainRecord[] = [];
  const swaps: SwapOfRun[] = [];
  let current = o.model;
  const regime = ctx.regimeSource(o.model, o.history, {
    kind: 'retraining',
    driftTrigger: o.drift,
    onRetrainEvent: (e) => {
      if (e.kind === 'RETRAIN_FINISHED' && e.outcome.decision === 'swapped') {
        swaps.push({ tsMs: e.tsMs, trigger: e.trigger.kind, previous: current, next: e.outcome.newModel });
        current = e.outcome.newModel;
      }
      const r = retrainRecordOf(e);
      if (!r) return;
      records.push(r);
      o.onRetrain?.(r);
    },
  });
  const regimeIndex = new RegimeIndexRecorder(o.series.length);
  const run = runBacktest({
    ...ctx.engineOptions({ regime: regime.source, risk: ctx.createRisk(), idPrefix: 'rt' }),
    series: o.series,
    slippageTicks: config.backtest.slippage_ticks,
    onDecision: (d) => regimeIndex.record(d, regime.model().labels),
    onProgress: o.onProgress ? (done) => o.onProgress!('retraining', done, o.series.length) : undefined,
  });
  const retraining = buildSummary({
    run,
    config,
    instrument: ctx.instrument,
    startingBalanceUsd: ctx.startingBalanceUsd,
    inSampleReason: inSampleReason(o.model, o.series.length ? o.series.tsMs[0]! : null, o.series.length ? o.series.tsMs[o.series.length - 1]! : null),
    hashes: { config: sha256(JSON.stringify(config)), data: hashBars(o.series), model: sha256(regimeModelToJson(o.model)) },
    firstMs: o.series.length ? o.series.tsMs[0]! : null,
    lastMs: o.series.length ? o.series.tsMs[o.series.length - 1]! : null,
  });
  const tally = tallyRetrains(records, swaps, o.history.length ? o.history : o.series);
  const files = [...fixed.files];
  const finalModel = regime.model();
  if (o.outDir) {
    const report = buildReportInput({
      title: `txbot backtest with retraining: ${ctx.instrument.symbol}`,
      subtitle: `${o.dataLabel} | ${retraining.from} to ${retraining.to} | scheduled every ${config.retrain.schedule_days} days${o.drift === false ? '' : ' + drift'} retraining, each model trained only on earlier bars`,
      summary: retraining,
      run,
      series: o.series,
      regimeIndex: regimeIndex.index,
      labels: finalModel.labels,
      config,
      instrument: ctx.instrument,
      extraSections: [{ title: 'Retraining vs fixed model', html: comparisonHtml(fixed.summary, retraining, records, tally) }],
    });
    files.push(
      ...writeRunFiles(`${o.outDir}/retraining`, {
        summary: retraining,
        trades: run.trades,
        equity: run.equity,
        extra: [
          ['retrains.json', stableJson(records)],
          ['swap-effects.json', stableJson(tally.swaps)],
          ['final-model.json', regimeModelToJson(finalModel)],
        ],
        reportHtml: renderReportHtml(report),
      }),
    );
    const top = outputDir(o.outDir);
    top.write(
      'comparison.json',
      stableJson({
        fixed: pick(fixed.summary),
        retraining: pick(retraining),
        retrains: records.length,
        swaps: records.filter((r) => r.decision === 'swapped').length,
        retrainsByTrigger: tally.byTrigger,
        swapsScored: tally.swapsScored,
        swapsImprovedNextPeriod: tally.swapsImproved,
        driftBaseline: config.retrain.drift_baseline,
      }),
    );
    files.push(top.path('comparison.json'));
  }
  return { fixed: fixed.summary, retraining, retrains: records, tally, finalModel, files };
}

/** The figures compared side by side. */
export function pick(s: BacktestSummary): Record<string, number | null> {
  return {
    trades: s.trades,
    netPnl: s.netPnl,
    winRate: s.winRate,
    profitFactor: s.profitFactor,
    sharpe: s.sharpe,
    maxDrawdown: s.maxDrawdown,
    endingBalance: s.endingBalance,
    combinePassProbability: s.combine?.passProbability ?? null,
  };
}

const num = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits));

function comparisonHtml(fixed: BacktestSummary, retraining: BacktestSummary, records: readonly BacktestRetrainRecord[], tally: RetrainTally): string {
  const a = pick(fixed);
  const b = pick(retraining);
  const rows = Object.keys(a)
    .map((k) => `<tr><td>${esc(k)}</td><td>${num(a[k] ?? null)}</td><td>${num(b[k] ?? null)}</td></tr>`)
    .join('');
  const ev = records
    .map(
      (r) =>
        `<tr><td>${esc(r.tradingDate)}</td><td>${esc(r.trigger.kind)}</td><td>${esc(r.decision)}</td><td>${num(r.currentScore, 4)}</td><td>${num(r.newScore, 4)}</td><td>${esc(r.trainFrom ?? '-')} to ${esc(r.trainTo ?? '-')}</td><td>${esc(r.trigger.reason)}; ${esc(r.reason)}</td></tr>`,
    )
    .join('');
  return (
    `<table><tr><th>figure</th><th>fixed model</th><th>retraining</th></tr>${rows}</table>` +
    `<p>${records.length} retrain(s), ${records.filter((r) => r.decision === 'swapped').length} swap(s). Scores: mean validation log-likelihood per bar (higher is better).</p>` +
    `<p>${esc(tallyLine(tally))}.</p>` +
    `<table><tr><th>date</th><th>trigger</th><th>decision</th><th>current</th><th>new</th><th>trained on</th><th>why</th></tr>${ev}</table>`
  );
}
