// The walk-forward's out-of-sample result as ONE continuous account: every window's test days re-run in window order
// on a single risk manager (balance, trailing MLL, breach and day limits carried across windows), each window with
// its own trained model. Per-window figures (fresh account per window) stay in WindowResult.

import type { BarSeries } from '../domain/index.ts';
import { selectTradingDates } from '../data/index.ts';
import type { RunContext, AccountRecord, RunResult } from '../engine/index.ts';
import { regimeModelFromJson, type RegimeModel } from '../regime/index.ts';
import { testWindow, type WindowResult } from './walkForwardWindow.ts';

/** One window of the continuous account: its dates, the model it trades with and the run context of its own config. */
export interface AccountWindow {
  readonly window: WindowResult['window'];
  readonly model: RegimeModel;
  /** The window's context (e.g. its chosen parameters applied); account-level risk settings come from the account's. */
  readonly ctx: RunContext;
}

/**
 * Runs the windows' test days on one account. The engine of each window starts as in its own window (features
 * and VWAP warm up on its test days), so with limits that never bind the trades are the windows' own; where the
 * carried room is smaller the risk manager sizes down, halts or stops the account exactly as it would live. Between
 * windows the last trading day is closed on the account (the MLL trails its end-of-day balance).
 */
export function runContinuousAccount(ctx: RunContext, series: BarSeries, results: readonly WindowResult[]): RunResult {
  return runAccountOverWindows(
    ctx,
    series,
    results.map((r) => ({ window: r.window, model: regimeModelFromJson(r.modelJson, `walk-forward window ${r.window.index} model`), ctx })),
  );
}

/**
 * The same over windows that each trade with their own context (walk-forward optimization: each window's chosen
 * parameters). One risk manager, built by `account` (its risk.* settings), carries the account through every window.
 */
export function runAccountOverWindows(account: RunContext, series: BarSeries, windows: readonly AccountWindow[]): RunResult {
  const risk = account.createRisk();
  const runs: RunResult[] = [];
  for (const { window: w, model, ctx } of windows) {
    const job = { window: w, config: ctx.config, baseDir: ctx.baseDir, series: selectTradingDates(series, w.trainFrom, w.testTo) };
    const run = testWindow(ctx, job, model, risk);
    runs.push(run);
    const last = run.equity[run.equity.length - 1];
    if (last) risk.onTradingDayEnd(last.tsMs);
  }
  return joinRuns(runs);
}

/** The runs of consecutive windows on one account as one run (equity is absolute: no offsets needed). */
export function joinRuns(runs: readonly RunResult[]): RunResult {
  const regimeBars = new Map<string, number>();
  for (const r of runs) for (const [k, n] of r.regimeBars) regimeBars.set(k, (regimeBars.get(k) ?? 0) + n);
  const days = runs.flatMap((r) => r.days);
  return {
    trades: runs.flatMap((r) => r.trades),
    days,
    equity: runs.flatMap((r) => r.equity),
    breach: runs.find((r) => r.breach)?.breach ?? null,
    regimeBars,
    barsProcessed: runs.reduce((a, r) => a + r.barsProcessed, 0),
    riskEvents: runs.flatMap((r) => r.riskEvents),
    account: joinAccounts(
      runs.map((r) => r.account),
      days.map((d) => d.tradingDate),
    ),
  };
}

function joinAccounts(accounts: readonly (AccountRecord | null)[], dates: readonly string[]): AccountRecord | null {
  const known = accounts.filter((a): a is AccountRecord => a !== null);
  if (!known.length) return null;
  const stall = known.find((a) => a.stall)?.stall ?? null;
  const rooms = known.map((a) => a.minRoomToFloorUsd).filter((x): x is number => x !== null);
  return {
    stall,
    minRoomToFloorUsd: rooms.length ? Math.min(...rooms) : null,
    stalledDays: stall ? dates.filter((d) => d > stall.date).length : 0,
    daysUnderWarningRoom: known.reduce((a, x) => a + x.daysUnderWarningRoom, 0),
    warningRoomUsd: known[0]!.warningRoomUsd,
    minStopRiskUsd: known[0]!.minStopRiskUsd,
  };
}
