// The trading environment factory a worker thread imports (WorkerVecEnv): rebuilds the run context and the env from serialisable options.

import type { BarSeries } from '../domain/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { regimeModelFromJson } from '../regime/index.ts';
import { TradingEnv, type Env } from '../rl/index.ts';
import { buildRunContext } from './runContext.ts';

/** Structured-cloneable inputs of a TradingEnv (the bars travel as typed arrays, the model as its JSON). */
export interface TradingEnvSpec {
  readonly loaded: LoadedConfig;
  readonly series: BarSeries;
  readonly modelJson: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** Env factory (EnvFactory): one TradingEnv per index, all alike (each is seeded by the VecEnv). */
export function createEnv(spec: TradingEnvSpec): Env {
  const ctx = buildRunContext(spec.loaded, 'backtest');
  return new TradingEnv(ctx, {
    series: spec.series,
    fromMs: spec.fromMs,
    toMs: spec.toMs,
    model: regimeModelFromJson(spec.modelJson, 'regime model'),
  });
}
