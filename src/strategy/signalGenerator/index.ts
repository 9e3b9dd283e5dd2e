// Public surface of the signal generator: generateSignal, its context/settings types, rules and trackers.
export { generateSignal, validateDecision, STRATEGY_API_VERSION, type NoSignalCode } from './signalGenerator.ts';
export { evaluateEntryRule, type RuleHit, type RuleParams } from './rules.ts';
export { RegimeRunTracker, SessionTradeCounter } from './tracking.ts';
export * from './types.ts';
