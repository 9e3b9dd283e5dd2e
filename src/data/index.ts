// Public surface of the data layer: loading, validation, resampling, session dates, synthetic bars.
export { loadBars, type LoadBarsOptions, type LoadBarsResult } from './loadBars.ts';
export { readBarsCsv, summarizeProblems, type DataPolicy, type DataProblem, type ProblemKind } from './csvBars.ts';
export { resampleBars, detectBarMinutes } from './resample.ts';
export { selectTradingDates, sessionColumns, tradingDayColumn, tradingDatesOf, tradingDateStartMs, type SessionColumns } from './tradingDates.ts';
export {
  generateSyntheticBars,
  generateCorrelatedBars,
  DEFAULT_DYNAMICS,
  type SyntheticOptions,
  type SyntheticResult,
  type RegimeDynamics,
  type CorrelatedOptions,
  type SyntheticInstrument,
} from './synthetic.ts';
export { writeBarsCsv, barsToCsv, isoUtc } from './csvWrite.ts';
export { forEachLine } from './lineReader.ts';
export { sharedDataDir, sharedDataFile } from './sharedData.ts';
export { readRollTable, parseRollTable, looksLikeRollHeader, type RollRecord } from './rollTable.ts';
export { backAdjustBars, rollTableOf, type BackAdjustment, type RollTable } from './backAdjust.ts';
export { fileSha256 } from './fileHash.ts';
export { symbolFromFileName, underlyingOf, MICRO_OF_MINI } from './fileSymbol.ts';
export { formatInspectReport, inspectFile } from './inspect.ts';
