// The backtest job of several instruments on one account (`txbot backtest --data SYM=FILE --data ...`):
// a model per instrument (saved, or trained in-sample), one merged bar stream through one engine
// session, and the outputs: the account's summary with `bySymbol` and the daily P&L correlation,
// trades.csv (a symbol column), equity.csv (the account and each instrument), decisions.jsonl (with
// the symbol), report.html (the account, then a section per instrument).

import type { BarSeries } from '../domain/index.ts';
import { policyInSampleReason, type RunContext } from '../engine/index.ts';
import { hashBars, inSampleReason, regimeModelToJson, trainRegimeModel, type RegimeModel } from '../regime/index.ts';
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
import { runPortfolioBacktest } from './runner.ts';

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

/** Runs the several-instrument backtest of `inputs` (keyed by symbol, the run context's instruments). */
export function runPortfolioJob(
  ctx: RunContext,
  inputs: ReadonlyMap<string, PortfolioInput>,
  o: { outDir: string | null; onProgress?: (done: number, total: number) => void },
): PortfolioJobResult {
  const config = ctx.config;
  const symbols = ctx.instruments.map((i) => i.symbol);
  const models = new Map<string, RegimeModel>();
  for (const s of symbols) {
    const inp = inputs.get(s);
    if (!inp) throw new Error(`runPortfolioJob: no bars for ${s}`);
    models.set(s, inp.model ?? trainRegimeModel(inp.series, config).model);
  }
  const risk = ctx.createRisk();
  const first = symbols[0]!;
  const firstSeries = inputs.get(first)!.series;
  const regimeIndex = new RegimeIndexRecorder(firstSeries.length);
  const out = o.outDir ? outputDir(o.outDir) : null;
  const decisions = new DecisionLog(out ? out.path('decisions.jsonl') : null, config.backtest.decisions);
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
    onDecision: (d, symbol) => {
      if (symbol === first) regimeIndex.record(d, models.get(first)!.labels);
      decisions.add(d, symbol);
    },
    onProgress: o.onProgress ? (done) => o.onProgress!(done, total) : undefined,
  });
  decisions.close();
  const account = run.account;
  const allMs = symbols.flatMap((s) => {
    const x = inputs.get(s)!.series;
    return x.length ? [x.tsMs[0]!, x.tsMs[x.length - 1]!] : [];
  });
  const firstMs = allMs.length ? Math.min(...allMs) : null;
  const lastMs = allMs.length ? Math.max(...allMs) : null;
  const modelReason =
    symbols
      .map((s) => {
        const x = inputs.get(s)!.series;
        const why = inSampleReason(inputs.get(s)!.model, x.length ? x.tsMs[0]! : null, x.length ? x.tsMs[x.length - 1]! : null);
        return why === null ? null : `${s}: ${why}`;
      })
      .find((w) => w !== null) ?? null;
  const inSample = modelReason ?? policyInSampleReason(ctx.policyTraining, firstMs, lastMs);
  const dataHash = sha256(symbols.map((s) => `${s}:${hashBars(inputs.get(s)!.series)}`).join('\n'));
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
  if (out) {
    if (decisions.writing) files.push(out.path('decisions.jsonl'));
    const write = (name: string, text: string): void => {
      out.write(name, text);
      files.push(out.path(name));
    };
    write('summary.json', stableJson(summary));
    write('trades.csv', tradesCsv(account.trades));
    write('equity.csv', portfolioEquityCsv(account.equity, run.bySymbol));
    for (const s of symbols) if (inputs.get(s)!.model === null) write(`model-${s}.json`, regimeModelToJson(models.get(s)!));
    const report = buildReportInput({
      title: `txbot backtest: ${symbols.join(' + ')} on one account`,
      subtitle: `${symbols.map((s) => `${s}: ${inputs.get(s)!.dataLabel}`).join(' | ')} | ${summary.from} to ${summary.to} | price chart: ${first}`,
      summary: base,
      run: account,
      series: firstSeries,
      regimeIndex: regimeIndex.index,
      labels: models.get(first)!.labels,
      config,
      instrument: ctx.instrument,
      extraSections: [{ title: 'Instruments', html: portfolioSectionHtml(summary.bySymbol, summary.dailyPnlCorrelation) }],
    });
    write('report.html', renderReportHtml(report));
  }
  return { summary, models, files };
}
