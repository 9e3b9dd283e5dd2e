// Toy environments with known optimal policies (bandit, chain MDP) for the PPO and VecEnv tests; `createEnv` is the factory workers import.

import { createRng, type Rng } from '../../../src/domain/random.ts';
import type { Env, EnvInfo, ResetResult, StepResult } from '../../../src/rl/envTypes.ts';

/** k-armed Bernoulli bandit: constant observation [1], one pull per episode (terminated), reward 1 with probability probs[a]. */
export interface BanditOptions {
  readonly kind: 'bandit';
  readonly probs: readonly number[];
  /** Allowed arms (1 = allowed); stepping a masked arm throws, so a test run fails if masking leaks. */
  readonly mask?: readonly number[];
}

/**
 * Chain of `length` states, start at 0, observation one-hot of the state. Action 1 moves right, 0 left. Reaching the
 * last state pays 1 and terminates; action 0 in state 0 pays `bait` and terminates (a tempting early exit). With
 * probability `slip` the move is reversed. Episodes are truncated after `maxSteps`. Optimum (slip 0): always right, return 1.
 */
export interface ChainOptions {
  readonly kind: 'chain';
  readonly length: number;
  readonly maxSteps: number;
  readonly bait?: number;
  readonly slip?: number;
}

/**
 * Never-ending stream: observation [1], reward 1 per step whatever the action, truncated (never terminated) after
 * `maxSteps`. Bootstrapping truncation gives V = 1/(1 − γ); treating truncation as termination would give less.
 */
export interface StreamOptions {
  readonly kind: 'stream';
  readonly maxSteps: number;
}

export type ToyEnvOptions = BanditOptions | ChainOptions | StreamOptions;

class BanditEnv implements Env {
  readonly observationSpace = { shape: [1] };
  readonly actionSpace: { n: number };
  private rng: Rng = createRng(0);
  private readonly mask: Uint8Array | null;

  constructor(private readonly o: BanditOptions) {
    this.actionSpace = { n: o.probs.length };
    this.mask = o.mask ? Uint8Array.from(o.mask) : null;
  }

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng = createRng(seed);
    return [Float64Array.of(1), {}];
  }

  step(action: number): StepResult {
    if (this.mask && this.mask[action] === 0) throw new Error(`bandit: masked arm ${action} was pulled`);
    const reward = this.rng.next() < this.o.probs[action]! ? 1 : 0;
    return [Float64Array.of(1), reward, true, false, { arm: action }];
  }

  actionMask(): Uint8Array | null {
    return this.mask;
  }
}

class ChainEnv implements Env {
  readonly observationSpace: { shape: number[] };
  readonly actionSpace = { n: 2 };
  private rng: Rng = createRng(0);
  private state = 0;
  private t = 0;

  constructor(private readonly o: ChainOptions) {
    this.observationSpace = { shape: [o.length] };
  }

  private obs(): Float64Array {
    const x = new Float64Array(this.o.length);
    x[this.state] = 1;
    return x;
  }

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng = createRng(seed);
    this.state = 0;
    this.t = 0;
    return [this.obs(), {}];
  }

  step(action: number): StepResult {
    this.t += 1;
    const slipped = (this.o.slip ?? 0) > 0 && this.rng.next() < this.o.slip!;
    const right = (action === 1) !== slipped;
    const info: EnvInfo = { t: this.t };
    if (!right && this.state === 0) return [this.obs(), this.o.bait ?? 0, true, false, info];
    this.state = Math.max(0, this.state + (right ? 1 : -1));
    const end = this.state === this.o.length - 1;
    return [this.obs(), end ? 1 : 0, end, !end && this.t >= this.o.maxSteps, info];
  }

  actionMask(): Uint8Array | null {
    return null;
  }
}

class StreamEnv implements Env {
  readonly observationSpace = { shape: [1] };
  readonly actionSpace = { n: 2 };
  private t = 0;

  constructor(private readonly o: StreamOptions) {}

  reset(): ResetResult {
    this.t = 0;
    return [Float64Array.of(1), {}];
  }

  step(): StepResult {
    this.t += 1;
    return [Float64Array.of(1), 1, false, this.t >= this.o.maxSteps, {}];
  }

  actionMask(): Uint8Array | null {
    return null;
  }
}

/** Factory for InProcessVecEnv.fromModule and WorkerVecEnv (this module's path + options). */
export function createEnv(options: ToyEnvOptions, _index: number): Env {
  if (options.kind === 'bandit') return new BanditEnv(options);
  return options.kind === 'chain' ? new ChainEnv(options) : new StreamEnv(options);
}

/** Undiscounted return of one greedy episode from `act` (observation → action) in a fresh env. */
export function greedyReturn(options: ToyEnvOptions, act: (obs: Float64Array) => number, maxSteps = 100): { ret: number; steps: number } {
  const env = createEnv(options, 0);
  let [obs] = env.reset(1);
  let ret = 0;
  for (let t = 1; t <= maxSteps; t++) {
    const [next, r, terminated, truncated] = env.step(act(obs));
    ret += r;
    if (terminated || truncated) return { ret, steps: t };
    obs = next;
  }
  return { ret, steps: maxSteps };
}

export const TOY_ENV_MODULE = new URL('./toyEnvs.ts', import.meta.url).href;
