// The trial of walk-forward optimization (`txbot optimize`): apply a parameter set to the base config,
// train the window's HMM on its training days (shared by every trial with the same regime settings),
// backtest the requested segment (training days while searching, the unseen test days once chosen) and
// report its metrics. Runs in worker threads and BullMQ sandboxes: loaded by path (codeModuleUrl).

import type { Config } from '../config/index.ts';
import { loadBars, readRollTable, rollTableOf, selectTradingDates } from '../data/index.ts';
import { codeModuleUrl, sessionInfo, type BarSeries } from '../domain/index.ts';
import type { DayRecord, EquityPoint } from '../engine/index.ts';
import { runBacktest } from '../backtest/index.ts';
import { applyParams, type JsonValue, type TrialContext, type TrialInput, type TrialModuleRef, type TrialResult } from '../optimize/index.ts';
import { RegimeDetector, trainRegimeModel, type RegimeModel } from '../regime/index.ts';
import { withMinDwell } from '../regime/index.ts';
import { computeMetrics, combineForRun } from '../report/index.ts';
import { mllFloor } from '../strategy/index.ts';
import { buildRunContext } from './runContext.ts';

/** The sweep-wide context every trial gets: the base config, its folder, the windows and the instrument. */
export interface OptimizeTrialContext {
  readonly config: Config;
  readonly baseDir: string;
  readonly symbol: string;
  readonly windows: readonly { readonly trainFrom: string; readonly trainTo: string; readonly testFrom: string; readonly testTo: string }[];
}

/** The local data a worker holds for a sweep (its `datasets` entry). */
export interface OptimizeData {
  readonly file: string;
  readonly timezone: string;
  readonly policy: 'strict' | 'repair';
  readonly barMinutes: number;
  /** Roll table that back-adjusts the bars (data.rolls / --rolls), absent for prices as in the file. */
  readonly rollsFile?: string;
}

/** Where the trial lives, for the backends. */
export const BACKTEST_TRIAL: TrialModuleRef = { module: codeModuleUrl('app/optimizeTrial'), exportName: 'backtestTrial' };

// Per process (a worker thread or sandbox runs many trials of one sweep).
const barsByFile = new Map<string, Promise<BarSeries>>();
const models = new Map<string, RegimeModel>();

async function barsOf(d: OptimizeData): Promise<BarSeries> {
  const key = JSON.stringify(d);
  let p = barsByFile.get(key);
  if (!p) {
    const rolls = d.rollsFile === undefined ? null : rollTableOf(readRollTable(d.rollsFile), d.rollsFile);
    p = loadBars(d.file, { timezone: d.timezone, policy: d.policy, barMinutes: d.barMinutes, rolls }).then((r) => r.series);
    barsByFile.set(key, p);
  }
  return p;
}

/** Smallest equity minus the trailing MLL floor of its day (the floor trails the highest end-of-day balance). */
export function minRoomToFloorUsd(days: readonly DayRecord[], equity: readonly EquityPoint[], config: Config, startUsd: number): number | null {
  if (!equity.length) return null;
  const endOf = new Map(days.map((d) => [d.tradingDate, d.endBalanceUsd]));
  let highest = startUsd;
  let date: string | null = null;
  let floor = mllFloor(config.risk.account_size, config.risk.max_loss_limit, highest);
  let room = Number.POSITIVE_INFINITY;
  for (const p of equity) {
    const d = sessionInfo(p.tsMs - 1).tradingDate;
    if (d !== date) {
      if (date !== null) highest = Math.max(highest, endOf.get(date) ?? highest);
      floor = mllFloor(config.risk.account_size, config.risk.max_loss_limit, highest);
      date = d;
    }
    room = Math.min(room, p.equityUsd - floor);
  }
  return Math.round(room * 100) / 100;
}

/** Runs one trial (see the file header). */
export async function backtestTrial(trial: TrialInput, ctx: TrialContext): Promise<TrialResult> {
  const c = ctx.context as unknown as OptimizeTrialContext;
  const data = ctx.data as unknown as OptimizeData;
  const w = c.windows[trial.windowIndex];
  if (!w) throw new Error(`trial window ${trial.windowIndex} is not in the plan (${c.windows.length} windows)`);
  const config = applyParams(c.config, trial.params);
  const series = await barsOf(data);
  const modelKey = `${trial.windowIndex}|${JSON.stringify({ hmm: config.hmm, session: config.session, vwap: config.vwap, labels: config.state_labels })}`;
  let model = models.get(modelKey);
  if (!model) {
    model = trainRegimeModel(selectTradingDates(series, w.trainFrom, w.trainTo), config).model;
    models.set(modelKey, model);
  }
  const run = buildRunContext({ config, sourcePath: null, baseDir: c.baseDir }, 'walkforward', { symbol: c.symbol });
  const segment = trial.segment === 'train' ? selectTradingDates(series, w.trainFrom, w.trainTo) : selectTradingDates(series, w.testFrom, w.testTo);
  const r = runBacktest({
    ...run.engineOptions({
      regime: withMinDwell(new RegimeDetector(model), config.hmm.min_dwell_bars, () => model.labels),
      risk: run.createRisk(),
      idPrefix: `opt${trial.windowIndex}`,
    }),
    series: segment,
    slippageTicks: config.backtest.slippage_ticks,
  });
  const start = run.startingBalanceUsd;
  const m = computeMetrics(r.trades, r.days, r.equity, start);
  const combine = combineForRun(r, config, run.instruments, start, config.combine.seed + trial.seed)?.passProbability ?? null;
  return {
    metrics: {
      netPnl: m.netPnl,
      sharpe: m.sharpe,
      maxDrawdown: m.maxDrawdown,
      minRoomToFloorUsd: minRoomToFloorUsd(r.days, r.equity, config, start),
      combinePassProbability: combine,
      trades: m.trades,
      dailyReturns: r.days.map((d) => d.netPnlUsd / start),
    },
    pointer: null,
  };
}

/** The trial context as JSON (what travels to workers). */
export function trialContextJson(c: OptimizeTrialContext): JsonValue {
  return JSON.parse(JSON.stringify(c)) as JsonValue;
}
