// `txbot rl walkforward`: per fold, a regime model on the days before it, PPO on a train block for each seed, the checkpoint
// chosen on a validation block, one test on the next unseen block beside the rules, always-flat and random-with-same-trade-count.

import { UsageError, createRng, type BarSeries } from '../domain/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { tradingDatesOf } from '../data/index.ts';
import { deflatedSharpeRatio, periodSharpe } from '../optimize/index.ts';
import type { PolicyFile, PpoConfig } from '../rl/index.ts';
import { backtestPolicy, flatPolicy, policyOfFile, randomSameTradeCount, regimeModelBefore, trainRlPolicy, type PolicyResult } from './rlJobs.ts';
import { buildRunContext } from './runContext.ts';

export interface RlWalkForwardOptions {
  readonly loaded: LoadedConfig;
  readonly series: BarSeries;
  readonly from: string;
  readonly to?: string;
  readonly hmmDays: number;
  readonly trainDays: number;
  readonly validationDays: number;
  readonly testDays: number;
  readonly folds: number;
  readonly seeds: readonly number[];
  readonly steps: number;
  /** Checkpoints per training run evaluated on the validation block (the best is tested). */
  readonly checkpoints: number;
  readonly envs: number;
  /** Worker threads per training run (0/1 = this thread). */
  readonly threads?: number;
  readonly ppo?: Partial<PpoConfig>;
  readonly onProgress?: (line: string) => void;
}

/** One fold's blocks (trading dates, inclusive). */
export interface RlFold {
  readonly index: number;
  readonly hmm: readonly [string, string];
  readonly train: readonly [string, string];
  readonly validation: readonly [string, string];
  readonly test: readonly [string, string];
}

/** One test-block result of a policy (RL: per seed; deterministic baselines: once per fold). */
export interface RlSample {
  readonly fold: number;
  readonly seed: number | null;
  readonly policy: 'rl' | 'rules' | 'flat' | 'random';
  readonly netPnlUsd: number;
  readonly trades: number;
  readonly sharpe: number | null;
  readonly combinePass: number;
  /** RL only: the checkpoint's steps and its validation net P&L. */
  readonly checkpointSteps?: number;
  readonly validationNetPnlUsd?: number;
}

/** Mean, std and a 95% bootstrap confidence interval of the mean. */
export interface Stat {
  readonly n: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly ci95: readonly [number, number] | null;
}

export interface RlComparisonRow {
  readonly policy: string;
  readonly netPnlUsd: Stat;
  readonly sharpe: Stat;
  readonly combinePass: Stat;
  readonly trades: Stat;
}

export interface RlWalkForwardResult {
  readonly folds: readonly RlFold[];
  readonly samples: readonly RlSample[];
  readonly table: readonly RlComparisonRow[];
  /** Per fold: deflated Sharpe of the chosen checkpoint on the validation block against every (seed, checkpoint) tried. */
  readonly deflatedSharpe: readonly { fold: number; trials: number; dsr: number | null; sharpe: number | null }[];
  /** Learning curves: per fold and seed, the mean episode return of each PPO update. */
  readonly learning: readonly {
    fold: number;
    seed: number;
    timesteps: number;
    meanEpisodeReturn: number;
    approxKl: number;
    entropy: number;
    valueLoss: number;
  }[];
}

/** Folds stepping by the test block: hmm | train | validation | test, starting at `from`. */
export function planRlFolds(
  series: BarSeries,
  o: Pick<RlWalkForwardOptions, 'from' | 'to' | 'hmmDays' | 'trainDays' | 'validationDays' | 'testDays' | 'folds'>,
): RlFold[] {
  const all = tradingDatesOf(series).filter((d) => o.to === undefined || d <= o.to);
  const first = all.findIndex((d) => d >= o.from);
  if (first < 0) throw new UsageError(`--from ${o.from}: no trading date of the data on or after it`);
  const folds: RlFold[] = [];
  for (let k = 0; k < o.folds; k++) {
    const t0 = first + k * o.testDays;
    const h0 = t0 - o.hmmDays;
    const v0 = t0 + o.trainDays;
    const s0 = v0 + o.validationDays;
    const e = s0 + o.testDays - 1;
    if (h0 < 0) throw new UsageError(`--hmm-days ${o.hmmDays}: only ${t0} trading dates before ${all[t0]} (start later with --from)`);
    if (e >= all.length) break;
    folds.push({
      index: k,
      hmm: [all[h0]!, all[t0 - 1]!],
      train: [all[t0]!, all[v0 - 1]!],
      validation: [all[v0]!, all[s0 - 1]!],
      test: [all[s0]!, all[e]!],
    });
  }
  if (folds.length === 0)
    throw new UsageError(`not enough data after ${o.from} for one fold of ${o.trainDays} + ${o.validationDays} + ${o.testDays} trading days`);
  return folds;
}

/** Mean, sample std and a seeded percentile bootstrap (2000 resamples) of the mean. */
export function describeSample(xs: readonly number[], seed = 1): Stat {
  const n = xs.length;
  if (n === 0) return { n, mean: null, std: null, ci95: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  const rng = createRng(seed);
  const means = new Float64Array(2000);
  for (let r = 0; r < means.length; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)]!;
    means[r] = s / n;
  }
  means.sort();
  return { n, mean, std, ci95: [means[Math.floor(0.025 * means.length)]!, means[Math.floor(0.975 * means.length) - 1]!] };
}

const sampleOf = (fold: number, seed: number | null, policy: RlSample['policy'], r: PolicyResult, extra: Partial<RlSample> = {}): RlSample => ({
  fold,
  seed,
  policy,
  netPnlUsd: r.netPnlUsd,
  trades: r.trades,
  sharpe: r.sharpe,
  combinePass: r.combinePass,
  ...extra,
});

/** Runs every fold; see the file header. Deterministic for given seeds. */
export async function runRlWalkForward(o: RlWalkForwardOptions): Promise<RlWalkForwardResult> {
  const folds = planRlFolds(o.series, o);
  const ctx = buildRunContext(o.loaded, 'walkforward');
  const samples: RlSample[] = [];
  const dsr: RlWalkForwardResult['deflatedSharpe'][number][] = [];
  const learning: RlWalkForwardResult['learning'][number][] = [];
  const say = o.onProgress ?? (() => {});
  for (const f of folds) {
    say(
      `fold ${f.index + 1}/${folds.length}: regime model ${f.hmm[0]}..${f.hmm[1]}, train ${f.train[0]}..${f.train[1]}, validate ${f.validation[0]}..${f.validation[1]}, test ${f.test[0]}..${f.test[1]}`,
    );
    const model = regimeModelBefore(o.loaded, o.series, f.train[0], o.hmmDays);
    const test = (name: string, p: Parameters<typeof backtestPolicy>[6]) => backtestPolicy(ctx, o.series, f.test[0], f.test[1], model, name, p);
    samples.push(sampleOf(f.index, null, 'rules', test('rules', null)));
    samples.push(sampleOf(f.index, null, 'flat', test('flat', flatPolicy(ctx))));
    const trialSharpes: (number | null)[] = [];
    let best: { returns: number[]; sharpe: number | null; net: number } | null = null;
    for (const seed of o.seeds) {
      const checkpoints: { file: PolicyFile; steps: number }[] = [];
      await trainRlPolicy({
        loaded: o.loaded,
        series: o.series,
        from: f.train[0],
        to: f.train[1],
        steps: o.steps,
        seed,
        envs: o.envs,
        threads: o.threads,
        model,
        ppo: o.ppo,
        checkpointEvery: Math.max(1, Math.ceil(o.steps / o.checkpoints)),
        onCheckpoint: (file, steps) => checkpoints.push({ file, steps }),
        onUpdate: (r) =>
          learning.push({
            fold: f.index,
            seed,
            timesteps: r.timesteps,
            meanEpisodeReturn: r.meanEpisodeReturn,
            approxKl: r.approxKl,
            entropy: r.entropy,
            valueLoss: r.valueLoss,
          }),
      });
      let chosen: { file: PolicyFile; steps: number; val: PolicyResult } | null = null;
      for (const cp of checkpoints) {
        const val = backtestPolicy(ctx, o.series, f.validation[0], f.validation[1], model, 'rl', policyOfFile(ctx, cp.file));
        trialSharpes.push(periodSharpe(val.dailyReturns));
        if (!chosen || val.netPnlUsd > chosen.val.netPnlUsd) chosen = { ...cp, val };
        if (!best || val.netPnlUsd > best.net) best = { returns: val.dailyReturns, sharpe: periodSharpe(val.dailyReturns), net: val.netPnlUsd };
      }
      const rl = test('rl', policyOfFile(ctx, chosen!.file));
      samples.push(sampleOf(f.index, seed, 'rl', rl, { checkpointSteps: chosen!.steps, validationNetPnlUsd: chosen!.val.netPnlUsd }));
      samples.push(sampleOf(f.index, seed, 'random', randomSameTradeCount(ctx, o.series, f.test[0], f.test[1], model, rl, seed)));
      say(
        `  seed ${seed}: checkpoint ${chosen!.steps} steps (validation ${chosen!.val.netPnlUsd.toFixed(2)} USD), test ${rl.netPnlUsd.toFixed(2)} USD in ${rl.trades} trades`,
      );
    }
    const d = best ? deflatedSharpeRatio(best.returns, trialSharpes) : null;
    dsr.push({ fold: f.index, trials: trialSharpes.length, dsr: d ? d.dsr : null, sharpe: d ? d.sharpe : null });
  }
  const table = (['rl', 'rules', 'flat', 'random'] as const).map((policy, k) => {
    const of = samples.filter((s) => s.policy === policy);
    return {
      policy,
      netPnlUsd: describeSample(
        of.map((s) => s.netPnlUsd),
        11 + k,
      ),
      sharpe: describeSample(
        of.filter((s) => s.sharpe !== null).map((s) => s.sharpe!),
        21 + k,
      ),
      combinePass: describeSample(
        of.map((s) => s.combinePass),
        31 + k,
      ),
      trades: describeSample(
        of.map((s) => s.trades),
        41 + k,
      ),
    };
  });
  return { folds, samples, table, deflatedSharpe: dsr, learning };
}
