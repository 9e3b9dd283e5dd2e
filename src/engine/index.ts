// Public surface of the engine: the one trading loop every mode runs, and its session clock.
export { TradingEngine, type TradingEngineOptions, type BarOutcome } from './tradingEngine.ts';
export { SessionClock } from './sessionClock.ts';
export type { DecisionRecord, RegimeSource } from './types.ts';
