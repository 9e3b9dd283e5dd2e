// Separate actor (policy logits) and critic (state value) MLPs sharing one flat parameter vector, and the masked action step.

import { createRng, type Rng } from '../domain/index.ts';
import { argmaxCategorical, maskedLogSoftmax, sampleCategorical } from './distributions.ts';
import { Mlp, mlpParameterCount } from './mlp.ts';
import { initMlpOrthogonal, POLICY_OUTPUT_GAIN, sb3Gains, VALUE_OUTPUT_GAIN } from './orthogonalInit.ts';

/** Network shapes: actor [obsSize, ...actorHidden, nActions], critic [obsSize, ...criticHidden, 1]. */
export interface ActorCriticSpec {
  readonly obsSize: number;
  readonly nActions: number;
  readonly actorHidden: readonly number[];
  readonly criticHidden: readonly number[];
}

/** Actions chosen for a batch of N observations, with log π(a|s) and V(s). */
export interface ActResult {
  readonly actions: Int32Array;
  readonly logProbs: Float64Array;
  readonly values: Float64Array;
}

/**
 * The PPO model: actor and critic as in SB3's default MlpPolicy (net_arch pi=[64, 64], vf=[64, 64], tanh, no shared
 * layers). `params` = actor params then critic params, so Adam and gradient-norm clipping see one vector.
 */
export class ActorCritic {
  readonly spec: ActorCriticSpec;
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly params: Float64Array;
  readonly grads: Float64Array;

  /** Zero parameters; use `initialized` for training or `params.set` to load saved weights. */
  constructor(spec: ActorCriticSpec) {
    this.spec = { ...spec, actorHidden: [...spec.actorHidden], criticHidden: [...spec.criticHidden] };
    const actorSizes = [spec.obsSize, ...spec.actorHidden, spec.nActions];
    const criticSizes = [spec.obsSize, ...spec.criticHidden, 1];
    const nA = mlpParameterCount(actorSizes);
    const nC = mlpParameterCount(criticSizes);
    this.params = new Float64Array(nA + nC);
    this.grads = new Float64Array(nA + nC);
    this.actor = new Mlp(actorSizes, { params: this.params.subarray(0, nA), grads: this.grads.subarray(0, nA) });
    this.critic = new Mlp(criticSizes, { params: this.params.subarray(nA), grads: this.grads.subarray(nA) });
  }

  /** Orthogonal init with SB3 gains (√2 hidden, 0.01 policy head, 1 value head), zero biases, one seed per network. */
  static initialized(spec: ActorCriticSpec, seeds: { readonly actor: number; readonly critic: number }): ActorCritic {
    const ac = new ActorCritic(spec);
    initMlpOrthogonal(ac.actor, sb3Gains(ac.actor.layers.length, POLICY_OUTPUT_GAIN), createRng(seeds.actor));
    initMlpOrthogonal(ac.critic, sb3Gains(ac.critic.layers.length, VALUE_OUTPUT_GAIN), createRng(seeds.critic));
    return ac;
  }

  /** Logits (B × A) of observations (B × D); a view valid until the next actor forward. */
  logits(obs: Float64Array, batch: number): Float64Array {
    return this.actor.forward(obs, batch);
  }

  /** V(s) (B) of observations (B × D); a view valid until the next critic forward. */
  values(obs: Float64Array, batch: number): Float64Array {
    return this.critic.forward(obs, batch);
  }

  /**
   * For N observations (N × D) and masks (N × A or null): samples a_i ~ π(·|s_i) with `rng`, or takes the most probable
   * allowed action when `rng` is null (deterministic policy).
   */
  act(obs: Float64Array, masks: Uint8Array | null, batch: number, rng: Rng | null): ActResult {
    const A = this.spec.nActions;
    const logits = this.logits(obs, batch);
    const values = this.values(obs, batch).slice();
    const actions = new Int32Array(batch);
    const logProbs = new Float64Array(batch);
    const logp = new Float64Array(A);
    for (let i = 0; i < batch; i++) {
      maskedLogSoftmax(logits.subarray(i * A, (i + 1) * A), masks ? masks.subarray(i * A, (i + 1) * A) : null, logp);
      const a = rng ? sampleCategorical(logp, rng) : argmaxCategorical(logp);
      actions[i] = a;
      logProbs[i] = logp[a]!;
    }
    return { actions, logProbs, values };
  }
}
