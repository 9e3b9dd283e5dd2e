// Stitches walk-forward windows into one out-of-sample record: summary.json (each window, mean and std
// of every metric, stitched metrics, Combine odds), trades.csv, equity.csv and report.html.

import type { BarSeries } from '../domain/bar.ts';
import type { RegimeLabel } from '../domain/regime.ts';
import { selectTradingDates } from '../data/tradingDates.ts';
import { hashBars } from '../regime/index.ts';
import { formatIsoInZone } from '../domain/time.ts';
import { computeMetrics, type PerformanceMetrics } from '../report/metrics.ts';
import { combineForRun, type CombineResult } from '../report/combine.ts';
import { accountFigures, accountRulesOf, buildReportInput, sha256, type BacktestSummary } from '../report/summary.ts';
import { renderReportHtml, esc } from '../report/reportHtml.ts';
import { equityCsv, outputDir, stableJson, tradesCsv } from '../report/outputs.ts';
import { policyInSampleReason, type RunContext } from '../engine/runContext.ts';
import type { WindowResult } from './walkForwardWindow.ts';
import type { DayRecord, EquityPoint, TradeRecord } from '../engine/records.ts';
import type { RunResult } from '../engine/records.ts';

const METRIC_KEYS = ['trades', 'netPnl', 'winRate', 'profitFactor', 'sharpe', 'sortino', 'maxDrawdown', 'expectancy'] as const;
type MetricKey = (typeof METRIC_KEYS)[number];

export interface WalkForwardSummary {
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
  stitched: BacktestSummary;
}

function meanStd(values: (number | null)[]): { mean: number | null; std: number | null; n: number } {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return { mean: r(mean), std: std === null ? null : r(std), n: xs.length };
}

/** Chains the windows: trades and days concatenated, equity offset by the P&L of earlier windows. */
export function stitchWindows(results: readonly WindowResult[]): { trades: TradeRecord[]; days: DayRecord[]; equity: EquityPoint[] } {
  const trades: TradeRecord[] = [];
  const days: DayRecord[] = [];
  const equity: EquityPoint[] = [];
  let carried = 0;
  for (const r of results) {
    trades.push(...r.trades);
    for (const d of r.days) days.push({ ...d, endBalanceUsd: Math.round((d.endBalanceUsd + carried) * 100) / 100 });
    for (const p of r.equity) equity.push({ tsMs: p.tsMs, equityUsd: p.equityUsd + carried });
    carried += r.metrics.netPnl;
  }
  return { trades, days, equity };
}

export interface WalkForwardJobResult {
  summary: WalkForwardSummary;
  files: string[];
}

/** Builds the stitched summary and writes the outputs. */
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
  const st = stitchWindows(results);
  const metrics = computeMetrics(st.trades, st.days, st.equity, start);
  const regimeBars = new Map<string, number>();
  for (const r of results) for (const [k, n] of r.regimeBars) regimeBars.set(k, (regimeBars.get(k) ?? 0) + n);
  const totalRegime = [...regimeBars.values()].reduce((a, b) => a + b, 0) || 1;
  const regimeDistribution: Partial<Record<RegimeLabel, number>> = {};
  for (const [k, n] of [...regimeBars.entries()].sort()) regimeDistribution[k as RegimeLabel] = Math.round((n / totalRegime) * 1e4) / 1e4;
  const combine: CombineResult | null = combineForRun({ days: st.days, trades: st.trades, account: null }, config, ctx.instruments, start);
  const first = results[0]!.window;
  const last = results[results.length - 1]!.window;
  const testSeries = selectTradingDates(series, first.testFrom, last.testTo);
  const iso = (ms: number) => formatIsoInZone('America/New_York', ms);
  const policyReason =
    testSeries.length > 0 ? policyInSampleReason(ctx.policyTraining, testSeries.tsMs[0]!, testSeries.tsMs[testSeries.length - 1]!) : null;
  const stitched: BacktestSummary = {
    bars: results.reduce((a, r) => a + r.testBars, 0),
    instrument: inst.symbol,
    from: testSeries.length ? iso(testSeries.tsMs[0]!) : null,
    to: testSeries.length ? iso(testSeries.tsMs[testSeries.length - 1]!) : null,
    inSample: policyReason !== null,
    inSampleReason: policyReason,
    startingBalance: start,
    endingBalance: Math.round((start + metrics.netPnl) * 100) / 100,
    ...metrics,
    regimeDistribution,
    breach: null,
    ...accountFigures(null, config),
    accountRules: accountRulesOf(config, start, ctx.instruments),
    combine,
    hashes: { config: sha256(JSON.stringify(config)), data: hashBars(series), model: 'retrained per window' },
  };
  const summary: WalkForwardSummary = {
    windows: results.map((r) => ({
      index: r.window.index,
      trainFrom: r.window.trainFrom,
      trainTo: r.window.trainTo,
      testFrom: r.window.testFrom,
      testTo: r.window.testTo,
      trainBars: r.trainBars,
      testBars: r.testBars,
      breach: r.breach ? `${r.breach.rule} at ${iso(r.breach.tsMs)}` : null,
      ...Object.fromEntries(METRIC_KEYS.map((k) => [k, r.metrics[k]])),
    })) as WalkForwardSummary['windows'],
    acrossWindows: Object.fromEntries(METRIC_KEYS.map((k) => [k, meanStd(results.map((r) => r.metrics[k]))])) as WalkForwardSummary['acrossWindows'],
    stitched,
  };
  const out = outputDir(outDir);
  const files: string[] = [];
  const write = (name: string, text: string) => {
    out.write(name, text);
    files.push(out.path(name));
  };
  write('summary.json', stableJson(summary));
  write('trades.csv', tradesCsv(st.trades));
  write('equity.csv', equityCsv(st.equity));
  const labels = results[0]!.modelLabels as RegimeLabel[];
  const regimeIndex = new Int8Array(testSeries.length).fill(-1);
  let at = 0;
  for (const r of results) {
    regimeIndex.set(r.regimeIndex.subarray(0, Math.max(0, Math.min(r.regimeIndex.length, testSeries.length - at))), at);
    at += r.regimeIndex.length;
  }
  const run: RunResult = {
    trades: st.trades,
    days: st.days,
    equity: st.equity,
    breach: null,
    regimeBars,
    barsProcessed: stitched.bars,
    riskEvents: [],
    account: null,
  };
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
    subtitle: `${dataLabel} | every window trains a fresh HMM on earlier days only and tests on the next unseen days; each window starts from a fresh account`,
    summary: stitched,
    run,
    series: testSeries,
    regimeIndex,
    labels,
    config,
    instrument: inst,
    extraSections: [
      { title: 'Across windows (mean, standard deviation)', html: `<table><tr><th>metric</th><th>mean</th><th>std</th></tr>${agg}</table>` },
      {
        title: 'Windows',
        html: `<table class="grid"><tr><th>#</th><th>train</th><th>test</th><th>trades</th><th>net P&amp;L</th><th>win rate</th><th>sharpe</th><th>max DD</th><th>breach</th></tr>${windowRows}</table>`,
      },
    ],
  });
  write('report.html', renderReportHtml(report));
  return { summary, files };
}
