// The RL jobs behind `txbot rl train` and `txbot rl eval`: PPO on TradingEnvs over a training window (regime model trained only on
// the days before it), and backtests of a policy beside the rules, always-flat and a random policy with the same trade count.

import { UsageError, createRng, codeModuleUrl, type BarSeries } from '../domain/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { selectTradingDates, tradingDatesOf } from '../data/index.ts';
import { runBacktest } from '../backtest/index.ts';
import type { RunResult, RunContext } from '../engine/index.ts';
import { hashBars, regimeModelFromJson, regimeModelToJson, trainRegimeModel, type RegimeModel } from '../regime/index.ts';
import { combineForRun, dailyRatios, sha256 } from '../report/index.ts';
import {
  TradingEnv,
  InProcessVecEnv,
  WorkerVecEnv,
  OBSERVATION_NAMES,
  loadPolicy,
  serializePolicyFile,
  Ppo,
  ActionPolicy,
  trainedPolicy,
  TRADING_ACTIONS,
  type PolicyFile,
  type PpoUpdateReport,
  type PpoConfig,
} from '../rl/index.ts';
import type { TradingEnvSpec } from './rlEnvFactory.ts';
import type { DecisionPolicy } from '../strategy/index.ts';
import { buildRunContext } from './runContext.ts';

/** The trading dates of `series` in [from, to] and the `before` dates preceding `from`. */
export function dateBlocks(series: BarSeries, from: string, to: string, before: number): { dates: string[]; prior: string[] } {
  const all = tradingDatesOf(series);
  const i = all.findIndex((d) => d >= from);
  if (i < 0) throw new UsageError(`--from ${from}: the data has no trading date on or after it (last ${all[all.length - 1] ?? 'none'})`);
  const dates = all.slice(i).filter((d) => d <= to);
  if (dates.length === 0) throw new UsageError(`--from ${from} --to ${to}: no trading date of the data in this range`);
  return { dates, prior: all.slice(Math.max(0, i - before), i) };
}

/** A regime model trained only on the `days` trading dates before `from` (the model the agent sees, as live). */
export function regimeModelBefore(loaded: LoadedConfig, series: BarSeries, from: string, days: number): RegimeModel {
  const { prior } = dateBlocks(series, from, '9999-12-31', days);
  if (prior.length < Math.min(days, 20))
    throw new UsageError(
      `--hmm-days ${days}: only ${prior.length} trading dates before ${from} to train the regime model on (need at least ${Math.min(days, 20)})`,
    );
  return trainRegimeModel(selectTradingDates(series, prior[0], prior[prior.length - 1]), loaded.config).model;
}

export interface RlTrainOptions {
  readonly loaded: LoadedConfig;
  /** The whole bar file (the warm-up days before `from` are taken from it). */
  readonly series: BarSeries;
  readonly from: string;
  readonly to: string;
  readonly steps: number;
  readonly seed: number;
  readonly envs: number;
  /** Worker threads the envs run on (0 or 1 = this thread); the result is the same either way. */
  readonly threads?: number;
  /** The regime model (trained before `from`). */
  readonly model: RegimeModel;
  readonly ppo?: Partial<PpoConfig>;
  readonly onUpdate?: (r: PpoUpdateReport) => void;
  /** Called after every `checkpointEvery` steps (and at the end) with the policy so far. */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (file: PolicyFile, timesteps: number) => void;
}

export interface RlTrainResult {
  readonly policy: PolicyFile;
  /** The policy file's bytes (same seed and inputs → same bytes). */
  readonly text: string;
  readonly reports: PpoUpdateReport[];
}

/** PPO (SB3 defaults, observation normalisation fitted on the training window) on `envs` TradingEnvs over [from, to]. */
export async function trainRlPolicy(o: RlTrainOptions): Promise<RlTrainResult> {
  const c = o.loaded.config;
  const { dates, prior } = dateBlocks(o.series, o.from, o.to, c.rl.warmup_days);
  const bars = selectTradingDates(o.series, prior[0] ?? dates[0], dates[dates.length - 1]);
  const window = selectTradingDates(o.series, dates[0], dates[dates.length - 1]);
  const ctx = buildRunContext(o.loaded, 'backtest');
  const fromMs = window.tsMs[0]!;
  const toMs = window.tsMs[window.length - 1]! + 1;
  const modelJson = regimeModelToJson(o.model);
  const threads = Math.min(o.threads ?? 0, o.envs);
  const vec =
    threads > 1
      ? await WorkerVecEnv.create<TradingEnvSpec>({
          module: codeModuleUrl('app/rlEnvFactory'),
          options: { loaded: o.loaded, series: bars, modelJson, fromMs, toMs },
          numEnvs: o.envs,
          numWorkers: threads,
        })
      : new InProcessVecEnv(Array.from({ length: o.envs }, () => new TradingEnv(ctx, { series: bars, fromMs, toMs, model: o.model })));
  const ppo = new Ppo(vec, { normalizeObservations: true, ...o.ppo }, o.seed);
  const reports: PpoUpdateReport[] = [];
  const metadata = () => ({
    trainFrom: dates[0]!,
    trainTo: dates[dates.length - 1]!,
    trainFromMs: fromMs,
    trainToMs: toMs - 1,
    dataSha256: hashBars(window),
    envs: o.envs,
    reward: c.rl.reward,
    observation: [...OBSERVATION_NAMES],
    actions: [...TRADING_ACTIONS],
    rlConfig: { ...c.rl },
    regimeModelSha256: sha256(modelJson),
    regimeModel: modelJson,
  });
  const every = o.checkpointEvery ?? o.steps;
  try {
    while (ppo.timesteps < o.steps) {
      const chunk = Math.min(every, o.steps - ppo.timesteps);
      reports.push(...(await ppo.learn(chunk, { onUpdate: o.onUpdate })));
      o.onCheckpoint?.(ppo.policyFile(metadata()), ppo.timesteps);
    }
  } finally {
    await ppo.env.close();
  }
  const policy = ppo.policyFile(metadata());
  return { policy, text: serializePolicyFile(policy), reports };
}

/** The regime model a policy file carries (the one it was trained with). */
export function regimeModelOfPolicy(file: PolicyFile, source: string): RegimeModel | null {
  const m = file.metadata['regimeModel'];
  return typeof m === 'string' ? regimeModelFromJson(m, `${source} (regime model)`) : null;
}

/** What one policy did on one block of days. */
export interface PolicyResult {
  readonly name: string;
  readonly netPnlUsd: number;
  readonly trades: number;
  /** Annualized Sharpe of daily P&L / starting balance (null: no variance). */
  readonly sharpe: number | null;
  readonly combinePass: number;
  readonly dailyReturns: number[];
  readonly run: RunResult;
}

/** Backtests `policy` (null = rules) on the trading dates [from, to] of `series`, as `txbot backtest --from --to` would. */
export function backtestPolicy(
  ctx: RunContext,
  series: BarSeries,
  from: string,
  to: string,
  model: RegimeModel,
  name: string,
  policy: DecisionPolicy | null,
): PolicyResult {
  const c = ctx.config;
  const bars = selectTradingDates(series, from, to);
  const regime = ctx.regimeSource(model, bars, { kind: 'fixed' });
  const run = runBacktest({
    ...ctx.engineOptions({ regime: regime.source, risk: ctx.createRisk(), idPrefix: 'ev' }),
    policy,
    series: bars,
    slippageTicks: c.backtest.slippage_ticks,
  });
  const start = ctx.startingBalanceUsd;
  const dailyReturns = run.days.map((d) => d.netPnlUsd / start);
  const combine = combineForRun(run, { ...c, combine: { ...c.combine, simulations: Math.min(c.combine.simulations, 2000) } }, ctx.instruments, start);
  return {
    name,
    netPnlUsd: Math.round(run.trades.reduce((a, t) => a + t.netPnlUsd, 0) * 100) / 100,
    trades: run.trades.length,
    sharpe: dailyRatios(dailyReturns).sharpe,
    combinePass: combine?.passProbability ?? 0,
    dailyReturns,
    run,
  };
}

/** Always flat: never enters (the zero line every policy must beat after costs). */
export function flatPolicy(ctx: RunContext): ActionPolicy {
  return new ActionPolicy('flat', ctx.config, () => 0);
}

/** Random entries (probability `enter` per flat decided bar, a random allowed entry) held until `exit` fires (per bar) or the brackets. */
export function randomPolicy(ctx: RunContext, seed: number, enter: number, exit: number): ActionPolicy {
  const rng = createRng(seed);
  return new ActionPolicy('random', ctx.config, (_obs, mask, q) => {
    if (q.position) {
      if (rng.next() < exit) return 0;
      return q.position.side === 'long' ? 1 : 3;
    }
    if (rng.next() >= enter) return 0;
    const allowed = [1, 2, 3, 4].filter((a) => mask[a] === 1);
    return allowed.length ? allowed[rng.int(allowed.length)]! : 0;
  });
}

/**
 * The random baseline with (about) the same number of trades as `target`: exit probability 1 / the
 * target's mean holding bars, entry probability calibrated in two passes over the same days.
 */
export function randomSameTradeCount(
  ctx: RunContext,
  series: BarSeries,
  from: string,
  to: string,
  model: RegimeModel,
  target: PolicyResult,
  seed: number,
): PolicyResult {
  const barMs = ctx.config.data.bar_minutes * 60_000;
  const trades = target.run.trades;
  const holdBars = trades.length ? trades.reduce((a, t) => a + (t.exitTsMs - t.entryTsMs) / barMs, 0) / trades.length : 1;
  const exit = Math.min(1, 1 / Math.max(1, holdBars));
  const decided = Math.max(1, target.run.barsProcessed);
  let enter = Math.min(1, Math.max(1e-4, trades.length / decided));
  let r = backtestPolicy(ctx, series, from, to, model, 'random', randomPolicy(ctx, seed, enter, exit));
  if (trades.length > 0 && r.trades > 0) {
    enter = Math.min(1, enter * (trades.length / r.trades));
    r = backtestPolicy(ctx, series, from, to, model, 'random', randomPolicy(ctx, seed, enter, exit));
  }
  return r;
}

/** The trained policy of a file as a decision policy (argmax over allowed actions). */
export function policyOfFile(ctx: RunContext, file: PolicyFile, name = 'rl'): ActionPolicy {
  return trainedPolicy(loadPolicy(file), ctx.config, name);
}
