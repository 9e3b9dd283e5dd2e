// Gymnasium-style environment and vectorised-environment interfaces that PPO trains on (discrete actions, flat observations).

/** Extra per-step facts from an env; must be structured-cloneable when the env runs on a worker thread. */
export type EnvInfo = Record<string, unknown>;

/** Box observation space: a flat Float64Array of `shape` (txbot uses one-dimensional shapes, [D]). */
export interface ObservationSpace {
  readonly shape: readonly number[];
}

/** Discrete action space {0, ..., n−1}. */
export interface ActionSpace {
  readonly n: number;
}

/** `reset` result: the first observation and info (Gymnasium `reset` → (obs, info)). */
export type ResetResult = [obs: Float64Array, info: EnvInfo];

/** `step` result (Gymnasium ≥ 0.26): terminated = reached a terminal state; truncated = cut off (time limit, data end). */
export type StepResult = [obs: Float64Array, reward: number, terminated: boolean, truncated: boolean, info: EnvInfo];

/**
 * One environment. After `terminated || truncated` the caller must `reset` before the next `step`.
 * `reset(seed)` with a seed reseeds the env's own generator; without one it continues from its current state.
 */
export interface Env {
  readonly observationSpace: ObservationSpace;
  readonly actionSpace: ActionSpace;
  reset(seed?: number, options?: Record<string, unknown>): ResetResult;
  step(action: number): StepResult;
  /** Allowed actions for the current observation (length n, 1 = allowed), or null when every action is allowed. */
  actionMask(): Uint8Array | null;
  close?(): void;
}

/** Builds env number `index` of a vector from serialisable options; a worker-thread VecEnv imports one by module path. */
export type EnvFactory<Options = unknown> = (options: Options, index: number) => Env;

/** Keys a VecEnv adds to an env's info on the step that ended its episode (the info then belongs to the reset). */
export const FINAL_OBSERVATION_KEY = 'finalObservation';
export const FINAL_INFO_KEY = 'finalInfo';

/** Batch of N observations after reset or step: obs (N × D, row-major), masks (N × A) or null when no env masks. */
export interface VecObservation {
  readonly obs: Float64Array;
  readonly masks: Uint8Array | null;
  readonly infos: readonly EnvInfo[];
}

/**
 * One step of N envs. Envs that finished are reset automatically (SB3 VecEnv convention): `obs` row i is then the first
 * observation of the next episode, and `infos[i]` holds FINAL_OBSERVATION_KEY (the observation the episode ended on,
 * needed to bootstrap truncated episodes) and FINAL_INFO_KEY (the step's own info).
 */
export interface VecStepResult extends VecObservation {
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
}

/**
 * N envs stepped together; asynchronous so envs can live on worker threads. Rows are always in env order, so results
 * do not depend on scheduling. `reset(seed)` seeds env i with seed + i (SB3); `reset()` leaves the envs' generators as they are.
 */
export interface VecEnv {
  readonly numEnvs: number;
  readonly observationSpace: ObservationSpace;
  readonly actionSpace: ActionSpace;
  reset(seed?: number, options?: Record<string, unknown>): Promise<VecObservation>;
  /** `actions[i]` goes to env i. */
  step(actions: Int32Array): Promise<VecStepResult>;
  close(): Promise<void>;
}

/** Flat observation size D = Π shape. */
export function observationSize(space: ObservationSpace): number {
  return space.shape.reduce((a, b) => a * b, 1);
}

/** The final observation a VecEnv left in an info on an episode's last step, or null. */
export function finalObservationOf(info: EnvInfo): Float64Array | null {
  const v = info[FINAL_OBSERVATION_KEY];
  return v instanceof Float64Array ? v : null;
}
