// The backtest job of several instruments on one account (`txbot backtest --data SYM=FILE --data ...`):
// a model per instrument (saved, or trained in-sample), one merged bar stream through one engine
// session, and the outputs: the account's summary with `bySymbol` and the daily P&L correlation,
// trades.csv (a symbol column), equity.csv (the account and each instrument), decisions.jsonl (with
// the symbol), report.html (the account, then a section per instrument).

import type { BarSeries } from '../domain/index.ts';
import { policyInSampleReason, type DecisionRecord, type RunContext } from '../engine/index.ts';
import { inSampleReason, regimeModelToJson, trainRegimeModel, type RegimeModel } from '../regime/index.ts';
import {
  RegimeIndexRecorder,
  renderReportHtml,
  buildReportInput,
  buildSummary,
  sha256,
  DecisionLog,
  outputDir,
  stableJson,
  tradesCsv,
  dailyPnlCorrelation,
  portfolioEquityCsv,
  portfolioSectionHtml,
  symbolSummaries,
  type BacktestSummary,
  type SymbolSummary,
} from '../report/index.ts';
import { recordingWriter } from './outputFiles.ts';
import { portfolioDataHash, spanOf } from './portfolioFacts.ts';
import { runPortfolioBacktest, type PortfolioRun } from './runner.ts';

/** One instrument's input: its bars, a saved model (or null to train in-sample) and a label for the report. */
export interface PortfolioInput {
  readonly series: BarSeries;
  readonly model: RegimeModel | null;
  readonly dataLabel: string;
}

export interface PortfolioSummary extends BacktestSummary {
  readonly symbols: readonly string[];
  readonly bySymbol: Record<string, SymbolSummary>;
  readonly dailyPnlCorrelation: Record<string, Record<string, number | null>>;
}

export interface PortfolioJobResult {
  readonly summary: PortfolioSummary;
  readonly models: ReadonlyMap<string, RegimeModel>;
  readonly files: string[];
}

/** The models of a several-instrument run: each input's saved model, or one trained in-sample on its bars. */
export function portfolioModels(ctx: RunContext, inputs: ReadonlyMap<string, PortfolioInput>): Map<string, RegimeModel> {
  const models = new Map<string, RegimeModel>();
  for (const i of ctx.instruments) {
    const inp = inputs.get(i.symbol);
    if (!inp) throw new Error(`portfolio run: no bars for ${i.symbol}`);
    models.set(i.symbol, inp.model ?? trainRegimeModel(inp.series, ctx.config).model);
  }
  return models;
}

/** What a several-instrument run records while it runs: the decisions file and the first instrument's regime index. */
export interface PortfolioRecorders {
  readonly decisions: DecisionLog;
  readonly regimeIndex: RegimeIndexRecorder;
  /** Call with every decision (of any instrument). */
  onDecision(d: DecisionRecord, symbol: string): void;
}

/** The recorders of a several-instrument run writing into `outDir` (null: nothing written). */
export function portfolioRecorders(
  ctx: RunContext,
  inputs: ReadonlyMap<string, PortfolioInput>,
  models: ReadonlyMap<string, RegimeModel>,
  outDir: string | null,
): PortfolioRecorders {
  const first = ctx.instruments[0]!.symbol;
  const regimeIndex = new RegimeIndexRecorder(inputs.get(first)!.series.length);
  const decisions = new DecisionLog(outDir ? outputDir(outDir).path('decisions.jsonl') : null, ctx.config.backtest.decisions);
  const labels = models.get(first)!.labels;
  return {
    decisions,
    regimeIndex,
    onDecision: (d, symbol) => {
      if (symbol === first) regimeIndex.record(d, labels);
      decisions.add(d, symbol);
    },
  };
}

/** Runs the several-instrument backtest of `inputs` (keyed by symbol, the run context's instruments). */
export function runPortfolioJob(
  ctx: RunContext,
  inputs: ReadonlyMap<string, PortfolioInput>,
  o: { outDir: string | null; onProgress?: (done: number, total: number) => void },
): PortfolioJobResult {
  const config = ctx.config;
  const symbols = ctx.instruments.map((i) => i.symbol);
  const models = portfolioModels(ctx, inputs);
  const risk = ctx.createRisk();
  const rec = portfolioRecorders(ctx, inputs, models, o.outDir);
  const total = symbols.reduce((n, s) => n + inputs.get(s)!.series.length, 0);
  const run = runPortfolioBacktest({
    config,
    risk,
    lanes: symbols.map((s) => {
      const regime = ctx.regimeSource(models.get(s)!, inputs.get(s)!.series);
      return {
        ...ctx.engineOptions({ regime: regime.source, risk, idPrefix: `bt-${s}`, symbol: s }),
        series: inputs.get(s)!.series,
        slippageTicks: config.backtest.slippage_ticks,
      };
    }),
    onDecision: (d, symbol) => rec.onDecision(d, symbol),
    onProgress: o.onProgress ? (done) => o.onProgress!(done, total) : undefined,
  });
  return writePortfolioRun(ctx, inputs, models, run, rec, { outDir: o.outDir, title: `txbot backtest: ${symbols.join(' + ')} on one account` });
}

/**
 * The outputs of a several-instrument run (backtest, or replay through the live path): summary with
 * `bySymbol` and the daily P&L correlation, trades, equity per instrument and in total, the models trained
 * in-sample, the report. Closes the decisions file.
 */
export function writePortfolioRun(
  ctx: RunContext,
  inputs: ReadonlyMap<string, PortfolioInput>,
  models: ReadonlyMap<string, RegimeModel>,
  run: PortfolioRun,
  rec: PortfolioRecorders,
  o: { outDir: string | null; title: string; subtitleNote?: string; extraFiles?: readonly string[] },
): PortfolioJobResult {
  const config = ctx.config;
  const symbols = ctx.instruments.map((i) => i.symbol);
  const first = symbols[0]!;
  const firstSeries = inputs.get(first)!.series;
  rec.decisions.close();
  const account = run.account;
  const { firstMs, lastMs } = spanOf(symbols.map((s) => inputs.get(s)!.series));
  const modelReason =
    symbols
      .map((s) => {
        const x = inputs.get(s)!.series;
        const why = inSampleReason(inputs.get(s)!.model, x.length ? x.tsMs[0]! : null, x.length ? x.tsMs[x.length - 1]! : null);
        return why === null ? null : `${s}: ${why}`;
      })
      .find((w) => w !== null) ?? null;
  const inSample = modelReason ?? policyInSampleReason(ctx.policyTraining, firstMs, lastMs);
  const dataHash = portfolioDataHash(symbols, (s) => inputs.get(s)!.series);
  const modelHash = sha256(symbols.map((s) => `${s}:${sha256(regimeModelToJson(models.get(s)!))}`).join('\n'));
  const base = buildSummary({
    run: account,
    config,
    instrument: { ...ctx.instrument, symbol: symbols.join('+') },
    startingBalanceUsd: ctx.startingBalanceUsd,
    inSampleReason: inSample,
    instruments: ctx.instruments,
    hashes: { config: sha256(JSON.stringify(config)), data: dataHash, model: modelHash },
    firstMs,
    lastMs,
  });
  const summary: PortfolioSummary = {
    ...base,
    symbols,
    bySymbol: symbolSummaries(account.days, run.bySymbol, ctx.startingBalanceUsd),
    dailyPnlCorrelation: dailyPnlCorrelation(account.days, run.bySymbol, ctx.startingBalanceUsd),
  };
  const files: string[] = [];
  if (o.outDir) {
    const out = recordingWriter(o.outDir, files);
    if (rec.decisions.writing) files.push(out.path('decisions.jsonl'));
    files.push(...(o.extraFiles ?? []));
    const write = out.write;
    write('summary.json', stableJson(summary));
    write('trades.csv', tradesCsv(account.trades));
    write('equity.csv', portfolioEquityCsv(account.equity, run.bySymbol));
    for (const s of symbols) if (inputs.get(s)!.model === null) write(`model-${s}.json`, regimeModelToJson(models.get(s)!));
    const report = buildReportInput({
      title: o.title,
      subtitle: `${symbols.map((s) => `${s}: ${inputs.get(s)!.dataLabel}`).join(' | ')} | ${summary.from} to ${summary.to} | price chart: ${first}${o.subtitleNote ? ` | ${o.subtitleNote}` : ''}`,
      summary: base,
      run: account,
      series: firstSeries,
      regimeIndex: rec.regimeIndex.index,
      labels: models.get(first)!.labels,
      config,
      instrument: ctx.instrument,
      extraSections: [{ title: 'Instruments', html: portfolioSectionHtml(summary.bySymbol, summary.dailyPnlCorrelation) }],
    });
    write('report.html', renderReportHtml(report));
  }
  return { summary, models, files };
}
