// Backtest runner: feeds historical bars to the engine session (engine/session.ts) with the simulated
// broker, synchronously, and returns what the session recorded.

import { barAt, type BarSeries } from '../domain/bar.ts';
import { SimBroker } from '../broker/sim/simBroker.ts';
import { driveSync } from '../engine/drive.ts';
import type { DecisionRecord, RunResult } from '../engine/records.ts';
import { EngineSession, type EngineSessionOptions } from '../engine/session.ts';

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
