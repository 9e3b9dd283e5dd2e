// Assembles summary.json and the report input from a finished backtest run.

import { labelQualityHtml, labelQualityOfRun } from './labelQualitySection.ts';
import { createHash } from 'node:crypto';
import type { BarSeries } from '../domain/bar.ts';
import type { RegimeLabel } from '../domain/regime.ts';
import { formatIsoInZone } from '../domain/time.ts';
import type { Config } from '../config/schema.ts';
import type { Instrument } from '../domain/instrument.ts';
import { computeMetrics, monthlyPnl, type PerformanceMetrics } from './metrics.ts';
import { simulateCombine, type CombineResult } from './combine.ts';
import type { RunResult } from '../engine/records.ts';
import type { ReportInput } from './reportHtml.ts';
import { downsampleEquity, downsamplePrice, tradeMarkers } from './reportData.ts';
import type { BreachRecord } from '../engine/records.ts';

export interface BacktestSummary extends PerformanceMetrics {
  bars: number;
  instrument: string;
  from: string | null;
  to: string | null;
  inSample: boolean;
  startingBalance: number;
  endingBalance: number;
  regimeDistribution: Partial<Record<RegimeLabel, number>>;
  breach: { rule: string; time: string; detail: string } | null;
  combine: CombineResult | null;
  hashes: { config: string; data: string; model: string };
}

/** sha256 hex of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const iso = (ms: number) => formatIsoInZone('America/New_York', ms);

/** Builds summary.json content. */
export function buildSummary(args: {
  run: RunResult;
  config: Config;
  instrument: Instrument;
  startingBalanceUsd: number;
  inSample: boolean;
  hashes: { config: string; data: string; model: string };
  firstMs: number | null;
  lastMs: number | null;
}): BacktestSummary {
  const { run, config } = args;
  const metrics = computeMetrics(run.trades, run.days, run.equity, args.startingBalanceUsd);
  const totalRegimeBars = [...run.regimeBars.values()].reduce((a, b) => a + b, 0);
  const regimeDistribution: Partial<Record<RegimeLabel, number>> = {};
  for (const [label, n] of [...run.regimeBars.entries()].sort())
    regimeDistribution[label as RegimeLabel] = Math.round((n / totalRegimeBars) * 1e4) / 1e4;
  const combine = run.days.length
    ? simulateCombine(
        run.days,
        {
          startingBalanceUsd: args.startingBalanceUsd,
          profitTargetUsd: config.risk.profit_target,
          maxLossLimitUsd: config.risk.max_loss_limit,
          maxDays: config.combine.max_days,
        },
        config.combine.simulations,
        config.combine.seed,
      )
    : null;
  const breach: BreachRecord | null = run.breach;
  return {
    bars: run.barsProcessed,
    instrument: args.instrument.symbol,
    from: args.firstMs === null ? null : iso(args.firstMs),
    to: args.lastMs === null ? null : iso(args.lastMs),
    inSample: args.inSample,
    startingBalance: args.startingBalanceUsd,
    endingBalance: Math.round((args.startingBalanceUsd + metrics.netPnl) * 100) / 100,
    ...metrics,
    regimeDistribution,
    breach: breach ? { rule: breach.rule, time: iso(breach.tsMs), detail: breach.detail } : null,
    combine,
    hashes: args.hashes,
  };
}

const money = (x: number | null) => (x === null ? 'n/a' : `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`);
const ratio = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits));

/** Fill rules and costs as written in the report. */
export function assumptionLines(config: Config, inst: Instrument): string[] {
  return [
    `Instrument ${inst.symbol}: tick ${inst.tickSize} = $${inst.tickValueUsd}; commission + fees $${inst.commissionPerSideUsd.toFixed(2)} per contract per side ($${(2 * inst.commissionPerSideUsd).toFixed(2)} round trip).`,
    `Slippage: ${config.backtest.slippage_ticks} tick(s) against us on market entries, stop fills and forced exits; targets (limits) fill at their price only when traded through.`,
    'Decisions at bar close; market entries fill at the next bar open; limit entries fill only when the price trades through them.',
    'Inside a bar the path is open-high-low-close, or open-low-high-close when the open is nearer the low; a bar reaching both stop and target counts the stop; a gap through a stop fills at the open.',
    `Flat by the session end (RTH end when rth_only, and never after ${config.session.flat_time} ${config.session.flat_timezone}); MLL and daily-limit breaches liquidate at the breaching point of the bar path.`,
  ];
}

/** Builds the HTML report input for a backtest. */
export function buildReportInput(args: {
  title: string;
  subtitle: string;
  summary: BacktestSummary;
  run: RunResult;
  series: BarSeries;
  regimeIndex: Int8Array;
  labels: readonly RegimeLabel[];
  config: Config;
  instrument: Instrument;
  extraWarnings?: string[];
  extraSections?: ReportInput['extraSections'];
}): ReportInput {
  const s = args.summary;
  const warnings = [...(args.extraWarnings ?? [])];
  if (s.inSample)
    warnings.unshift(
      'IN-SAMPLE: the HMM was trained on the same bars it is tested on (--train). These results look better than the strategy can be expected to do on unseen data; use walk-forward for out-of-sample figures.',
    );
  if (s.breach) warnings.push(`Trading halted by ${s.breach.rule} at ${s.breach.time}: ${s.breach.detail}`);
  const price = downsamplePrice(args.series, args.regimeIndex, args.labels.length);
  const quality = labelQualityHtml(labelQualityOfRun(args.series, args.regimeIndex, args.labels));
  return {
    title: args.title,
    subtitle: args.subtitle,
    warnings,
    summaryRows: [
      ['Period', `${s.from ?? '-'} to ${s.to ?? '-'}`],
      ['Bars / trading days', `${s.bars} / ${s.days}`],
      ['Trades', String(s.trades)],
      ['Net P&L', money(s.netPnl)],
      ['Gross P&L / commissions', `${money(s.grossPnl)} / ${money(s.commissions)}`],
      ['Win rate', s.winRate === null ? 'n/a' : `${(s.winRate * 100).toFixed(1)}%`],
      ['Profit factor', ratio(s.profitFactor)],
      ['Expectancy per trade', money(s.expectancy)],
      ['Sharpe / Sortino (daily, annualized)', `${ratio(s.sharpe)} / ${ratio(s.sortino)}`],
      ['Max drawdown', money(s.maxDrawdown)],
      ['Balance start / end', `${money(s.startingBalance)} / ${money(s.endingBalance)}`],
      ['Rule breach', s.breach ? `${s.breach.rule} at ${s.breach.time}` : 'none'],
    ],
    regimeRows: args.labels.map((label) => ({
      label,
      barShare: s.regimeDistribution[label] ?? 0,
      trades: s.pnlByRegime[label]?.trades ?? 0,
      netPnl: s.pnlByRegime[label]?.netPnl ?? 0,
      winRate: s.pnlByRegime[label]?.winRate ?? null,
    })),
    monthly: monthlyPnl(args.run.days),
    assumptions: assumptionLines(args.config, args.instrument),
    combine: s.combine,
    extraSections: [...(args.extraSections ?? []), { title: 'Regime label quality', html: quality }],
    labels: args.labels,
    price,
    equity: downsampleEquity(args.run.equity),
    markers: tradeMarkers(
      args.run.trades,
      price.map((p) => p.time),
    ),
  };
}
