// Assembles summary.json and the report input from a finished backtest run.

import { labelQualityHtml, labelQualityOfRun } from './labelQualitySection.ts';
import { createHash } from 'node:crypto';
import { formatIsoInZone, type BarSeries, type RegimeLabel, type Instrument } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import { computeMetrics, monthlyPnl, type PerformanceMetrics } from './metrics.ts';
import { combineForRun, type CombineResult } from './combine.ts';
import { accountRulesOf, type AccountRules } from './accountRules.ts';
import { type RunResult, type AccountRecord, type BreachRecord, type StallRecord } from '../engine/index.ts';
import type { ReportInput } from './reportHtml.ts';
import type { LabelQuality } from '../regime/index.ts';
import { downsampleEquity, downsamplePrice, tradeMarkers } from './reportData.ts';

export interface BacktestSummary extends PerformanceMetrics {
  bars: number;
  instrument: string;
  from: string | null;
  to: string | null;
  /** The model's (or policy's) training range overlaps the tested bars, or the model was trained on them. */
  inSample: boolean;
  /** Why the run is in-sample (null when out of sample). */
  inSampleReason: string | null;
  startingBalance: number;
  endingBalance: number;
  regimeDistribution: Partial<Record<RegimeLabel, number>>;
  breach: { rule: string; time: string; detail: string } | null;
  /** The account could no longer trade from this date on (MLL breach, or too little room for one contract's stop); null: it could. */
  stall: StallRecord | null;
  /** Lowest room between the intraday equity and the MLL floor over the run (USD); null without a trading day. */
  minRoomToFloorUsd: number | null;
  /** Trading days after the stall (counted in `days`, but the account could not trade on them). */
  stalledDays: number;
  /** Days whose lowest equity came within `roomWarningUsd` of the MLL floor (report.room_warning_usd). */
  daysUnderWarningRoom: number;
  roomWarningUsd: number;
  /** The account the run traded (read back by `txbot combine --from`). */
  accountRules: AccountRules;
  combine: CombineResult | null;
  hashes: { config: string; data: string; model: string };
}

export { accountRulesOf, type AccountRules };

/** The summary's account fields from a run's account record (a run recorded without one: nothing known). */
export function accountFigures(
  a: AccountRecord | null,
  config: Config,
): Pick<BacktestSummary, 'stall' | 'minRoomToFloorUsd' | 'stalledDays' | 'daysUnderWarningRoom' | 'roomWarningUsd'> {
  return {
    stall: a?.stall ?? null,
    minRoomToFloorUsd: a?.minRoomToFloorUsd ?? null,
    stalledDays: a?.stalledDays ?? 0,
    daysUnderWarningRoom: a?.daysUnderWarningRoom ?? 0,
    roomWarningUsd: a?.warningRoomUsd ?? config.report.room_warning_usd,
  };
}

/** One line on the account's state: stalled (when, why, room) or still tradable, with the lowest room to the floor. */
export function accountStateLine(
  s: Pick<BacktestSummary, 'stall' | 'minRoomToFloorUsd' | 'stalledDays' | 'daysUnderWarningRoom' | 'roomWarningUsd'>,
): string {
  const room = `min room to MLL floor ${money(s.minRoomToFloorUsd)}, ${s.daysUnderWarningRoom} day(s) under $${s.roomWarningUsd} of room`;
  if (!s.stall) return `account tradable to the end; ${room}`;
  return `ACCOUNT STALLED on ${s.stall.date} (room ${money(s.stall.roomUsd)}): ${s.stall.reason}; ${s.stalledDays} stalled day(s) after it; ${room}`;
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
  /** Why the run is in-sample (regime/inSample.ts), null when out of sample. */
  inSampleReason: string | null;
  hashes: { config: string; data: string; model: string };
  firstMs: number | null;
  lastMs: number | null;
  /** Every instrument traded (default: `instrument`), for the stop-out money per contract. */
  instruments?: readonly Instrument[];
}): BacktestSummary {
  const { run, config } = args;
  const metrics = computeMetrics(run.trades, run.days, run.equity, args.startingBalanceUsd);
  const totalRegimeBars = [...run.regimeBars.values()].reduce((a, b) => a + b, 0);
  const regimeDistribution: Partial<Record<RegimeLabel, number>> = {};
  for (const [label, n] of [...run.regimeBars.entries()].sort())
    regimeDistribution[label as RegimeLabel] = Math.round((n / totalRegimeBars) * 1e4) / 1e4;
  const instruments = args.instruments ?? [args.instrument];
  const combine = combineForRun(run, config, instruments, args.startingBalanceUsd);
  const breach: BreachRecord | null = run.breach;
  return {
    bars: run.barsProcessed,
    instrument: args.instrument.symbol,
    from: args.firstMs === null ? null : iso(args.firstMs),
    to: args.lastMs === null ? null : iso(args.lastMs),
    inSample: args.inSampleReason !== null,
    inSampleReason: args.inSampleReason,
    startingBalance: args.startingBalanceUsd,
    endingBalance: Math.round((args.startingBalanceUsd + metrics.netPnl) * 100) / 100,
    ...metrics,
    regimeDistribution,
    breach: breach ? { rule: breach.rule, time: iso(breach.tsMs), detail: breach.detail } : null,
    ...accountFigures(run.account, config),
    accountRules: accountRulesOf(config, args.startingBalanceUsd, instruments),
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
  /** The run's label quality when the caller already has it (else computed here from series and regimeIndex). */
  labelQuality?: LabelQuality;
}): ReportInput {
  const s = args.summary;
  const warnings = [...(args.extraWarnings ?? [])];
  if (s.inSample)
    warnings.unshift(
      `IN-SAMPLE: ${s.inSampleReason ?? 'the model saw these bars in training'}. These results look better than the strategy can be expected to do on unseen data; use walk-forward for out-of-sample figures.`,
    );
  if (s.breach) warnings.push(`Trading halted by ${s.breach.rule} at ${s.breach.time}: ${s.breach.detail}`);
  if (s.stall)
    warnings.unshift(
      `ACCOUNT STALLED on ${s.stall.date}: ${s.stall.reason}. The ${s.stalledDays} trading day(s) after it are idle, not evidence of safety; a real account would stop here.`,
    );
  const price = downsamplePrice(args.series, args.regimeIndex, args.labels.length);
  const quality = labelQualityHtml(args.labelQuality ?? labelQualityOfRun(args.series, args.regimeIndex, args.labels));
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
      ['Rule breach (first halt)', s.breach ? `${s.breach.rule} at ${s.breach.time}` : 'none'],
      ['Account state', s.stall ? `STALLED on ${s.stall.date} (room ${money(s.stall.roomUsd)}): ${s.stall.reason}` : 'tradable to the end'],
      ['Stalled days (idle after the stall)', `${s.stalledDays} of ${s.days}`],
      ['Min room to the MLL floor', money(s.minRoomToFloorUsd)],
      [`Days under $${s.roomWarningUsd} of room`, String(s.daysUnderWarningRoom)],
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
