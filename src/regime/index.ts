// Public surface of the regime module: Gaussian HMM, streaming filter, features, labels, model store,
// trainer and detector, and the parity helpers.

export { GaussianHmm, sampleHmm, type GaussianHmmOptions, type FitReport, type Decoded } from './gaussianHmm.ts';
export { StreamingFilter } from './streamingFilter.ts';
export { countFreeParameters, validateParams, cloneParams, type HmmParams, type CovarianceType } from './hmmParams.ts';
export { DEFAULT_PRIORS, type MstepPriors } from './mstep.ts';
export type { EmIteration } from './fitHmm.ts';
export { parseParityFixture, runParity, PARITY_TOLERANCES, type ParityFixture, type ParityReport } from './parity.ts';
export * from './features/index.ts';
export { labelsInOrder, statesByMeanReturn, permuteStates, requireDataForStates, MIN_DAYS_FOR_7_STATES } from './labels.ts';
export {
  regimeModelToJson,
  regimeModelFromJson,
  REGIME_MODEL_FORMAT,
  REGIME_MODEL_VERSION,
  type RegimeModel,
  type TrainingInfo,
} from './modelStore.ts';
export {
  trainRegimeModel,
  selectTrainingRows,
  hashBars,
  type TrainResult,
  type TrainOptions,
  type StateSummary,
  type TrainingRows,
} from './trainer.ts';
export { RegimeDetector, type RegimeDetectorOptions } from './detector.ts';
export { DriftMonitor, driftRatio, replayDrift, type DriftSettings, type DriftStatus, type DriftDay } from './drift.ts';
export type { ModelStore, ModelVersion, CurrentModel } from './modelRepository.ts';
export * from './retrain/index.ts';
export { inSampleReason } from './inSample.ts';
export { withMinDwell } from './dwell.ts';
export { labelQuality, labelQualityLines } from './labelQuality.ts';
export type { LabelQuality } from './labelQuality.ts';
export { modelConfigDifferences, requireRegimeTablesCover } from './modelConfigCheck.ts';
