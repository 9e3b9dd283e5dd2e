// Public surface of walk-forward optimization: space, samplers, objectives, overfitting statistics, backends, driver.
export type {
  JsonValue,
  ParamValue,
  Params,
  RetryPolicy,
  TrialContext,
  TrialFunction,
  TrialInput,
  TrialMetrics,
  TrialModuleRef,
  TrialOutcome,
  TrialResult,
  TrialSegment,
} from './types.ts';
export { OptimizeError } from './optimizeError.ts';
export { canonicalJson, deriveSeed, sha256Hex } from './canonicalJson.ts';
export { applyParams, dimensionValues, gridSize, parseSpace, spaceSchema, type Dimension, type ParameterSpace } from './space.ts';
export { createSampler, type Sampler, type SamplerSettings } from './samplers/sampler.ts';
export { DEFAULT_TPE_OPTIONS, type TpeOptions } from './samplers/tpeSampler.ts';
export { objectiveSchema, scoreTrial, type ObjectiveConfig } from './objective.ts';
export {
  deflatedSharpeRatio,
  degradation,
  expectedMaxSharpe,
  periodSharpe,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  sampleMoments,
  type Degradation,
  type DeflatedSharpeResult,
  type PboOptions,
  type PboResult,
} from './overfitting.ts';
export { optimizeSchema, parseOptimizeSettings, type OptimizeInput, type OptimizeSettings } from './optimizeConfig.ts';
export { runOptimization, sweepIdOf, type OptimizationSpec } from './optimizer.ts';
export type { OptimizationSummary, TrialSummary, WindowSummary } from './optimizationSummary.ts';
export type { ProgressCallback, Sweep, SweepProgress, TrialBackend } from './backends/trialBackend.ts';
export { createLocalBackend, type LocalBackendOptions } from './backends/localBackend.ts';
export { createBullmqBackend, type BullmqBackendOptions } from './backends/bullmqBackend.ts';
export { runWorker, type RunWorkerOptions, type WorkerHandle } from './backends/bullmqWorker.ts';
export { trialJobId, windowJobId } from './backends/bullmqJobs.ts';
export { renderOptimizeReport } from './optimizeReport.ts';
