// VecEnv whose envs run one after another in the calling thread (the reference the worker-thread VecEnv must match).

import type { ActionSpace, Env, ObservationSpace, VecEnv, VecObservation, VecStepResult } from './envTypes.ts';
import { assembleObservations, assembleStep, resetSlot, sharedSpaces, stepSlot, type VecSpaces } from './envSlot.ts';
import { loadEnvFactory, type EnvModuleSpec } from './envFactoryLoader.ts';

/** N envs in this thread; see VecEnv for auto-reset and seeding. */
export class InProcessVecEnv implements VecEnv {
  readonly numEnvs: number;
  readonly observationSpace: ObservationSpace;
  readonly actionSpace: ActionSpace;
  private readonly spaces: VecSpaces;

  constructor(private readonly envs: readonly Env[]) {
    this.spaces = sharedSpaces(envs);
    this.numEnvs = envs.length;
    this.observationSpace = this.spaces.observationSpace;
    this.actionSpace = this.spaces.actionSpace;
  }

  /** Builds `numEnvs` envs with the module's factory (env i = factory(options, i)), as WorkerVecEnv does. */
  static async fromModule<Options>(spec: EnvModuleSpec<Options>, numEnvs: number): Promise<InProcessVecEnv> {
    const factory = await loadEnvFactory<Options>(spec.module, spec.exportName);
    return new InProcessVecEnv(Array.from({ length: numEnvs }, (_, i) => factory(spec.options, i)));
  }

  async reset(seed?: number, options?: Record<string, unknown>): Promise<VecObservation> {
    const slots = this.envs.map((env, i) => resetSlot(env, i, seed === undefined ? undefined : seed + i, options));
    return assembleObservations(slots, this.spaces);
  }

  async step(actions: Int32Array): Promise<VecStepResult> {
    if (actions.length !== this.numEnvs) throw new RangeError(`VecEnv step needs ${this.numEnvs} actions (got ${actions.length})`);
    return assembleStep(
      this.envs.map((env, i) => stepSlot(env, i, actions[i]!)),
      this.spaces,
    );
  }

  async close(): Promise<void> {
    for (const env of this.envs) env.close?.();
  }
}
