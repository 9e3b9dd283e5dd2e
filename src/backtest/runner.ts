// Backtest runners: feed historical bars to the engine session (engine/session.ts) with simulated
// brokers, synchronously, and return what the session recorded: one instrument, or several on one account.

import { barAt, type BarSeries } from '../domain/index.ts';
import { SimBroker } from '../broker/index.ts';
import {
  driveSync,
  EngineSession,
  type DecisionRecord,
  type RunResult,
  type EngineSessionOptions,
  type LaneBar,
  type LaneOptions,
  type LaneRecord,
} from '../engine/index.ts';
import type { Config } from '../config/index.ts';
import type { RiskManager } from '../strategy/index.ts';

export interface RunBacktestOptions extends Omit<EngineSessionOptions, 'broker' | 'observer' | 'nowMs'> {
  readonly series: BarSeries;
  readonly slippageTicks: number;
  /** Receives each bar's decision (e.g. to write decisions.jsonl); omitted = not kept. */
  readonly onDecision?: (d: DecisionRecord) => void;
  /** Called every `progressEvery` bars with the number done. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

/** Runs a backtest over `series` (bars must be validated and sorted). Deterministic. */
export function runBacktest(o: RunBacktestOptions): RunResult {
  const broker = new SimBroker({ instrument: o.instrument, slippageTicks: o.slippageTicks });
  const onDecision = o.onDecision;
  const session = new EngineSession({ ...o, broker, observer: onDecision ? { decision: (_bar, d) => onDecision(d) } : undefined });
  const s = o.series;
  const every = o.progressEvery ?? 50_000;
  for (let i = 0; i < s.length; i++) {
    driveSync(session.onBar(barAt(s, i)));
    if (o.onProgress && (i + 1) % every === 0) o.onProgress(i + 1);
  }
  driveSync(session.finish());
  o.onProgress?.(s.length);
  return session.record.toResult();
}

/** One instrument of a portfolio backtest: its engine options (its own config), bars and slippage. */
export interface PortfolioLane extends Omit<LaneOptions, 'broker'> {
  readonly series: BarSeries;
  readonly slippageTicks: number;
}

export interface RunPortfolioOptions {
  /** Account-level config (bar length). */
  readonly config: Config;
  readonly risk: RiskManager;
  /** In the order bars of the same instant are processed. */
  readonly lanes: readonly PortfolioLane[];
  readonly onDecision?: (d: DecisionRecord, symbol: string) => void;
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

/** What a portfolio backtest produced: the account's run and each instrument's part. */
export interface PortfolioRun {
  readonly account: RunResult;
  readonly bySymbol: ReadonlyMap<string, LaneRecord>;
}

/**
 * Backtests several instruments on one account: the bar series are merged into one time-ordered stream
 * and bars of the same instant form one step, processed in lane order (the `instruments` order of the
 * config). Each instrument has its own simulated broker; the risk manager is shared. Deterministic.
 */
export function runPortfolioBacktest(o: RunPortfolioOptions): PortfolioRun {
  const lanes = o.lanes.map((l) => ({ ...l, broker: new SimBroker({ instrument: l.instrument, slippageTicks: l.slippageTicks }) }));
  const onDecision = o.onDecision;
  const session = new EngineSession({
    config: o.config,
    risk: o.risk,
    lanes,
    observer: onDecision ? { decision: (_bar, d, symbol) => onDecision(d, symbol) } : undefined,
  });
  const next = lanes.map(() => 0);
  const total = lanes.reduce((n, l) => n + l.series.length, 0);
  const every = o.progressEvery ?? 50_000;
  const step: LaneBar[] = [];
  let done = 0;
  let reported = 0;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let i = 0; i < lanes.length; i++) if (next[i]! < lanes[i]!.series.length) t = Math.min(t, lanes[i]!.series.tsMs[next[i]!]!);
    if (t === Number.POSITIVE_INFINITY) break;
    step.length = 0;
    for (let i = 0; i < lanes.length; i++) {
      const s = lanes[i]!.series;
      if (next[i]! < s.length && s.tsMs[next[i]!] === t) step.push({ symbol: lanes[i]!.instrument.symbol, bar: barAt(s, next[i]!++) });
    }
    driveSync(session.onStep(step));
    done += step.length;
    if (o.onProgress && done - reported >= every) o.onProgress((reported = done));
  }
  driveSync(session.finish());
  o.onProgress?.(total);
  return { account: session.record.toResult(), bySymbol: new Map(session.lanes.map((l) => [l.symbol, l.record])) };
}
