// PPO on toy problems with known optima (bandit, masked bandit, chain MDP, reward stream), diagnostics, determinism, worker equality.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/domain/random.ts';
import { sampleCategorical } from '../../src/rl/distributions.ts';
import { InProcessVecEnv } from '../../src/rl/inProcessVecEnv.ts';
import { loadPolicy, serializePolicyFile, type LoadedPolicy } from '../../src/rl/policyFile.ts';
import { Ppo, type PpoUpdateReport } from '../../src/rl/ppo.ts';
import { PPO_DEFAULTS, resolvePpoConfig, type PpoConfig } from '../../src/rl/ppoConfig.ts';
import { WorkerVecEnv } from '../../src/rl/workerVecEnv.ts';
import { createEnv, greedyReturn, TOY_ENV_MODULE, type ToyEnvOptions } from './support/toyEnvs.ts';

// Toy runs use small rollouts and a larger learning rate than SB3's 3e-4 so each stays within a few seconds of CPU.
const BANDIT_CONFIG: Partial<PpoConfig> = { nSteps: 16, batchSize: 16, nEpochs: 4, learningRate: 3e-3 };
const CHAIN_CONFIG: Partial<PpoConfig> = { nSteps: 32, batchSize: 32, nEpochs: 4, learningRate: 1e-3 };
const CHAIN: ToyEnvOptions = { kind: 'chain', length: 5, maxSteps: 12, bait: 0.1 };

function vec(options: ToyEnvOptions, numEnvs: number): InProcessVecEnv {
  return new InProcessVecEnv(Array.from({ length: numEnvs }, (_, i) => createEnv(options, i)));
}

async function train(
  options: ToyEnvOptions,
  config: Partial<PpoConfig>,
  steps: number,
  seed: number,
): Promise<{ ppo: Ppo; reports: PpoUpdateReport[]; policy: LoadedPolicy }> {
  const ppo = new Ppo(vec(options, 4), config, seed);
  const reports = await ppo.learn(steps);
  return { ppo, reports, policy: loadPolicy(ppo.policyFile()) };
}

/** Share of `n` actions sampled from the policy (seeded) that equal `arm`. */
function sampledShare(policy: LoadedPolicy, mask: Uint8Array | null, arm: number, n: number): number {
  const logp = policy.actionProbabilities(Float64Array.of(1), mask).map(Math.log);
  const rng = createRng(77);
  let hits = 0;
  for (let i = 0; i < n; i++) if (sampleCategorical(logp, rng) === arm) hits += 1;
  return hits / n;
}

const oneHot = (k: number): Float64Array => Float64Array.from({ length: 5 }, (_, j) => (j === k ? 1 : 0));

describe('PPO', () => {
  it('uses the SB3 PPO defaults', () => {
    expect(resolvePpoConfig()).toEqual({
      nSteps: 2048,
      batchSize: 64,
      nEpochs: 10,
      gamma: 0.99,
      gaeLambda: 0.95,
      clipRange: 0.2,
      clipRangeVf: null,
      normalizeAdvantage: true,
      entCoef: 0,
      vfCoef: 0.5,
      maxGradNorm: 0.5,
      learningRate: 3e-4,
      adamEps: 1e-5,
      targetKl: null,
      actorHidden: [64, 64],
      criticHidden: [64, 64],
      normalizeObservations: false,
    });
    expect(() => resolvePpoConfig({ nSteps: 0, gamma: 2 })).toThrow(/nSteps must be an integer >= 1 \(got 0\); gamma must be in \[0, 1\] \(got 2\)/);
  });

  it('learns to pick the better arm of a two-armed bandit (> 95%) within 1,536 steps', async () => {
    const untrained = loadPolicy(new Ppo(vec({ kind: 'bandit', probs: [0.3, 0.7] }, 1), BANDIT_CONFIG, 1).policyFile());
    expect(untrained.actionProbabilities(Float64Array.of(1), null)[1]).toBeCloseTo(0.5, 1); // 0.01 output gain: near uniform
    const { policy, reports } = await train({ kind: 'bandit', probs: [0.3, 0.7] }, BANDIT_CONFIG, 1536, 1);
    expect(reports.length).toBe(24);
    expect(policy.actionProbabilities(Float64Array.of(1), null)[1]).toBeGreaterThan(0.95);
    expect(sampledShare(policy, null, 1, 2000)).toBeGreaterThan(0.95);
    expect(reports.at(-1)!.meanEpisodeReturn).toBeGreaterThan(0.6);
  });

  it('never takes a masked action, even when it is the best arm, and learns the best allowed one', async () => {
    // arm 1 pays most but is masked; the env throws if it is ever pulled, which would fail the run
    const mask = [1, 0, 1];
    const { policy } = await train({ kind: 'bandit', probs: [0.2, 0.9, 0.6], mask }, BANDIT_CONFIG, 1536, 2);
    const probs = policy.actionProbabilities(Float64Array.of(1), Uint8Array.from(mask));
    expect(probs[1]).toBe(0);
    expect(probs[2]).toBeGreaterThan(0.95);
    expect(policy.predict(Float64Array.of(1), Uint8Array.from(mask))).toBe(2);
  });

  it('learns the optimal policy of a 5-state chain with a delayed reward and a tempting early exit within 3,072 steps', async () => {
    const { policy, reports } = await train(CHAIN, CHAIN_CONFIG, 3072, 3);
    expect(reports[0]!.meanEpisodeReturn).toBeLessThan(0.5); // the random start policy mostly takes the bait or wanders
    for (let s = 0; s < 4; s++) expect(policy.actionProbabilities(oneHot(s), null)[1]).toBeGreaterThan(0.95);
    expect(greedyReturn(CHAIN, (o) => policy.predict(o, null))).toEqual({ ret: 1, steps: 4 });
    expect(reports.at(-1)!.meanEpisodeReturn).toBeGreaterThan(0.9);
    expect(reports.at(-1)!.explainedVariance).toBeGreaterThan(0.5);
  });

  it('bootstraps truncated episodes: on an endless reward stream cut every 3 steps V → 1/(1 − γ)', async () => {
    // With γ = 0.5 the bootstrapped value is 2; treating the cut as a termination would fit ≈ 1.42 (mean of 1.75, 1.5, 1).
    const { policy } = await train(
      { kind: 'stream', maxSteps: 3 },
      { nSteps: 16, batchSize: 32, nEpochs: 4, learningRate: 3e-3, gamma: 0.5 },
      512,
      4,
    );
    expect(policy.value(Float64Array.of(1))).toBeCloseTo(2, 1);
  });

  it('reports per-update diagnostics in their ranges', async () => {
    const { reports } = await train(CHAIN, { ...CHAIN_CONFIG, entCoef: 0.01 }, 256, 5);
    expect(reports.map((r) => r.timesteps)).toEqual([128, 256]);
    for (const r of reports) {
      expect(r.approxKl).toBeGreaterThanOrEqual(0);
      expect(r.clipFraction).toBeGreaterThanOrEqual(0);
      expect(r.clipFraction).toBeLessThanOrEqual(1);
      expect(r.entropy).toBeGreaterThan(0);
      expect(r.entropy).toBeLessThanOrEqual(Math.log(2) + 1e-12);
      expect(r.valueLoss).toBeGreaterThan(0);
      expect(Number.isFinite(r.policyLoss) && Number.isFinite(r.explainedVariance) && Number.isFinite(r.gradNorm)).toBe(true);
      expect(r.loss).toBeCloseTo(r.policyLoss - 0.01 * r.entropy + 0.5 * r.valueLoss, 12);
      expect([r.epochs, r.gradientSteps]).toEqual([4, 16]);
    }
  });

  it('stops an update early once approx KL exceeds 1.5 × targetKl', async () => {
    const { reports } = await train(CHAIN, { ...CHAIN_CONFIG, learningRate: 0.05, targetKl: 1e-6 }, 256, 5);
    expect(reports.some((r) => r.epochs < 4 && r.gradientSteps < 16)).toBe(true);
  });

  it('is deterministic: the same seed gives the same policy file bytes, another seed different ones', async () => {
    const options: ToyEnvOptions = { ...CHAIN, slip: 0.2 };
    const config = { ...CHAIN_CONFIG, normalizeObservations: true, entCoef: 0.01 };
    const bytes = async (seed: number): Promise<string> =>
      serializePolicyFile((await train(options, config, 384, seed)).ppo.policyFile({ note: 'test' }));
    const a = await bytes(11);
    expect(await bytes(11)).toBe(a);
    expect(await bytes(12)).not.toBe(a);
    expect(JSON.parse(a).observation.normalizer.count).toBeGreaterThan(384); // stats were fitted and saved
  });

  it('trains identically on the worker-thread VecEnv and the in-process one', async () => {
    const spec = { module: TOY_ENV_MODULE, options: { ...CHAIN, slip: 0.2 } as ToyEnvOptions };
    const config = { ...CHAIN_CONFIG, normalizeObservations: true };
    const threaded = await WorkerVecEnv.create({ ...spec, numEnvs: 4, numWorkers: 2 });
    try {
      const viaWorkers = new Ppo(threaded, config, 21);
      await viaWorkers.learn(256);
      const inProcess = new Ppo(await InProcessVecEnv.fromModule(spec, 4), config, 21);
      await inProcess.learn(256);
      expect(serializePolicyFile(viaWorkers.policyFile())).toBe(serializePolicyFile(inProcess.policyFile()));
    } finally {
      await threaded.close();
    }
  });

  it('refuses to train before a rollout is collected, and trains on one collected by hand', async () => {
    const ppo = new Ppo(vec(CHAIN, 2), { ...CHAIN_CONFIG, nSteps: 8, batchSize: 8 }, 6);
    expect(() => ppo.train()).toThrow(/call collectRollout first/);
    await ppo.collectRollout();
    const before = ppo.policy.params.slice();
    expect(ppo.train().gradientSteps).toBe(8);
    expect(Array.from(ppo.policy.params)).not.toEqual(Array.from(before));
  });

  it('continues the running episodes on a second learn call and counts timesteps across calls', async () => {
    const ppo = new Ppo(vec(CHAIN, 2), { ...CHAIN_CONFIG, nSteps: 8, batchSize: 8 }, 6);
    await ppo.learn(16);
    const more = await ppo.learn(10); // whole rollouts: 16 steps
    expect(more.map((r) => r.timesteps)).toEqual([32]);
    expect(ppo.updateCount).toBe(2);
    expect(ppo.policyFile().hyperparameters).toEqual({ ...PPO_DEFAULTS, ...CHAIN_CONFIG, nSteps: 8, batchSize: 8 });
  });
});
