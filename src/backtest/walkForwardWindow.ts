// Runs one walk-forward window (train a fresh HMM, backtest the unseen test days); used in worker threads.

import type { BarSeries } from '../domain/bar.ts';
import type { Config } from '../config/schema.ts';
import { selectTradingDates } from '../data/tradingDates.ts';
import type { RunContext } from '../engine/runContext.ts';
import { trainRegimeModel } from '../regime/index.ts';
import { computeMetrics, type PerformanceMetrics } from '../report/metrics.ts';
import { RegimeIndexRecorder } from '../report/regimeIndex.ts';
import type { BreachRecord, DayRecord, EquityPoint, TradeRecord } from '../engine/records.ts';
import { runBacktest } from './runner.ts';
import type { WalkForwardWindow } from './walkForwardPlan.ts';

export interface WindowJob {
  readonly window: WalkForwardWindow;
  readonly config: Config;
  readonly baseDir: string;
  /** Bars covering at least the window's train and test dates. */
  readonly series: BarSeries;
}

export interface WindowResult {
  readonly window: WalkForwardWindow;
  readonly metrics: PerformanceMetrics;
  readonly trades: TradeRecord[];
  readonly days: DayRecord[];
  readonly equity: EquityPoint[];
  readonly breach: BreachRecord | null;
  readonly regimeBars: [string, number][];
  readonly trainBars: number;
  readonly testBars: number;
  readonly modelLabels: string[];
  readonly modelWarnings: string[];
  /** Regime label index per test bar (-1 = none), labels in `modelLabels` order. */
  readonly regimeIndex: Int8Array;
}

/** Trains on the window's train dates only, then backtests its test dates from a fresh account. */
export function runWindow(ctx: RunContext, job: WindowJob): WindowResult {
  const w = job.window;
  const train = selectTradingDates(job.series, w.trainFrom, w.trainTo);
  const test = selectTradingDates(job.series, w.testFrom, w.testTo);
  const trained = trainRegimeModel(train, job.config);
  const regime = ctx.regimeSource(trained.model, job.series, { kind: 'fixed' });
  const regimeIndex = new RegimeIndexRecorder(test.length);
  const run = runBacktest({
    ...ctx.engineOptions({ regime: regime.source, risk: ctx.createRisk(), idPrefix: `wf${w.index}` }),
    series: test,
    slippageTicks: job.config.backtest.slippage_ticks,
    onDecision: (d) => regimeIndex.record(d, trained.model.labels),
  });
  return {
    window: w,
    metrics: computeMetrics(run.trades, run.days, run.equity, ctx.startingBalanceUsd),
    trades: run.trades,
    days: run.days,
    equity: run.equity,
    breach: run.breach,
    regimeBars: [...run.regimeBars.entries()],
    trainBars: train.length,
    testBars: test.length,
    modelLabels: [...trained.model.labels],
    modelWarnings: trained.warnings,
    regimeIndex: regimeIndex.index,
  };
}
