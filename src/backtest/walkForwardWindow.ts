// Runs one walk-forward window (train a fresh HMM, backtest the unseen test days from a fresh account), or a chain of
// windows warm-started from each other; used in worker threads. testWindow re-runs a window's test days with a given
// model on a given (carried) account.

import type { BarSeries } from '../domain/index.ts';
import type { Config } from '../config/index.ts';
import { selectTradingDates } from '../data/index.ts';
import type { RunContext, BreachRecord, DayRecord, EquityPoint, RunResult, TradeRecord } from '../engine/index.ts';
import { regimeModelToJson, trainRegimeModel, type RegimeModel } from '../regime/index.ts';
import type { RiskManager } from '../strategy/index.ts';
import { computeMetrics, RegimeIndexRecorder, type PerformanceMetrics } from '../report/index.ts';
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
  /** The window's trained model (model JSON), to re-run its test days on the continuous account. */
  readonly modelJson: string;
}

/** Backtests the window's test days with `model` on the account `risk` (fresh, or carried from earlier windows). */
export function testWindow(ctx: RunContext, job: WindowJob, model: RegimeModel, risk: RiskManager, onRegime?: RegimeIndexRecorder): RunResult {
  const w = job.window;
  const test = selectTradingDates(job.series, w.testFrom, w.testTo);
  const regime = ctx.regimeSource(model, job.series, { kind: 'fixed' });
  return runBacktest({
    ...ctx.engineOptions({ regime: regime.source, risk, idPrefix: `wf${w.index}` }),
    series: test,
    slippageTicks: job.config.backtest.slippage_ticks,
    onDecision: onRegime ? (d) => onRegime.record(d, model.labels) : undefined,
  });
}

/** Trains on the window's train dates only, then backtests its test dates from a fresh account. */
export function runWindow(ctx: RunContext, job: WindowJob): WindowResult {
  return trainAndTest(ctx, job, undefined).result;
}

/**
 * Runs consecutive windows in order, each window after the first starting EM from the previous window's model
 * (`walk_forward.warm_start_every`); the first trains fresh as runWindow does.
 */
export function runWindowChain(ctx: RunContext, jobs: readonly WindowJob[]): WindowResult[] {
  const out: WindowResult[] = [];
  let prev: RegimeModel | undefined;
  for (const job of jobs) {
    const { result, model } = trainAndTest(ctx, job, prev);
    out.push(result);
    prev = model;
  }
  return out;
}

function trainAndTest(ctx: RunContext, job: WindowJob, warmStart: RegimeModel | undefined): { result: WindowResult; model: RegimeModel } {
  const w = job.window;
  const train = selectTradingDates(job.series, w.trainFrom, w.trainTo);
  const test = selectTradingDates(job.series, w.testFrom, w.testTo);
  const trained = trainRegimeModel(train, job.config, warmStart ? { warmStart } : {});
  const regimeIndex = new RegimeIndexRecorder(test.length);
  const run = testWindow(ctx, job, trained.model, ctx.createRisk(), regimeIndex);
  const result: WindowResult = {
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
    modelJson: regimeModelToJson(trained.model),
  };
  return { result, model: trained.model };
}
