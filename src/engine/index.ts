// Public surface of the engine: the one session loop, its drivers, the broker port and the run records.
export { EngineSession, type EngineSessionOptions, type SessionObserver } from './session.ts';
export { driveSync, driveAsync, wait, type Step } from './drive.ts';
export type { BrokerPort, MaybePromise } from './brokerPort.ts';
export { TradingEngine, type TradingEngineOptions, type BarOutcome } from './tradingEngine.ts';
export { SessionClock } from './sessionClock.ts';
export { RunRecord } from './runRecord.ts';
export type { DecisionRecord, TradeRecord, DayRecord, EquityPoint, BreachRecord, RunResult } from './records.ts';
export type { AccountRecord, StallRecord } from './records.ts';
export { policyInSampleReason } from './runContext.ts';
export type { MarketInputs, PluginFailureCount, PolicyTraining, RegimeSourceOptions, RunContext, RunMode, RunRegimeSource } from './runContext.ts';
export { cheapestStopRiskUsd } from './runRecord.ts';
export { LaneRecord } from './runRecord.ts';
export type { LaneBar, LaneOptions } from './session.ts';
export { PolicyQuestion } from './tradingEngine.ts';
