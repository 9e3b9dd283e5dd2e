// Public surface of rl/: PPO, its networks and optimizer, environments and vector envs, policy files.

export { Mlp, mlpParameterCount, type LayerLayout, type MlpStorage } from './mlp.ts';
export { orthogonalMatrix, initMlpOrthogonal, sb3Gains, HIDDEN_GAIN, POLICY_OUTPUT_GAIN, VALUE_OUTPUT_GAIN } from './orthogonalInit.ts';
export { Adam, clipGradNorm, type AdamOptions, type AdamState } from './adam.ts';
export { maskedLogSoftmax, categoricalEntropy, sampleCategorical, argmaxCategorical, logProbGradient, entropyGradient } from './distributions.ts';
export { computeGae, type GaeInput } from './gae.ts';
export { RolloutBuffer, type RolloutStep, type Minibatch } from './rolloutBuffer.ts';
export { ObservationNormalizer, NORMALIZER_DEFAULTS, type NormalizerStats } from './normalizer.ts';
export { ActorCritic, type ActorCriticSpec, type ActResult } from './actorCritic.ts';
export { ppoLoss, normalizeAdvantages, explainedVariance, type PpoLossCoefficients, type PpoLossInput, type PpoLossTerms } from './ppoLoss.ts';
export { PPO_DEFAULTS, resolvePpoConfig, type PpoConfig } from './ppoConfig.ts';
export { Ppo, type PpoUpdateReport, type PpoTrainReport, type RolloutSummary, type LearnHooks } from './ppo.ts';
export { splitSeed, type RunSeeds } from './seeds.ts';
export * from './envTypes.ts';
export { InProcessVecEnv } from './inProcessVecEnv.ts';
export { WorkerVecEnv, WorkerEnvError, envSlices, type WorkerVecEnvOptions } from './workerVecEnv.ts';
export { loadEnvFactory, envModuleUrl, type EnvModuleSpec } from './envFactoryLoader.ts';
export {
  POLICY_FILE_FORMAT,
  POLICY_FILE_VERSION,
  createPolicyFile,
  serializePolicyFile,
  parsePolicyFile,
  validatePolicyFile,
  loadPolicy,
  type PolicyFile,
  type PolicyFileInput,
  type LoadedPolicy,
  type NetworkJson,
  type LayerJson,
  type JsonValue,
} from './policyFile.ts';
export { TradingEnv } from './env.ts';
export { OBSERVATION_NAMES } from './observation.ts';
export { ActionPolicy, trainedPolicy } from './rlPolicy.ts';
export { TRADING_ACTIONS } from './tradingActions.ts';
