// Runs one walk-forward window (train a fresh HMM, backtest the unseen test days); used in worker threads.

import type { BarSeries } from '../domain/bar.ts';
import type { Config } from '../config/schema.ts';
import type { LoadedConfig } from '../config/loader.ts';
import { selectTradingDates } from '../data/tradingDates.ts';
import { RegimeDetector, trainRegimeModel } from '../regime/index.ts';
import { runBacktest } from './runner.ts';
import { computeMetrics, type PerformanceMetrics } from './metrics.ts';
import { createRiskManager, loadMarketContext, startingBalance } from './wiring.ts';
import type { DayRecord, EquityPoint, TradeRecord, BreachRecord } from '../engine/records.ts';
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
export function runWindow(job: WindowJob): WindowResult {
  const loaded: LoadedConfig = { config: job.config, sourcePath: null, baseDir: job.baseDir };
  const w = job.window;
  const train = selectTradingDates(job.series, w.trainFrom, w.trainTo);
  const test = selectTradingDates(job.series, w.testFrom, w.testTo);
  const trained = trainRegimeModel(train, job.config);
  const market = loadMarketContext(loaded);
  const start = startingBalance(loaded);
  const regimeIndex = new Int8Array(test.length).fill(-1);
  const labels = trained.model.labels;
  let bar = 0;
  const run = runBacktest({
    config: job.config,
    instrument: market.instrument,
    regime: new RegimeDetector(trained.model),
    risk: createRiskManager(loaded, [market.instrument]),
    vixTable: market.vixTable,
    calendar: market.calendar,
    sentiment: market.sentiment,
    series: test,
    slippageTicks: job.config.backtest.slippage_ticks,
    idPrefix: `wf${w.index}`,
    onDecision: (d) => {
      if (d.regime) regimeIndex[bar] = labels.indexOf(d.regime);
      bar++;
    },
  });
  return {
    window: w,
    metrics: computeMetrics(run.trades, run.days, run.equity, start),
    trades: run.trades,
    days: run.days,
    equity: run.equity,
    breach: run.breach,
    regimeBars: [...run.regimeBars.entries()],
    trainBars: train.length,
    testBars: test.length,
    modelLabels: [...trained.model.labels],
    modelWarnings: trained.warnings,
    regimeIndex,
  };
}
