// Proximal Policy Optimization (clipped surrogate, SB3 defaults) over a VecEnv with discrete, optionally masked actions.

import { createRng, type Rng } from '../domain/index.ts';
import { ActorCritic } from './actorCritic.ts';
import { Adam, clipGradNorm } from './adam.ts';
import { finalObservationOf, observationSize, type VecEnv, type VecObservation } from './envTypes.ts';
import { ObservationNormalizer } from './normalizer.ts';
import { createPolicyFile, type JsonValue, type PolicyFile } from './policyFile.ts';
import { resolvePpoConfig, type PpoConfig } from './ppoConfig.ts';
import { explainedVariance, normalizeAdvantages, ppoLoss, type PpoLossTerms } from './ppoLoss.ts';
import { RolloutBuffer, type Minibatch } from './rolloutBuffer.ts';
import { splitSeed, type RunSeeds } from './seeds.ts';

/** Diagnostics of one `train` call; loss terms are means over the minibatches run (SB3 logger names in brackets). */
export interface PpoTrainReport {
  /** 1-based update number and env steps collected so far (time/total_timesteps). */
  readonly update: number;
  readonly timesteps: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  /** Mean policy entropy (SB3 logs its negative as entropy_loss). */
  readonly entropy: number;
  /** (policy_gradient_loss) */
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly loss: number;
  /** Of the rollout's values against its returns, before the update. */
  readonly explainedVariance: number;
  /** Mean global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Epochs started (fewer than nEpochs when targetKl stopped the update) and minibatch steps taken. */
  readonly epochs: number;
  readonly gradientSteps: number;
}

/** Episodes that ended during a rollout and their mean undiscounted return (NaN when none ended). */
export interface RolloutSummary {
  readonly episodes: number;
  readonly meanEpisodeReturn: number;
}

/** One update of `learn`: its rollout and its training. */
export type PpoUpdateReport = PpoTrainReport & RolloutSummary;

/** Optional observers of `learn`. */
export interface LearnHooks {
  readonly onUpdate?: (report: PpoUpdateReport) => void;
}

/**
 * PPO (Schulman et al. 2017) as Stable-Baselines3 PPO runs it: collect nSteps per env with the current policy,
 * GAE(λ) with truncation bootstrapping, then nEpochs over seeded shuffled minibatches of the clipped loss, one Adam
 * step per minibatch after global gradient-norm clipping. Everything random (init, actions, shuffles, env seeds) comes
 * from `seed`, so the same seed and env give the same weights bit for bit.
 */
export class Ppo {
  readonly config: PpoConfig;
  readonly seed: number;
  readonly policy: ActorCritic;
  readonly normalizer: ObservationNormalizer | null;
  private readonly seeds: RunSeeds;
  private readonly optimizer: Adam;
  private readonly buffer: RolloutBuffer;
  private readonly actionRng: Rng;
  private readonly shuffleRng: Rng;
  private readonly obsSize: number;
  private last: VecObservation | null = null;
  private lastObs: Float64Array = new Float64Array(0);
  private readonly episodeReturns: Float64Array;
  private steps = 0;
  private updates = 0;

  constructor(
    readonly env: VecEnv,
    config: Partial<PpoConfig> = {},
    seed = 0,
  ) {
    this.config = resolvePpoConfig(config);
    this.seed = seed;
    this.seeds = splitSeed(seed);
    this.obsSize = observationSize(env.observationSpace);
    const spec = { obsSize: this.obsSize, nActions: env.actionSpace.n, actorHidden: this.config.actorHidden, criticHidden: this.config.criticHidden };
    this.policy = ActorCritic.initialized(spec, { actor: this.seeds.actorInit, critic: this.seeds.criticInit });
    this.normalizer = this.config.normalizeObservations ? new ObservationNormalizer(this.obsSize) : null;
    this.optimizer = new Adam(this.policy.params.length, { learningRate: this.config.learningRate, eps: this.config.adamEps });
    this.buffer = new RolloutBuffer(this.config.nSteps, env.numEnvs, this.obsSize, env.actionSpace.n);
    this.actionRng = createRng(this.seeds.actionSampling);
    this.shuffleRng = createRng(this.seeds.minibatchShuffle);
    this.episodeReturns = new Float64Array(env.numEnvs);
  }

  /** Env steps collected so far (all envs). */
  get timesteps(): number {
    return this.steps;
  }

  get updateCount(): number {
    return this.updates;
  }

  /** The trained policy as a file object (serializePolicyFile gives its bytes); `metadata` is stored as given. */
  policyFile(metadata: { readonly [key: string]: JsonValue } = {}): PolicyFile {
    return createPolicyFile({
      policy: this.policy,
      observationShape: this.env.observationSpace.shape,
      normalizer: this.normalizer,
      hyperparameters: this.config,
      seed: this.seed,
      timesteps: this.steps,
      updates: this.updates,
      metadata,
    });
  }

  /**
   * Runs updates until at least `totalTimesteps` more env steps are collected (whole rollouts, as SB3). The first call
   * resets the envs with the run's env seed; later calls continue the running episodes.
   */
  async learn(totalTimesteps: number, hooks: LearnHooks = {}): Promise<PpoUpdateReport[]> {
    const target = this.steps + totalTimesteps;
    const reports: PpoUpdateReport[] = [];
    while (this.steps < target) {
      const rollout = await this.collectRollout();
      const report = { ...this.train(), ...rollout };
      reports.push(report);
      hooks.onUpdate?.(report);
    }
    return reports;
  }

  /** Stores the VecEnv's observations, normalised (and the normaliser updated) when normalisation is on. */
  private receive(o: VecObservation): void {
    this.last = o;
    if (!this.normalizer) {
      this.lastObs = o.obs;
      return;
    }
    this.normalizer.update(o.obs, this.env.numEnvs);
    this.lastObs = this.normalizer.normalize(o.obs, this.env.numEnvs);
  }

  /** V(final observation) for each env that was truncated (not terminated) on this step; 0 elsewhere. */
  private truncationValues(truncated: Uint8Array, terminated: Uint8Array, infos: VecObservation['infos']): Float64Array {
    const N = this.env.numEnvs;
    const D = this.obsSize;
    const out = new Float64Array(N);
    const rows: number[] = [];
    for (let e = 0; e < N; e++) if (truncated[e] && !terminated[e]) rows.push(e);
    if (rows.length === 0) return out;
    const batch = new Float64Array(rows.length * D);
    rows.forEach((e, r) => {
      const final = finalObservationOf(infos[e]!);
      if (!final) throw new RangeError(`env ${e} was truncated but its info has no final observation to bootstrap from`);
      batch.set(final, r * D);
    });
    const input = this.normalizer ? this.normalizer.normalize(batch, rows.length) : batch;
    const values = this.policy.values(input, rows.length);
    rows.forEach((e, r) => (out[e] = values[r]!));
    return out;
  }

  /**
   * Fills the rollout buffer with nSteps vector steps of the current policy and computes advantages and returns (SB3
   * collect_rollouts). The first call resets the envs with the run's env seed.
   */
  async collectRollout(): Promise<RolloutSummary> {
    if (this.last === null) this.receive(await this.env.reset(this.seeds.envBase));
    const N = this.env.numEnvs;
    const buffer = this.buffer;
    buffer.reset();
    let episodes = 0;
    let returnSum = 0;
    while (!buffer.full) {
      const obs = this.lastObs;
      const masks = this.last!.masks;
      const { actions, logProbs, values } = this.policy.act(obs, masks, N, this.actionRng);
      const r = await this.env.step(actions);
      this.steps += N;
      const truncationValues = this.truncationValues(r.truncated, r.terminated, r.infos);
      buffer.add({ obs, masks, actions, rewards: r.rewards, terminated: r.terminated, truncated: r.truncated, truncationValues, values, logProbs });
      for (let e = 0; e < N; e++) {
        this.episodeReturns[e] += r.rewards[e]!;
        if (r.terminated[e] || r.truncated[e]) {
          episodes += 1;
          returnSum += this.episodeReturns[e]!;
          this.episodeReturns[e] = 0;
        }
      }
      this.receive(r);
    }
    const lastValues = this.policy.values(this.lastObs, N).slice();
    buffer.computeReturnsAndAdvantages(lastValues, this.config.gamma, this.config.gaeLambda);
    return { episodes, meanEpisodeReturn: episodes > 0 ? returnSum / episodes : NaN };
  }

  /** nEpochs of minibatch updates on the rollout just collected (SB3 PPO.train). */
  train(): PpoTrainReport {
    const c = this.config;
    const buffer = this.buffer;
    if (!buffer.full) throw new RangeError('PPO train needs a full rollout: call collectRollout first');
    const mb = buffer.minibatch(c.batchSize);
    const dLogits = new Float64Array(c.batchSize * this.env.actionSpace.n);
    const dValues = new Float64Array(c.batchSize);
    const sums = { approxKl: 0, clipFraction: 0, entropy: 0, policyLoss: 0, valueLoss: 0, loss: 0, gradNorm: 0 };
    let gradientSteps = 0;
    let minibatches = 0;
    let epochs = 0;
    let stop = false;
    for (let epoch = 0; epoch < c.nEpochs && !stop; epoch++) {
      epochs += 1;
      const order = buffer.permutation(this.shuffleRng);
      for (let start = 0; start < order.length && !stop; start += c.batchSize) {
        buffer.gather(order, start, Math.min(start + c.batchSize, order.length), mb);
        const { terms, gradNorm } = this.minibatchStep(mb, dLogits, dValues);
        minibatches += 1;
        for (const k of ['approxKl', 'clipFraction', 'entropy', 'policyLoss', 'valueLoss', 'loss'] as const) sums[k] += terms[k];
        if (gradNorm === null) stop = true;
        else {
          sums.gradNorm += gradNorm;
          gradientSteps += 1;
        }
      }
    }
    this.updates += 1;
    const mean = (k: keyof typeof sums, n: number): number => (n > 0 ? sums[k] / n : NaN);
    return {
      update: this.updates,
      timesteps: this.steps,
      approxKl: mean('approxKl', minibatches),
      clipFraction: mean('clipFraction', minibatches),
      entropy: mean('entropy', minibatches),
      policyLoss: mean('policyLoss', minibatches),
      valueLoss: mean('valueLoss', minibatches),
      loss: mean('loss', minibatches),
      explainedVariance: explainedVariance(buffer.values, buffer.returns),
      gradNorm: mean('gradNorm', gradientSteps),
      epochs,
      gradientSteps,
    };
  }

  /**
   * Loss and gradients of one minibatch, then clip and Adam step. Returns the loss terms and the gradient norm before
   * clipping, or gradNorm null when targetKl stops the update (SB3 checks the KL before the step and skips it).
   */
  private minibatchStep(mb: Minibatch, dLogits: Float64Array, dValues: Float64Array): { terms: PpoLossTerms; gradNorm: number | null } {
    const c = this.config;
    const policy = this.policy;
    const B = mb.size;
    if (c.normalizeAdvantage) normalizeAdvantages(mb.advantages, B);
    const input = { ...mb, batch: B, nActions: this.env.actionSpace.n, logits: policy.logits(mb.obs, B), values: policy.values(mb.obs, B) };
    const terms = ppoLoss(input, c, dLogits, dValues);
    if (c.targetKl !== null && terms.approxKl > 1.5 * c.targetKl) return { terms, gradNorm: null };
    policy.grads.fill(0);
    policy.actor.backward(dLogits);
    policy.critic.backward(dValues);
    const gradNorm = clipGradNorm(policy.grads, c.maxGradNorm);
    this.optimizer.step(policy.params, policy.grads);
    return { terms, gradNorm };
  }
}
