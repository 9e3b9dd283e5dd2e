// The VecEnv contract on the worker-thread VecEnv, trajectory equality with the in-process one, and worker errors.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/domain/random.ts';
import type { VecEnv, VecStepResult } from '../../src/rl/envTypes.ts';
import { InProcessVecEnv } from '../../src/rl/inProcessVecEnv.ts';
import { envSlices, WorkerEnvError, WorkerVecEnv } from '../../src/rl/workerVecEnv.ts';
import { TOY_ENV_MODULE, type ToyEnvOptions } from './support/toyEnvs.ts';
import { describeVecEnvContract } from './vecEnvContract.ts';

describeVecEnvContract('WorkerVecEnv', (options, numEnvs) => WorkerVecEnv.create({ module: TOY_ENV_MODULE, options, numEnvs, numWorkers: 2 }));

/** Plays `steps` seeded random actions and returns every step result. */
async function trajectory(env: VecEnv, seed: number, steps: number): Promise<VecStepResult[]> {
  const rng = createRng(99);
  const out: VecStepResult[] = [];
  await env.reset(seed);
  for (let t = 0; t < steps; t++) out.push(await env.step(Int32Array.from({ length: env.numEnvs }, () => rng.int(env.actionSpace.n))));
  return out;
}

describe('WorkerVecEnv', () => {
  it('splits envs into contiguous slices, the first ones larger', () => {
    expect(envSlices(5, 2)).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    expect(envSlices(2, 2)).toEqual([[0], [1]]);
  });

  it('steps the same trajectories as the in-process VecEnv for the same module, options and seed', async () => {
    const options: ToyEnvOptions = { kind: 'chain', length: 5, maxSteps: 7, bait: 0.1, slip: 0.3 };
    const spec = { module: TOY_ENV_MODULE, options };
    const local = await InProcessVecEnv.fromModule(spec, 5);
    const threaded = await WorkerVecEnv.create({ ...spec, numEnvs: 5, numWorkers: 3 });
    try {
      const a = await trajectory(local, 123, 60);
      const b = await trajectory(threaded, 123, 60);
      expect(b).toEqual(a);
      expect(a.some((s) => s.truncated.some((x) => x === 1))).toBe(true);
      expect(a.some((s) => s.terminated.some((x) => x === 1))).toBe(true);
    } finally {
      await Promise.all([local.close(), threaded.close()]);
    }
  });

  it('rejects with the worker’s error when an env throws, and when the factory export is missing', async () => {
    const env = await WorkerVecEnv.create({ module: TOY_ENV_MODULE, options: { kind: 'bandit', probs: [0.5, 0.5], mask: [1, 0] }, numEnvs: 2 });
    try {
      await env.reset(1);
      const failure = env.step(Int32Array.of(0, 1));
      await expect(failure).rejects.toThrow(/masked arm 1 was pulled/);
      await expect(failure).rejects.toBeInstanceOf(WorkerEnvError);
    } finally {
      await env.close();
    }
    await expect(WorkerVecEnv.create({ module: TOY_ENV_MODULE, exportName: 'nope', options: {}, numEnvs: 1 })).rejects.toThrow(
      /export 'nope' is not an env factory/,
    );
  });
});
