// Tests of the actor-critic: one parameter vector, seeded init, end-to-end PPO-loss backprop, masked greedy and sampled actions.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/domain/random.ts';
import { ActorCritic } from '../../src/rl/actorCritic.ts';
import { ppoLoss } from '../../src/rl/ppoLoss.ts';

const spec = { obsSize: 3, nActions: 3, actorHidden: [5, 4], criticHidden: [4] };

describe('ActorCritic', () => {
  it('lays actor then critic parameters out in one vector, initialised from its seeds', () => {
    const ac = ActorCritic.initialized(spec, { actor: 1, critic: 2 });
    expect(ac.params.length).toBe(ac.actor.params.length + ac.critic.params.length);
    expect(ac.actor.params.buffer).toBe(ac.params.buffer);
    expect(ac.critic.params.byteOffset).toBe(ac.actor.params.length * 8);
    expect(Array.from(ActorCritic.initialized(spec, { actor: 1, critic: 2 }).params)).toEqual(Array.from(ac.params));
    expect(Array.from(ActorCritic.initialized(spec, { actor: 1, critic: 3 }).actor.params)).toEqual(Array.from(ac.actor.params));
  });

  it('backpropagates the PPO loss to every parameter as central finite differences say', () => {
    const ac = ActorCritic.initialized(spec, { actor: 4, critic: 5 });
    const rng = createRng(6);
    for (let k = 0; k < ac.params.length; k++) ac.params[k] += 0.3 * rng.normal(); // move off the tiny 0.01 head
    const Bn = 5;
    const obs = Float64Array.from({ length: Bn * 3 }, () => rng.normal());
    const masks = Uint8Array.from({ length: Bn * 3 }, (_, k) => (k === 4 ? 0 : 1));
    const batch = {
      batch: Bn,
      nActions: 3,
      masks,
      actions: Int32Array.of(0, 2, 1, 0, 2),
      oldLogProbs: Float64Array.from({ length: Bn }, () => -1 + 0.3 * rng.normal()),
      oldValues: new Float64Array(Bn),
      advantages: Float64Array.from({ length: Bn }, () => rng.normal()),
      returns: Float64Array.from({ length: Bn }, () => rng.normal()),
    };
    const coefs = { clipRange: 0.2, clipRangeVf: null, entCoef: 0.01, vfCoef: 0.5 };
    const dLogits = new Float64Array(Bn * 3);
    const dValues = new Float64Array(Bn);
    const loss = (): number => ppoLoss({ ...batch, logits: ac.logits(obs, Bn), values: ac.values(obs, Bn) }, coefs, dLogits, dValues).loss;
    loss();
    ac.grads.fill(0);
    ac.actor.backward(dLogits);
    ac.critic.backward(dValues);
    const analytic = ac.grads.slice();
    const h = 1e-6;
    for (let k = 0; k < ac.params.length; k++) {
      const p = ac.params[k]!;
      ac.params[k] = p + h;
      const up = loss();
      ac.params[k] = p - h;
      const down = loss();
      ac.params[k] = p;
      expect(analytic[k]).toBeCloseTo((up - down) / (2 * h), 7);
    }
  });

  it('acts greedily without an rng and never picks a masked action', () => {
    const ac = ActorCritic.initialized({ obsSize: 1, nActions: 3, actorHidden: [4], criticHidden: [4] }, { actor: 1, critic: 1 });
    ac.actor.bias(1).set([0, 5, 1]); // action 1 most probable
    const obs = Float64Array.of(0.5, 0.5);
    const masks = Uint8Array.of(1, 1, 1, 1, 0, 1);
    const greedy = ac.act(obs, masks, 2, null);
    expect(Array.from(greedy.actions)).toEqual([1, 2]);
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) expect(ac.act(obs, masks, 2, rng).actions[1]).not.toBe(1);
  });
});
