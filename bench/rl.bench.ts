// `npx tsx bench/rl.bench.ts`: times one PPO update at the SB3 default sizes (2048 steps, 10 epochs, batch 64, 64-64 tanh
// actor and critic) on a synthetic env (10 features, 5 actions, masks), policy forward throughput, VecEnv step cost, and the
// trading env (TradingEnv: the full engine session, SimBroker, costs, risk manager) steps/s and end-to-end PPO training time.

import { isMainThread } from 'node:worker_threads';
import { createRng, type Rng } from '../src/domain/random.ts';
import { ActorCritic } from '../src/rl/actorCritic.ts';
import type { Env, ResetResult, StepResult, VecEnv } from '../src/rl/envTypes.ts';
import { InProcessVecEnv } from '../src/rl/inProcessVecEnv.ts';
import { Ppo } from '../src/rl/ppo.ts';
import { WorkerVecEnv } from '../src/rl/workerVecEnv.ts';
import { TradingEnv } from '../src/rl/env.ts';
import { buildRunContext } from '../src/app/runContext.ts';
import { validateConfig } from '../src/config/index.ts';
import { generateSyntheticBars } from '../src/data/index.ts';
import { sliceBarSeries } from '../src/domain/bar.ts';
import { trainRegimeModel } from '../src/regime/index.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const OBS = 10;
const ACTIONS = 5;

/** Wall time of the fastest repeat, median, and the least process CPU time (user + system; steadier on a shared machine). */
interface Timing {
  readonly minMs: number;
  readonly medianMs: number;
  readonly cpuMs: number;
}

async function time(fn: () => Promise<void> | void): Promise<Timing> {
  const ms: number[] = [];
  let cpuMs = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  return { minMs: ms[0]!, medianMs: ms[Math.floor(ms.length / 2)]!, cpuMs };
}

/** Gaussian features, reward = feature[action] (so there is something to learn), action 4 masked every third step, 390-step episodes. */
class SyntheticEnv implements Env {
  readonly observationSpace = { shape: [OBS] };
  readonly actionSpace = { n: ACTIONS };
  private rng: Rng = createRng(0);
  private obs = new Float64Array(OBS);
  private t = 0;

  private draw(): Float64Array {
    this.obs = Float64Array.from({ length: OBS }, () => this.rng.normal());
    return this.obs;
  }

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng = createRng(seed);
    this.t = 0;
    return [this.draw(), {}];
  }

  step(action: number): StepResult {
    const reward = this.obs[action]!;
    this.t += 1;
    return [this.draw(), reward, false, this.t >= 390, {}];
  }

  actionMask(): Uint8Array | null {
    return this.t % 3 === 0 ? Uint8Array.of(1, 1, 1, 1, 0) : null;
  }
}

/** Factory for the worker-thread VecEnv row (this module is imported by the workers; main() only runs when executed). */
export function createEnv(): Env {
  return new SyntheticEnv();
}

function row(label: string, t: Timing, per = ''): string {
  return `| ${label.padEnd(58)} | ${t.minMs.toFixed(1).padStart(9)} | ${t.medianMs.toFixed(1).padStart(9)} | ${t.cpuMs.toFixed(1).padStart(9)} | ${per.padEnd(27)} |`;
}

async function ppoUpdate(): Promise<string[]> {
  const ppo = new Ppo(new InProcessVecEnv([new SyntheticEnv()]), {}, 1);
  await ppo.learn(2048); // warm-up: JIT, buffers
  const collect = await time(async () => void (await ppo.collectRollout()));
  const train = await time(() => void ppo.train());
  const samples = 2048 * 10;
  return [
    row('PPO rollout, 2048 steps × 1 env (act + env + GAE)', collect, `${((collect.cpuMs * 1000) / 2048).toFixed(1)} µs/step`),
    row('PPO train, 10 epochs × 32 minibatches of 64', train, `${((train.cpuMs * 1000) / samples).toFixed(1)} µs/sample`),
  ];
}

async function forward(): Promise<string[]> {
  const ac = ActorCritic.initialized({ obsSize: OBS, nActions: ACTIONS, actorHidden: [64, 64], criticHidden: [64, 64] }, { actor: 1, critic: 2 });
  const rng = createRng(3);
  const out: string[] = [];
  for (const batch of [1, 64, 2048]) {
    const obs = Float64Array.from({ length: batch * OBS }, () => rng.normal());
    const calls = Math.max(1, Math.floor(20_000 / batch));
    const t = await time(() => {
      for (let i = 0; i < calls; i++) ac.act(obs, null, batch, rng);
    });
    const perSec = (calls * batch) / (t.cpuMs / 1000);
    out.push(row(`act (actor + critic forward, sample), batch ${batch}, ${calls} calls`, t, `${Math.round(perSec).toLocaleString('en-US')} obs/s`));
  }
  return out;
}

async function vecEnvSteps(): Promise<string[]> {
  const actions = new Int32Array(8);
  const bench = async (label: string, env: VecEnv): Promise<string> => {
    await env.reset(1);
    const t = await time(async () => {
      for (let i = 0; i < 500; i++) await env.step(actions);
    });
    await env.close();
    return row(label, t, `${((t.minMs * 1000) / 500).toFixed(0)} µs/vector step (wall)`);
  };
  return [
    await bench('VecEnv 500 steps × 8 envs, in-process', new InProcessVecEnv(Array.from({ length: 8 }, () => new SyntheticEnv()))),
    await bench(
      'VecEnv 500 steps × 8 envs, 2 worker threads',
      await WorkerVecEnv.create({ module: import.meta.filename, options: {}, numEnvs: 8, numWorkers: 2 }),
    ),
  ];
}

/** TradingEnv over 160 synthetic RTH days (regime model on the first 60): env steps/s with a random masked policy, and PPO end to end. */
async function tradingEnv(): Promise<string[]> {
  const config = validateConfig({ hmm: { n_iter: 30, restarts: 1 }, filters: { vix: { enabled: false } } }, 'bench');
  const loaded = { config, sourcePath: null, baseDir: process.cwd() };
  const series = generateSyntheticBars({ seed: 21, days: 160, startDate: '2024-01-02' }).series;
  const model = trainRegimeModel(sliceBarSeries(series, 0, 60 * 78), config).model;
  const ctx = buildRunContext(loaded, 'backtest');
  const env = new TradingEnv(ctx, { series, fromMs: series.tsMs[60 * 78]!, toMs: series.tsMs[series.length - 1]! + 1, model });
  const rng = createRng(5);
  const STEPS = 20_000;
  const steps = await time(() => {
    env.reset(1);
    for (let i = 0; i < STEPS; i++) {
      const m = env.actionMask()!;
      let a = 0;
      if (rng.next() < 0.1) {
        const allowed = [0, 1, 2, 3, 4].filter((k) => m[k] === 1);
        a = allowed[rng.int(allowed.length)]!;
      } else if (m[1] && m[3] === 0) a = 1;
      else if (m[3] && m[1] === 0) a = 3;
      const r = env.step(a);
      if (r[2] || r[3]) env.reset();
    }
  });
  const rate = STEPS / (steps.cpuMs / 1000);
  const TRAIN = 20_480;
  const train = await time(async () => {
    const ppo = new Ppo(
      new InProcessVecEnv([new TradingEnv(ctx, { series, fromMs: series.tsMs[60 * 78]!, toMs: series.tsMs[series.length - 1]! + 1, model })]),
      { normalizeObservations: true },
      1,
    );
    await ppo.learn(TRAIN);
  });
  const trainRate = TRAIN / (train.cpuMs / 1000);
  return [
    row(`TradingEnv ${STEPS} steps (full engine), random masked policy`, steps, `${Math.round(rate).toLocaleString('en-US')} env steps/s (cpu)`),
    row(
      `PPO ${TRAIN} steps on 1 TradingEnv (SB3 defaults)`,
      train,
      `${Math.round(trainRate).toLocaleString('en-US')} steps/s; 1M ≈ ${(1e6 / trainRate / 60).toFixed(0)} min`,
    ),
  ];
}

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}, ${REPEATS} repeats each; obs ${OBS}, ${ACTIONS} actions, actor and critic 64-64 tanh\n`);
  process.stdout.write(
    `| ${'case'.padEnd(58)} | wall min  | median    | cpu       | ${'rate'.padEnd(27)} |\n|${'-'.repeat(60)}|-----------|-----------|-----------|${'-'.repeat(29)}|\n`,
  );
  for (const part of [ppoUpdate, forward, vecEnvSteps, tradingEnv]) for (const line of await part()) process.stdout.write(`${line}\n`);
}

// Workers share process.argv, so the main-thread check keeps them from re-running the bench when they import createEnv.
if (isMainThread && process.argv[1] === import.meta.filename) await main();
