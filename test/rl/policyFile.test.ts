// Tests of the policy file: byte-exact round trip, normaliser and masks at inference, validation errors by code and message.

import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/domain/errors.ts';
import { ActorCritic } from '../../src/rl/actorCritic.ts';
import { ObservationNormalizer } from '../../src/rl/normalizer.ts';
import { createPolicyFile, loadPolicy, parsePolicyFile, serializePolicyFile, validatePolicyFile, type PolicyFile } from '../../src/rl/policyFile.ts';
import { resolvePpoConfig } from '../../src/rl/ppoConfig.ts';

const spec = { obsSize: 3, nActions: 4, actorHidden: [8, 8], criticHidden: [6] };

function sampleFile(): PolicyFile {
  const normalizer = new ObservationNormalizer(3);
  normalizer.update(Float64Array.of(1, 2, 3, 2, 0, -1, 0.5, 9, 4), 3);
  normalizer.freeze();
  return createPolicyFile({
    policy: ActorCritic.initialized(spec, { actor: 1, critic: 2 }),
    observationShape: [3],
    normalizer,
    hyperparameters: resolvePpoConfig({ actorHidden: [8, 8], criticHidden: [6] }),
    seed: 42,
    timesteps: 4096,
    updates: 2,
    metadata: { trainFrom: '2020-01-02', trainTo: '2021-12-31', dataHash: 'ab12', tags: ['mnq', 5] },
  });
}

/** Parsed JSON the tests corrupt field by field (any: the edits reach arbitrary depths of an untyped document). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = any;

/** The file as plain JSON, changed by `edit`, validated. */
function validateEdited(edit: (json: LooseJson) => void): PolicyFile {
  const json = JSON.parse(serializePolicyFile(sampleFile())) as LooseJson;
  edit(json);
  return validatePolicyFile(json, 'policy.json');
}

function errorOf(f: () => unknown): ModelError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error('expected a ModelError');
}

describe('policy file', () => {
  it('round-trips through JSON text to the same bytes and the same decisions', () => {
    const file = sampleFile();
    const text = serializePolicyFile(file);
    const parsed = parsePolicyFile(text, 'policy.json');
    expect(serializePolicyFile(parsed)).toBe(text);
    expect(parsed.metadata).toEqual({ trainFrom: '2020-01-02', trainTo: '2021-12-31', dataHash: 'ab12', tags: ['mnq', 5] });
    const a = loadPolicy(file);
    const b = loadPolicy(parsed);
    const obs = Float64Array.of(1.5, 0.2, -3);
    expect(Array.from(b.actionProbabilities(obs, null))).toEqual(Array.from(a.actionProbabilities(obs, null)));
    expect(b.value(obs)).toBe(a.value(obs));
  });

  it('applies the saved normaliser before the networks and keeps it frozen', () => {
    const file = sampleFile();
    const p = loadPolicy(file);
    const obs = Float64Array.of(1.5, 0.2, -3);
    const n = ObservationNormalizer.fromStats(file.observation.normalizer!);
    const direct = ActorCritic.initialized(spec, { actor: 1, critic: 2 });
    expect(p.value(obs)).toBe(direct.values(n.normalize(obs, 1), 1)[0]);
    expect(p.normalizer!.frozen).toBe(true);
  });

  it('gives masked actions probability 0 and predicts the most probable allowed action', () => {
    const file = sampleFile();
    const p = loadPolicy(file);
    const obs = Float64Array.of(0, 0, 0);
    const probs = p.actionProbabilities(obs, Uint8Array.of(0, 1, 1, 0));
    expect([probs[0], probs[3]]).toEqual([0, 0]);
    expect(probs[1]! + probs[2]!).toBeCloseTo(1, 14);
    expect(p.predict(obs, Uint8Array.of(0, 1, 1, 0))).toBe(probs[1]! >= probs[2]! ? 1 : 2);
    expect(() => p.predict(Float64Array.of(1), null)).toThrow(/expected 3/);
  });

  it('rejects an unknown format version with POLICY_VERSION', () => {
    const e = errorOf(() => validateEdited((j) => (j.version = 2)));
    expect(e.code).toBe('POLICY_VERSION');
    expect(e.message).toBe('policy.json: version must be 1 (the supported format version) (found 2)');
  });

  it('rejects NaN or infinite weights (written to JSON as null) with POLICY_NOT_FINITE', () => {
    const e = errorOf(() => validateEdited((j) => (j.critic.layers[1].weight[3] = null)));
    expect(e.code).toBe('POLICY_NOT_FINITE');
    expect(e.message).toBe('policy.json: critic.layers[1].weight[3] must be a finite number (found null)');
  });

  it('rejects weights of the wrong shape, naming the layer and the expected count', () => {
    const e = errorOf(() => validateEdited((j) => j.actor.layers[1].weight.pop()));
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.message).toBe('policy.json: actor.layers[1].weight.length must be 64 (8 × 8 weights) (found 63)');
  });

  it('rejects networks that do not fit the observation or action spec', () => {
    expect(errorOf(() => validateEdited((j) => (j.action.n = 5))).message).toMatch(/actor\.sizes\[3\] must be 5 \(found 4\)/);
    expect(errorOf(() => validateEdited((j) => ((j.observation.shape = [4]), (j.observation.normalizer = null)))).message).toMatch(
      /actor\.sizes\[0\] must be 4 \(the observation size\)/,
    );
    expect(errorOf(() => validateEdited((j) => j.observation.normalizer.mean.pop())).message).toMatch(
      /observation\.normalizer\.mean\.length must be 3/,
    );
    expect(errorOf(() => validateEdited((j) => (j.critic.activation = 'relu'))).message).toMatch(/critic\.activation must be 'tanh'/);
  });

  it('rejects missing or invalid hyperparameters, a wrong format tag and text that is not JSON', () => {
    expect(errorOf(() => validateEdited((j) => delete j.hyperparameters.gamma)).message).toMatch(/hyperparameters\.gamma must be present/);
    expect(errorOf(() => validateEdited((j) => (j.hyperparameters.batchSize = 0))).message).toMatch(/batchSize must be an integer >= 1/);
    expect(errorOf(() => validateEdited((j) => (j.format = 'txbot-regime-model'))).message).toMatch(/format must be 'txbot-ppo-policy'/);
    expect(errorOf(() => parsePolicyFile('{"format":', 'policy.json')).message).toMatch(/^policy\.json: not valid JSON/);
  });

  it('accepts a policy without observation normalisation', () => {
    const p = validateEdited((j) => (j.observation.normalizer = null));
    expect(loadPolicy(p).normalizer).toBeNull();
  });
});
