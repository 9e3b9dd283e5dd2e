// Public surface of HMM retraining: pipeline core, history source, label mapping, model swap, triggers,
// controller and the retrain job types (runners live in src/app/).

export {
  runRetrain,
  splitForRetrain,
  retrainSettingsFromConfig,
  type RetrainOutcome,
  type RetrainSettings,
  type RetrainSplit,
  type RetrainDecisionCode,
} from './pipeline.ts';
export { SeriesHistorySource, startOfLastTradingDays, type BarHistorySource } from './historySource.ts';
export { scoreOnValidation, type ValidationScore } from './validationScore.ts';
export { mapLabels, relabelByMeanReturn, type LabelMapping } from './labelMapping.ts';
export { SwappableRegimeDetector, type SwappableDetectorOptions } from './swappableDetector.ts';
export {
  checkRetrainTriggers,
  triggerSettingsFromConfig,
  type RetrainTrigger,
  type RetrainTriggerKind,
  type TriggerSettings,
  type TriggerInput,
} from './triggers.ts';
export { RetrainController, type RetrainControllerOptions, type RetrainEvent, type TrainingClock } from './controller.ts';
export { RetrainError, type RetrainJob, type RetrainRunner, type WorkerMessage } from './retrainJob.ts';
