// Walk-forward over several instruments on one account: every window trains a fresh HMM per instrument on
// that instrument's earlier days only, then tests the next unseen days as one portfolio (one merged bar
// stream, one account risk manager) from a fresh account; the stitched out-of-sample result is ONE
// continuous account over every window (risk carried across windows), with each instrument's part.
// Windows are planned on the trading dates of the first instrument (the configured order).

import type { BarSeries, RegimeLabel } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import { selectTradingDates } from '../data/index.ts';
import { LaneRecord, policyInSampleReason, type RunContext, type BreachRecord } from '../engine/index.ts';
import { regimeModelFromJson, regimeModelToJson, trainRegimeModel, type RegimeModel } from '../regime/index.ts';
import type { RiskManager } from '../strategy/index.ts';
import {
  buildReportInput,
  buildSummary,
  computeMetrics,
  dailyPnlCorrelation,
  esc,
  portfolioEquityCsv,
  portfolioSectionHtml,
  RegimeIndexRecorder,
  renderReportHtml,
  sha256,
  stableJson,
  symbolSummaries,
  tradesCsv,
  type BacktestSummary,
  type PerformanceMetrics,
  type SymbolSummary,
} from '../report/index.ts';
import { recordingWriter } from './outputFiles.ts';
import { portfolioDataHash, spanOf } from './portfolioFacts.ts';
import { runPortfolioBacktest, type PortfolioRun } from './runner.ts';
import { joinRuns } from './walkForwardAccount.ts';
import {
  CONTINUOUS_ACCOUNT_METHOD,
  continuousAccountHtml,
  continuousAccountOf,
  meanStd,
  METRIC_KEYS,
  windowFields,
  windowMetrics,
  type MetricKey,
  type WalkForwardAccount,
} from './walkForwardJob.ts';
import type { WalkForwardWindow } from './walkForwardPlan.ts';

/** One window of a several-instrument walk-forward (sent to a worker thread). */
export interface PortfolioWindowJob {
  readonly window: WalkForwardWindow;
  readonly config: Config;
  readonly baseDir: string;
  /** The instruments, in processing order. */
  readonly symbols: readonly string[];
  /** Each instrument's bars covering at least the window's train and test dates. */
  readonly series: Readonly<Record<string, BarSeries>>;
}

export interface PortfolioWindowResult {
  readonly window: WalkForwardWindow;
  /** The window's portfolio from a fresh account. */
  readonly metrics: PerformanceMetrics;
  readonly breach: BreachRecord | null;
  readonly trainBars: Record<string, number>;
  readonly testBars: Record<string, number>;
  /** Each instrument's part of the window (fresh account). */
  readonly bySymbol: Record<string, SymbolSummary>;
  /** Each instrument's trained model (JSON), to re-run the window on the continuous account. */
  readonly modelJson: Record<string, string>;
  /** Each instrument's regime label index per test bar (-1 = none), in its model's label order. */
  readonly regimeIndex: Record<string, Int8Array>;
  readonly modelLabels: Record<string, string[]>;
}

/** Backtests the window's test days of every instrument with `models` on the account `risk`. */
function testPortfolioWindow(
  ctx: RunContext,
  job: PortfolioWindowJob,
  models: ReadonlyMap<string, RegimeModel>,
  risk: RiskManager,
  recorders?: ReadonlyMap<string, RegimeIndexRecorder>,
): PortfolioRun {
  const w = job.window;
  return runPortfolioBacktest({
    config: job.config,
    risk,
    lanes: job.symbols.map((s) => {
      const series = job.series[s]!;
      const regime = ctx.regimeSource(models.get(s)!, series, { kind: 'fixed' });
      return {
        ...ctx.engineOptions({ regime: regime.source, risk, idPrefix: `wf${w.index}-${s}`, symbol: s }),
        series: selectTradingDates(series, w.testFrom, w.testTo),
        slippageTicks: job.config.backtest.slippage_ticks,
      };
    }),
    onDecision: recorders ? (d, symbol) => recorders.get(symbol)!.record(d, models.get(symbol)!.labels) : undefined,
  });
}

/** Trains each instrument on the window's train dates only, then tests the portfolio on its test dates from a fresh account. */
export function runPortfolioWindow(ctx: RunContext, job: PortfolioWindowJob): PortfolioWindowResult {
  const w = job.window;
  const models = new Map<string, RegimeModel>();
  const trainBars: Record<string, number> = {};
  const testBars: Record<string, number> = {};
  const recorders = new Map<string, RegimeIndexRecorder>();
  for (const s of job.symbols) {
    const series = job.series[s]!;
    const train = selectTradingDates(series, w.trainFrom, w.trainTo);
    const test = selectTradingDates(series, w.testFrom, w.testTo);
    models.set(s, trainRegimeModel(train, job.config).model);
    trainBars[s] = train.length;
    testBars[s] = test.length;
    recorders.set(s, new RegimeIndexRecorder(test.length));
  }
  const run = testPortfolioWindow(ctx, job, models, ctx.createRisk(), recorders);
  const a = run.account;
  return {
    window: w,
    metrics: computeMetrics(a.trades, a.days, a.equity, ctx.startingBalanceUsd),
    breach: a.breach,
    trainBars,
    testBars,
    bySymbol: symbolSummaries(a.days, run.bySymbol, ctx.startingBalanceUsd),
    modelJson: Object.fromEntries(job.symbols.map((s) => [s, regimeModelToJson(models.get(s)!)])),
    regimeIndex: Object.fromEntries(job.symbols.map((s) => [s, recorders.get(s)!.index])),
    modelLabels: Object.fromEntries(job.symbols.map((s) => [s, [...models.get(s)!.labels]])),
  };
}

/** The job of window `w` over `series` (each instrument's bars, keyed by symbol). */
export function portfolioWindowJob(
  config: Config,
  baseDir: string,
  symbols: readonly string[],
  series: ReadonlyMap<string, BarSeries>,
  w: WalkForwardWindow,
): PortfolioWindowJob {
  return {
    window: w,
    config,
    baseDir,
    symbols,
    series: Object.fromEntries(symbols.map((s) => [s, selectTradingDates(series.get(s)!, w.trainFrom, w.testTo)])),
  };
}

/**
 * Re-runs every window's test days in order on one account (balance, trailing MLL, breach and day limits carried
 * across windows), each instrument with its window's model; returns the joined account and each instrument's part.
 */
export function runPortfolioContinuousAccount(
  ctx: RunContext,
  series: ReadonlyMap<string, BarSeries>,
  results: readonly PortfolioWindowResult[],
): PortfolioRun {
  const symbols = ctx.instruments.map((i) => i.symbol);
  const risk = ctx.createRisk();
  const runs: PortfolioRun[] = [];
  for (const r of results) {
    const models = new Map(
      symbols.map((s) => [s, regimeModelFromJson(r.modelJson[s]!, `walk-forward window ${r.window.index} model of ${s}`)] as const),
    );
    const run = testPortfolioWindow(ctx, portfolioWindowJob(ctx.config, ctx.baseDir, symbols, series, r.window), models, risk);
    runs.push(run);
    const last = run.account.equity.at(-1);
    if (last) risk.onTradingDayEnd(last.tsMs);
  }
  const bySymbol = new Map<string, LaneRecord>();
  for (const s of symbols) {
    const joined = new LaneRecord();
    let offset = 0;
    for (const run of runs) {
      const lane = run.bySymbol.get(s)!;
      for (const t of lane.trades) joined.trade(t);
      for (const [k, n] of lane.regimeBars) joined.regimeBars.set(k, (joined.regimeBars.get(k) ?? 0) + n);
      // Each window's P&L starts at 0 (flat between windows): carried on from the windows before it.
      for (const p of lane.pnl) joined.pnl.push({ tsMs: p.tsMs, equityUsd: offset + p.equityUsd });
      joined.barsProcessed += lane.barsProcessed;
      offset += lane.realizedUsd;
    }
    bySymbol.set(s, joined);
  }
  return { account: joinRuns(runs.map((r) => r.account)), bySymbol };
}

export interface PortfolioWalkForwardSummary {
  /** The one continuous out-of-sample account. */
  account: WalkForwardAccount;
  symbols: string[];
  /** Each window from a fresh account: the portfolio's metrics and each instrument's. */
  windows: ({
    index: number;
    trainFrom: string;
    trainTo: string;
    testFrom: string;
    testTo: string;
    trainBars: Record<string, number>;
    testBars: Record<string, number>;
    breach: string | null;
    bySymbol: Record<string, Pick<PerformanceMetrics, 'trades' | 'netPnl'>>;
  } & Pick<PerformanceMetrics, MetricKey>)[];
  acrossWindows: Record<MetricKey, { mean: number | null; std: number | null; n: number }>;
  /** The continuous account's full summary with each instrument's part and the daily P&L correlation. */
  stitched: BacktestSummary & {
    bySymbol: Record<string, SymbolSummary>;
    dailyPnlCorrelation: Record<string, Record<string, number | null>>;
  };
}

/** Writes summary.json, trades.csv, equity.csv (account and each instrument) and report.html of the continuous account. */
export function writePortfolioWalkForward(
  ctx: RunContext,
  series: ReadonlyMap<string, BarSeries>,
  results: readonly PortfolioWindowResult[],
  outDir: string,
  dataLabel: string,
): { summary: PortfolioWalkForwardSummary; files: string[] } {
  const config = ctx.config;
  const symbols = ctx.instruments.map((i) => i.symbol);
  const start = ctx.startingBalanceUsd;
  const run = runPortfolioContinuousAccount(ctx, series, results);
  const account = run.account;
  const first = results[0]!.window;
  const last = results[results.length - 1]!.window;
  const tests = new Map(symbols.map((s) => [s, selectTradingDates(series.get(s)!, first.testFrom, last.testTo)] as const));
  const { firstMs, lastMs } = spanOf(tests.values());
  const base = buildSummary({
    run: account,
    config,
    instrument: { ...ctx.instrument, symbol: symbols.join('+') },
    instruments: ctx.instruments,
    startingBalanceUsd: start,
    inSampleReason: firstMs === null ? null : policyInSampleReason(ctx.policyTraining, firstMs, lastMs!),
    hashes: {
      config: sha256(JSON.stringify(config)),
      data: portfolioDataHash(symbols, (s) => series.get(s)!),
      model: 'retrained per window and instrument',
    },
    firstMs,
    lastMs,
  });
  const stitched = {
    ...base,
    bars: results.reduce((a, r) => a + Object.values(r.testBars).reduce((x, y) => x + y, 0), 0),
    bySymbol: symbolSummaries(account.days, run.bySymbol, start),
    dailyPnlCorrelation: dailyPnlCorrelation(account.days, run.bySymbol, start),
  };
  const summary: PortfolioWalkForwardSummary = {
    account: continuousAccountOf(stitched, CONTINUOUS_ACCOUNT_METHOD),
    symbols,
    windows: results.map((r) => ({
      ...windowFields(r),
      bySymbol: Object.fromEntries(symbols.map((s) => [s, { trades: r.bySymbol[s]!.trades, netPnl: r.bySymbol[s]!.netPnl }])),
      ...windowMetrics(r.metrics),
    })) as PortfolioWalkForwardSummary['windows'],
    acrossWindows: Object.fromEntries(
      METRIC_KEYS.map((k) => [k, meanStd(results.map((r) => r.metrics[k]))]),
    ) as PortfolioWalkForwardSummary['acrossWindows'],
    stitched,
  };
  const files: string[] = [];
  const { write } = recordingWriter(outDir, files);
  write('summary.json', stableJson(summary));
  write('trades.csv', tradesCsv(account.trades));
  write('equity.csv', portfolioEquityCsv(account.equity, run.bySymbol));
  const lead = symbols[0]!;
  const leadTest = tests.get(lead)!;
  const regimeIndex = new Int8Array(leadTest.length).fill(-1);
  let at = 0;
  for (const r of results) {
    const idx = r.regimeIndex[lead]!;
    regimeIndex.set(idx.subarray(0, Math.max(0, Math.min(idx.length, leadTest.length - at))), at);
    at += idx.length;
  }
  const windowRows = summary.windows
    .map(
      (w) =>
        `<tr><td>${w.index}</td><td>${esc(w.trainFrom)} to ${esc(w.trainTo)}</td><td>${esc(w.testFrom)} to ${esc(w.testTo)}</td><td>${w.trades}</td><td class="${w.netPnl >= 0 ? 'pos' : 'neg'}">${w.netPnl.toFixed(2)}</td>${symbols.map((s) => `<td>${w.bySymbol[s]!.netPnl.toFixed(2)}</td>`).join('')}<td>${w.maxDrawdown.toFixed(2)}</td><td>${esc(w.breach ?? '')}</td></tr>`,
    )
    .join('\n');
  const report = buildReportInput({
    title: `txbot walk-forward: ${symbols.join(' + ')} on one account, ${results.length} out-of-sample windows`,
    subtitle: `${dataLabel} | every window trains a fresh HMM per instrument on earlier days only and tests the next unseen days as one portfolio; the stitched result is ONE continuous account; price chart: ${lead}`,
    summary: stitched,
    run: account,
    series: leadTest,
    regimeIndex,
    labels: (results[0]!.modelLabels[lead] ?? []) as RegimeLabel[],
    config,
    instrument: ctx.instrument,
    extraSections: [
      { title: 'The continuous out-of-sample account', html: continuousAccountHtml(summary.account) },
      { title: 'Instruments (continuous account)', html: portfolioSectionHtml(stitched.bySymbol, stitched.dailyPnlCorrelation) },
      {
        title: 'Windows (each from a fresh account)',
        html: `<table class="grid"><tr><th>#</th><th>train</th><th>test</th><th>trades</th><th>net P&amp;L</th>${symbols.map((s) => `<th>${esc(s)}</th>`).join('')}<th>max DD</th><th>breach</th></tr>${windowRows}</table>`,
      },
    ],
  });
  write('report.html', renderReportHtml(report));
  return { summary, files };
}
