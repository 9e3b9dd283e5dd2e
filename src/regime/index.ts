// Public surface of the regime module: the Gaussian HMM, streaming filter and parity helpers.

export { GaussianHmm, sampleHmm, type GaussianHmmOptions, type FitReport, type Decoded } from './gaussianHmm.ts';
export { StreamingFilter } from './streamingFilter.ts';
export { countFreeParameters, validateParams, cloneParams, type HmmParams, type CovarianceType } from './hmmParams.ts';
export { DEFAULT_PRIORS, type MstepPriors } from './mstep.ts';
export type { EmIteration } from './fitHmm.ts';
export { parseParityFixture, runParity, PARITY_TOLERANCES, type ParityFixture, type ParityReport } from './parity.ts';
