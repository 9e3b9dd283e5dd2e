// Versioned JSON form of a trained PPO policy (weights, observation normaliser, spaces, hyperparameters, seed, metadata):
// build, serialise, parse with field-by-field validation, and load for inference. No file I/O here.

import { ModelError } from '../domain/index.ts';
import { ActorCritic } from './actorCritic.ts';
import { argmaxCategorical, maskedLogSoftmax } from './distributions.ts';
import type { Mlp } from './mlp.ts';
import { ObservationNormalizer, type NormalizerStats } from './normalizer.ts';
import { PPO_DEFAULTS, resolvePpoConfig, type PpoConfig } from './ppoConfig.ts';

export const POLICY_FILE_FORMAT = 'txbot-ppo-policy';
export const POLICY_FILE_VERSION = 1;

/** JSON values allowed in free-form fields. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One dense layer: weight (outputs × inputs, row-major) and bias (outputs). */
export interface LayerJson {
  readonly weight: readonly number[];
  readonly bias: readonly number[];
}

/** An MLP: layer sizes [n_0, ..., n_L], tanh on hidden layers, linear output. */
export interface NetworkJson {
  readonly sizes: readonly number[];
  readonly activation: 'tanh';
  readonly layers: readonly LayerJson[];
}

/** The file. `metadata` is the caller's (training data range, data and code hashes, ...); keep it deterministic. */
export interface PolicyFile {
  readonly format: typeof POLICY_FILE_FORMAT;
  readonly version: typeof POLICY_FILE_VERSION;
  readonly observation: { readonly shape: readonly number[]; readonly normalizer: NormalizerStats | null };
  readonly action: { readonly n: number };
  readonly actor: NetworkJson;
  readonly critic: NetworkJson;
  readonly hyperparameters: PpoConfig;
  readonly seed: number;
  readonly training: { readonly timesteps: number; readonly updates: number };
  readonly metadata: { readonly [key: string]: JsonValue };
}

/** What createPolicyFile needs (Ppo.policyFile supplies it from a trainer). */
export interface PolicyFileInput {
  readonly policy: ActorCritic;
  readonly observationShape: readonly number[];
  readonly normalizer: ObservationNormalizer | null;
  readonly hyperparameters: PpoConfig;
  readonly seed: number;
  readonly timesteps: number;
  readonly updates: number;
  readonly metadata?: { readonly [key: string]: JsonValue };
}

function networkJson(mlp: Mlp): NetworkJson {
  return {
    sizes: [...mlp.sizes],
    activation: 'tanh',
    layers: mlp.layers.map((_, l) => ({ weight: Array.from(mlp.weight(l)), bias: Array.from(mlp.bias(l)) })),
  };
}

/** Builds the file object; key order is fixed so equal inputs give equal bytes. */
export function createPolicyFile(i: PolicyFileInput): PolicyFile {
  return {
    format: POLICY_FILE_FORMAT,
    version: POLICY_FILE_VERSION,
    observation: { shape: [...i.observationShape], normalizer: i.normalizer ? i.normalizer.stats() : null },
    action: { n: i.policy.spec.nActions },
    actor: networkJson(i.policy.actor),
    critic: networkJson(i.policy.critic),
    hyperparameters: i.hyperparameters,
    seed: i.seed,
    training: { timesteps: i.timesteps, updates: i.updates },
    metadata: i.metadata ?? {},
  };
}

/** JSON text of the file (compact, newline-terminated); numbers print as the shortest round-tripping decimal. */
export function serializePolicyFile(file: PolicyFile): string {
  return `${JSON.stringify(file)}\n`;
}

class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, expected: string, found: unknown, code = 'POLICY_INVALID'): never {
    const f = found === undefined ? 'nothing' : typeof found === 'object' ? JSON.stringify(found)?.slice(0, 60) : String(found);
    throw new ModelError(code, `${this.source}: ${path} must be ${expected} (found ${f})`, {
      hint: 'retrain the policy or pass the file it was saved as',
    });
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Record<string, unknown>;
  }

  int(v: unknown, path: string, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(path, `an integer >= ${min}`, v);
    return v;
  }

  /** An array of `length` finite numbers (NaN and ±Infinity are written to JSON as null). */
  numbers(v: unknown, path: string, length: number, what: string): number[] {
    if (!Array.isArray(v)) this.fail(path, `an array of ${what}`, v);
    if (v.length !== length) this.fail(`${path}.length`, `${length} (${what})`, v.length);
    v.forEach((x, k) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(`${path}[${k}]`, 'a finite number', x, 'POLICY_NOT_FINITE');
    });
    return v as number[];
  }

  network(v: unknown, path: string, inputs: number, outputs: number): NetworkJson {
    const o = this.object(v, path);
    if (o.activation !== 'tanh') this.fail(`${path}.activation`, "'tanh'", o.activation);
    if (!Array.isArray(o.sizes) || o.sizes.length < 2) this.fail(`${path}.sizes`, 'an array of at least 2 layer sizes', o.sizes);
    const sizes = o.sizes.map((s, k) => this.int(s, `${path}.sizes[${k}]`, 1));
    if (sizes[0] !== inputs) this.fail(`${path}.sizes[0]`, `${inputs} (the observation size)`, sizes[0]);
    if (sizes[sizes.length - 1] !== outputs) this.fail(`${path}.sizes[${sizes.length - 1}]`, `${outputs}`, sizes[sizes.length - 1]);
    if (!Array.isArray(o.layers) || o.layers.length !== sizes.length - 1)
      this.fail(`${path}.layers`, `an array of ${sizes.length - 1} layers`, o.layers);
    const layers = o.layers.map((layer, l) => {
      const lo = this.object(layer, `${path}.layers[${l}]`);
      const nIn = sizes[l]!;
      const nOut = sizes[l + 1]!;
      return {
        weight: this.numbers(lo.weight, `${path}.layers[${l}].weight`, nIn * nOut, `${nOut} × ${nIn} weights`),
        bias: this.numbers(lo.bias, `${path}.layers[${l}].bias`, nOut, `${nOut} biases`),
      };
    });
    return { sizes, activation: 'tanh', layers };
  }

  /** Every PpoConfig key present and within its rule. */
  hyperparameters(v: unknown, path: string): PpoConfig {
    const o = this.object(v, path);
    for (const key of Object.keys(PPO_DEFAULTS)) if (!(key in o)) this.fail(`${path}.${key}`, 'present', undefined);
    try {
      return resolvePpoConfig(o as Partial<PpoConfig>);
    } catch (e) {
      return this.fail(path, 'valid PPO hyperparameters', (e as Error).message);
    }
  }

  normalizer(v: unknown, path: string, size: number): NormalizerStats | null {
    if (v === null) return null;
    const o = this.object(v, path);
    const mean = this.numbers(o.mean, `${path}.mean`, size, `${size} feature means`);
    const variance = this.numbers(o.var, `${path}.var`, size, `${size} feature variances`);
    variance.forEach((x, k) => x < 0 && this.fail(`${path}.var[${k}]`, '>= 0', x));
    for (const key of ['count', 'clip', 'epsilon'] as const) {
      if (typeof o[key] !== 'number' || !(o[key] > 0) || !Number.isFinite(o[key])) this.fail(`${path}.${key}`, 'a finite number > 0', o[key]);
    }
    if (typeof o.frozen !== 'boolean') this.fail(`${path}.frozen`, 'a boolean', o.frozen);
    return { mean, var: variance, count: o.count as number, clip: o.clip as number, epsilon: o.epsilon as number, frozen: o.frozen };
  }
}

/**
 * Checks a parsed value field by field and returns it as a PolicyFile. Throws ModelError: POLICY_VERSION (unknown format
 * version), POLICY_NOT_FINITE (NaN/infinite weight or statistic), POLICY_INVALID (anything else: wrong shape, missing field).
 */
export function validatePolicyFile(value: unknown, source = 'policy file'): PolicyFile {
  const ck: Checker = new Checker(source);
  const root = ck.object(value, 'the file');
  if (root.format !== POLICY_FILE_FORMAT) ck.fail('format', `'${POLICY_FILE_FORMAT}'`, root.format);
  if (root.version !== POLICY_FILE_VERSION)
    ck.fail('version', `${POLICY_FILE_VERSION} (the supported format version)`, root.version, 'POLICY_VERSION');
  const obs = ck.object(root.observation, 'observation');
  if (!Array.isArray(obs.shape) || obs.shape.length < 1) ck.fail('observation.shape', 'a non-empty array of dimensions', obs.shape);
  const shape = obs.shape.map((s, k) => ck.int(s, `observation.shape[${k}]`, 1));
  const obsSize = shape.reduce((a, b) => a * b, 1);
  const n = ck.int(ck.object(root.action, 'action').n, 'action.n', 1);
  const hyper = ck.hyperparameters(root.hyperparameters, 'hyperparameters');
  const training = ck.object(root.training, 'training');
  if (typeof root.seed !== 'number' || !Number.isInteger(root.seed)) ck.fail('seed', 'an integer', root.seed);
  return {
    format: POLICY_FILE_FORMAT,
    version: POLICY_FILE_VERSION,
    observation: { shape, normalizer: ck.normalizer(obs.normalizer, 'observation.normalizer', obsSize) },
    action: { n },
    actor: ck.network(root.actor, 'actor', obsSize, n),
    critic: ck.network(root.critic, 'critic', obsSize, 1),
    hyperparameters: hyper,
    seed: root.seed,
    training: { timesteps: ck.int(training.timesteps, 'training.timesteps', 0), updates: ck.int(training.updates, 'training.updates', 0) },
    metadata: ck.object(root.metadata, 'metadata') as PolicyFile['metadata'],
  };
}

/** Parses and validates JSON text (`source` names the file in errors). */
export function parsePolicyFile(text: string, source = 'policy file'): PolicyFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ModelError('POLICY_INVALID', `${source}: not valid JSON (${(e as Error).message})`);
  }
  return validatePolicyFile(value, source);
}

/** A policy ready for inference: raw observation in, action out; the normaliser is used frozen. */
export interface LoadedPolicy {
  readonly file: PolicyFile;
  readonly model: ActorCritic;
  readonly normalizer: ObservationNormalizer | null;
  /** π(·|s) for one raw observation (D) and mask (A or null); masked actions get exactly 0. */
  actionProbabilities(obs: Float64Array, mask: Uint8Array | null): Float64Array;
  /** The most probable allowed action (the deterministic policy). */
  predict(obs: Float64Array, mask: Uint8Array | null): number;
  /** V(s) of one raw observation. */
  value(obs: Float64Array): number;
}

function fillNetwork(mlp: Mlp, net: NetworkJson): void {
  net.layers.forEach((layer, l) => {
    mlp.weight(l).set(layer.weight);
    mlp.bias(l).set(layer.bias);
  });
}

/** Builds the networks and normaliser of a validated file. */
export function loadPolicy(file: PolicyFile): LoadedPolicy {
  const obsSize = file.observation.shape.reduce((a, b) => a * b, 1);
  const model = new ActorCritic({
    obsSize,
    nActions: file.action.n,
    actorHidden: file.actor.sizes.slice(1, -1),
    criticHidden: file.critic.sizes.slice(1, -1),
  });
  fillNetwork(model.actor, file.actor);
  fillNetwork(model.critic, file.critic);
  const normalizer = file.observation.normalizer ? ObservationNormalizer.fromStats({ ...file.observation.normalizer, frozen: true }) : null;
  const prepare = (obs: Float64Array): Float64Array => {
    if (obs.length !== obsSize) throw new RangeError(`policy observation has ${obs.length} values (expected ${obsSize})`);
    return normalizer ? normalizer.normalize(obs, 1) : obs;
  };
  const logProbs = (obs: Float64Array, mask: Uint8Array | null): Float64Array => maskedLogSoftmax(model.logits(prepare(obs), 1), mask);
  return {
    file,
    model,
    normalizer,
    actionProbabilities: (obs, mask) => logProbs(obs, mask).map(Math.exp),
    predict: (obs, mask) => argmaxCategorical(logProbs(obs, mask)),
    value: (obs) => model.values(prepare(obs), 1)[0]!,
  };
}
