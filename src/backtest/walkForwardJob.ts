// Writes a walk-forward's outputs: summary.json (the continuous out-of-sample account, each window from a fresh
// account, mean and std of every metric across windows, the account's full summary with Combine odds), trades.csv,
// equity.csv and report.html of the continuous account.

import { formatIsoInZone, type BarSeries, type RegimeLabel } from '../domain/index.ts';
import { selectTradingDates } from '../data/index.ts';
import { hashBars } from '../regime/index.ts';
import {
  buildReportInput,
  buildSummary,
  sha256,
  renderReportHtml,
  esc,
  equityCsv,
  stableJson,
  tradesCsv,
  type PerformanceMetrics,
  type BacktestSummary,
} from '../report/index.ts';
import { policyInSampleReason, type RunContext, type StallRecord } from '../engine/index.ts';
import type { WindowResult } from './walkForwardWindow.ts';
import { runContinuousAccount } from './walkForwardAccount.ts';
import { recordingWriter } from './outputFiles.ts';

export const METRIC_KEYS = ['trades', 'netPnl', 'winRate', 'profitFactor', 'sharpe', 'sortino', 'maxDrawdown', 'expectancy'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface WalkForwardSummary {
  /** The one continuous out-of-sample account. */
  account: WalkForwardAccount;
  /** Each window backtested from a fresh account. */
  windows: ({
    index: number;
    trainFrom: string;
    trainTo: string;
    testFrom: string;
    testTo: string;
    trainBars: number;
    testBars: number;
    breach: string | null;
  } & Pick<PerformanceMetrics, MetricKey>)[];
  /** Mean and sample standard deviation of each metric across windows (null values skipped). */
  acrossWindows: Record<MetricKey, { mean: number | null; std: number | null; n: number }>;
  /** The continuous account's full summary (its trades are trades.csv, its equity equity.csv). */
  stitched: BacktestSummary;
}

export function meanStd(values: (number | null)[]): { mean: number | null; std: number | null; n: number } {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return { mean: r(mean), std: std === null ? null : r(std), n: xs.length };
}

/** A window's row of summary.json `windows` before its metrics: its dates, bar counts and breach (ET time). */
export function windowFields<B>(r: {
  readonly window: WindowResult['window'];
  readonly trainBars: B;
  readonly testBars: B;
  readonly breach: WindowResult['breach'];
}) {
  const w = r.window;
  return {
    index: w.index,
    trainFrom: w.trainFrom,
    trainTo: w.trainTo,
    testFrom: w.testFrom,
    testTo: w.testTo,
    trainBars: r.trainBars,
    testBars: r.testBars,
    breach: r.breach ? `${r.breach.rule} at ${formatIsoInZone('America/New_York', r.breach.tsMs)}` : null,
  };
}

/** The metrics of a window's row (after its other fields, as summary.json lists them). */
export function windowMetrics(m: PerformanceMetrics): Pick<PerformanceMetrics, MetricKey> {
  return Object.fromEntries(METRIC_KEYS.map((k) => [k, m[k]])) as Pick<PerformanceMetrics, MetricKey>;
}

/** The continuous out-of-sample account of a walk-forward (summary.json `account`). */
export interface WalkForwardAccount {
  netPnl: number;
  endingBalance: number;
  maxDrawdown: number;
  /** First halt of the account ("RULE at time"), null when none. */
  breach: string | null;
  stall: StallRecord | null;
  minRoomToFloorUsd: number | null;
  stalledDays: number;
  daysUnderWarningRoom: number;
  /** How the account was built. */
  method: string;
}

export const CONTINUOUS_ACCOUNT_METHOD =
  "every window's test days re-run in order on one account (balance, trailing MLL, breach and daily limits carried across windows), each with its window's model; per-window figures start each window from a fresh account";

/** The `account` figures of a continuous account's full summary. */
export function continuousAccountOf(stitched: BacktestSummary, method: string): WalkForwardAccount {
  return {
    netPnl: stitched.netPnl,
    endingBalance: stitched.endingBalance,
    maxDrawdown: stitched.maxDrawdown,
    breach: stitched.breach ? `${stitched.breach.rule} at ${stitched.breach.time}` : null,
    stall: stitched.stall,
    minRoomToFloorUsd: stitched.minRoomToFloorUsd,
    stalledDays: stitched.stalledDays,
    daysUnderWarningRoom: stitched.daysUnderWarningRoom,
    method,
  };
}

/** The continuous account as an HTML table with its method (walk-forward and optimize reports). */
export function continuousAccountHtml(account: WalkForwardAccount): string {
  return `<table><tr><th>net P&amp;L</th><td>${account.netPnl.toFixed(2)}</td></tr><tr><th>max drawdown</th><td>${account.maxDrawdown.toFixed(2)}</td></tr><tr><th>breach</th><td>${esc(account.breach ?? 'none')}</td></tr><tr><th>stall</th><td>${esc(account.stall ? `${account.stall.date}: ${account.stall.reason}` : 'none')}</td></tr><tr><th>min room to the MLL floor</th><td>${account.minRoomToFloorUsd ?? 'n/a'}</td></tr></table><p class="note">${esc(account.method)}.</p>`;
}

export interface WalkForwardJobResult {
  summary: WalkForwardSummary;
  files: string[];
}

/**
 * Builds the summary (the continuous account, stitched metrics of that account, each window from a fresh account
 * and mean/std across windows) and writes the outputs; trades.csv, equity.csv and the report are the continuous account's.
 */
export function writeWalkForward(
  ctx: RunContext,
  series: BarSeries,
  results: readonly WindowResult[],
  outDir: string,
  dataLabel: string,
): WalkForwardJobResult {
  const config = ctx.config;
  const inst = ctx.instrument;
  const start = ctx.startingBalanceUsd;
  const run = runContinuousAccount(ctx, series, results);
  const first = results[0]!.window;
  const last = results[results.length - 1]!.window;
  const testSeries = selectTradingDates(series, first.testFrom, last.testTo);
  const stitched: BacktestSummary = {
    ...buildSummary({
      run,
      config,
      instrument: inst,
      instruments: ctx.instruments,
      startingBalanceUsd: start,
      // Each window's model is trained before its test days; an RL policy may still overlap them.
      inSampleReason: testSeries.length
        ? policyInSampleReason(ctx.policyTraining, testSeries.tsMs[0]!, testSeries.tsMs[testSeries.length - 1]!)
        : null,
      hashes: { config: sha256(JSON.stringify(config)), data: hashBars(series), model: 'retrained per window' },
      firstMs: testSeries.length ? testSeries.tsMs[0]! : null,
      lastMs: testSeries.length ? testSeries.tsMs[testSeries.length - 1]! : null,
    }),
    bars: results.reduce((a, r) => a + r.testBars, 0),
  };
  const account = continuousAccountOf(stitched, CONTINUOUS_ACCOUNT_METHOD);
  const summary: WalkForwardSummary = {
    account,
    windows: results.map((r) => ({
      ...windowFields(r),
      ...windowMetrics(r.metrics),
    })) as WalkForwardSummary['windows'],
    acrossWindows: Object.fromEntries(METRIC_KEYS.map((k) => [k, meanStd(results.map((r) => r.metrics[k]))])) as WalkForwardSummary['acrossWindows'],
    stitched,
  };
  const files: string[] = [];
  const { write } = recordingWriter(outDir, files);
  write('summary.json', stableJson(summary));
  write('trades.csv', tradesCsv(run.trades));
  write('equity.csv', equityCsv(run.equity));
  const labels = results[0]!.modelLabels as RegimeLabel[];
  const regimeIndex = new Int8Array(testSeries.length).fill(-1);
  let at = 0;
  for (const r of results) {
    regimeIndex.set(r.regimeIndex.subarray(0, Math.max(0, Math.min(r.regimeIndex.length, testSeries.length - at))), at);
    at += r.regimeIndex.length;
  }
  const windowRows = summary.windows
    .map(
      (w) =>
        `<tr><td>${w.index}</td><td>${esc(w.trainFrom)} to ${esc(w.trainTo)}</td><td>${esc(w.testFrom)} to ${esc(w.testTo)}</td><td>${w.trades}</td><td class="${w.netPnl >= 0 ? 'pos' : 'neg'}">${w.netPnl.toFixed(2)}</td><td>${w.winRate === null ? 'n/a' : (w.winRate * 100).toFixed(1) + '%'}</td><td>${w.sharpe ?? 'n/a'}</td><td>${w.maxDrawdown.toFixed(2)}</td><td>${esc(w.breach ?? '')}</td></tr>`,
    )
    .join('\n');
  const agg = METRIC_KEYS.map(
    (k) => `<tr><th>${k}</th><td>${summary.acrossWindows[k].mean ?? 'n/a'}</td><td>${summary.acrossWindows[k].std ?? 'n/a'}</td></tr>`,
  ).join('');
  const report = buildReportInput({
    title: `txbot walk-forward: ${inst.symbol}, ${results.length} out-of-sample windows`,
    subtitle: `${dataLabel} | every window trains a fresh HMM on earlier days only and tests on the next unseen days; the stitched result is ONE continuous account (risk state carried across windows); the per-window table starts each window from a fresh account`,
    summary: stitched,
    run,
    series: testSeries,
    regimeIndex,
    labels,
    config,
    instrument: inst,
    extraSections: [
      {
        title: 'The continuous out-of-sample account',
        html: continuousAccountHtml(account),
      },
      { title: 'Across windows (mean, standard deviation)', html: `<table><tr><th>metric</th><th>mean</th><th>std</th></tr>${agg}</table>` },
      {
        title: 'Windows (each from a fresh account)',
        html: `<table class="grid"><tr><th>#</th><th>train</th><th>test</th><th>trades</th><th>net P&amp;L</th><th>win rate</th><th>sharpe</th><th>max DD</th><th>breach</th></tr>${windowRows}</table>`,
      },
    ],
  });
  write('report.html', renderReportHtml(report));
  return { summary, files };
}
