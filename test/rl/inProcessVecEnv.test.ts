// The VecEnv contract on the in-process VecEnv, plus its space check and module loading.

import { describe, expect, it } from 'vitest';
import { InProcessVecEnv } from '../../src/rl/inProcessVecEnv.ts';
import { createEnv, TOY_ENV_MODULE } from './support/toyEnvs.ts';
import { describeVecEnvContract } from './vecEnvContract.ts';

describeVecEnvContract(
  'InProcessVecEnv',
  async (options, numEnvs) => new InProcessVecEnv(Array.from({ length: numEnvs }, (_, i) => createEnv(options, i))),
);

describe('InProcessVecEnv', () => {
  it('refuses envs whose spaces differ', () => {
    expect(
      () => new InProcessVecEnv([createEnv({ kind: 'chain', length: 3, maxSteps: 5 }, 0), createEnv({ kind: 'chain', length: 4, maxSteps: 5 }, 1)]),
    ).toThrow(/env 1 has observation shape \[4\]/);
  });

  it('builds envs from a factory module path, like the worker VecEnv', async () => {
    const env = await InProcessVecEnv.fromModule({ module: TOY_ENV_MODULE, options: { kind: 'chain', length: 3, maxSteps: 5 } }, 2);
    expect(env.numEnvs).toBe(2);
    await expect(InProcessVecEnv.fromModule({ module: TOY_ENV_MODULE, exportName: 'TOY_ENV_MODULE', options: {} }, 1)).rejects.toThrow(
      /not an env factory/,
    );
  });
});
