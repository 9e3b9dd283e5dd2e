// Steps one env of a vector (with auto-reset and the final observation kept in info) and assembles N results in env order.

import {
  FINAL_INFO_KEY,
  FINAL_OBSERVATION_KEY,
  observationSize,
  type ActionSpace,
  type Env,
  type EnvInfo,
  type ObservationSpace,
  type VecObservation,
  type VecStepResult,
} from './envTypes.ts';

/** One env's part of a reset (structured-cloneable: a worker posts it back). */
export interface SlotObservation {
  readonly obs: Float64Array;
  readonly mask: Uint8Array | null;
  readonly info: EnvInfo;
}

/** One env's part of a step. */
export interface SlotStep extends SlotObservation {
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** Spaces every env of a vector must share. */
export interface VecSpaces {
  readonly observationSpace: ObservationSpace;
  readonly actionSpace: ActionSpace;
}

function checkObservation(env: Env, obs: Float64Array, index: number, what: string): Float64Array {
  const d = observationSize(env.observationSpace);
  if (!(obs instanceof Float64Array) || obs.length !== d) {
    throw new RangeError(
      `env ${index} ${what}: observation must be a Float64Array of length ${d} (got ${obs instanceof Float64Array ? obs.length : typeof obs})`,
    );
  }
  return obs.slice(); // envs may reuse their buffer on the next call
}

function maskOf(env: Env, index: number): Uint8Array | null {
  const mask = env.actionMask();
  if (mask === null) return null;
  if (mask.length !== env.actionSpace.n) throw new RangeError(`env ${index}: action mask has ${mask.length} entries (expected ${env.actionSpace.n})`);
  if (!mask.some((m) => m !== 0)) throw new RangeError(`env ${index}: action mask allows no action`);
  return mask.slice();
}

/** Resets env `index` (seed and options as given). */
export function resetSlot(env: Env, index: number, seed?: number, options?: Record<string, unknown>): SlotObservation {
  const [obs, info] = env.reset(seed, options);
  return { obs: checkObservation(env, obs, index, 'reset'), mask: maskOf(env, index), info };
}

/**
 * Steps env `index`; on terminated or truncated it resets the env (no seed: its generator continues) and returns the
 * reset observation, with info = reset info + FINAL_OBSERVATION_KEY (last observation) + FINAL_INFO_KEY (step info).
 */
export function stepSlot(env: Env, index: number, action: number): SlotStep {
  const n = env.actionSpace.n;
  if (!Number.isInteger(action) || action < 0 || action >= n) throw new RangeError(`env ${index}: action ${action} outside 0..${n - 1}`);
  const [obs, reward, terminated, truncated, info] = env.step(action);
  if (!Number.isFinite(reward)) throw new RangeError(`env ${index}: reward ${reward} is not finite`);
  const last = checkObservation(env, obs, index, 'step');
  if (!terminated && !truncated) return { obs: last, mask: maskOf(env, index), info, reward, terminated, truncated };
  const [first, resetInfo] = env.reset();
  return {
    obs: checkObservation(env, first, index, 'auto-reset'),
    mask: maskOf(env, index),
    info: { ...resetInfo, [FINAL_OBSERVATION_KEY]: last, [FINAL_INFO_KEY]: info },
    reward,
    terminated,
    truncated,
  };
}

/** Checks that every env has the spaces of env 0 and returns them. */
export function sharedSpaces(spaces: readonly VecSpaces[]): VecSpaces {
  if (spaces.length === 0) throw new RangeError('a VecEnv needs at least one env');
  const first = spaces[0]!;
  spaces.forEach((s, i) => {
    if (s.actionSpace.n !== first.actionSpace.n || s.observationSpace.shape.join('x') !== first.observationSpace.shape.join('x')) {
      throw new RangeError(
        `env ${i} has observation shape [${s.observationSpace.shape.join(', ')}] and ${s.actionSpace.n} actions ` +
          `(env 0 has [${first.observationSpace.shape.join(', ')}] and ${first.actionSpace.n})`,
      );
    }
  });
  return { observationSpace: { shape: [...first.observationSpace.shape] }, actionSpace: { n: first.actionSpace.n } };
}

/** Rows in env order: obs (N × D), masks (N × A; rows of envs without a mask are all 1) or null when no env masks. */
export function assembleObservations(slots: readonly SlotObservation[], spaces: VecSpaces): VecObservation {
  const d = observationSize(spaces.observationSpace);
  const a = spaces.actionSpace.n;
  const obs = new Float64Array(slots.length * d);
  const anyMask = slots.some((s) => s.mask !== null);
  const masks = anyMask ? new Uint8Array(slots.length * a).fill(1) : null;
  slots.forEach((s, i) => {
    obs.set(s.obs, i * d);
    if (masks && s.mask) masks.set(s.mask, i * a);
  });
  return { obs, masks, infos: slots.map((s) => s.info) };
}

/** Step rows in env order (see assembleObservations). */
export function assembleStep(slots: readonly SlotStep[], spaces: VecSpaces): VecStepResult {
  const base = assembleObservations(slots, spaces);
  return {
    ...base,
    rewards: Float64Array.from(slots, (s) => s.reward),
    terminated: Uint8Array.from(slots, (s) => (s.terminated ? 1 : 0)),
    truncated: Uint8Array.from(slots, (s) => (s.truncated ? 1 : 0)),
  };
}
