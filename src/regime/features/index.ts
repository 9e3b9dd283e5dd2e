// Public surface of the regime features: spec, streaming and batch computation, standardization.
export { featureSpecFromConfig, FEATURE_NAMES, VWAP_DISTANCE_CLAMP, type FeatureName, type FeatureSpec } from './featureSpec.ts';
export { FeatureStream, FeatureStatus } from './featureStream.ts';
export { computeFeatures, type FeatureMatrix } from './computeFeatures.ts';
export { fitStandardization, standardizeRow, standardizeRows, type Standardization } from './standardization.ts';
