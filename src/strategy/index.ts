// Public surface of strategy/: session VWAP, entry filters, the signal generator and the Topstep risk manager.
//
// All of strategy/ is pure (time comes with the bar). The engine wires it, per instrument, in
// src/engine/tradingEngine.ts (the decision at each bar's close: risk.markToMarket → VWAP → regime →
// the decision policy (rules: evaluateFilters → generateSignal) → risk.reserveEntry → a bracket order; executions → risk.onFill and
// commit/release of the reservation) and, per account, in src/engine/session.ts (risk.onTradingDayEnd at
// each trading-day roll, risk.halt for the kill switch). One RiskManager serves every instrument of the
// account; its settings come from riskSettingsFromConfig, the filters' from filterSettingsFromConfig (a
// vendor calendar adjusts the blackout times: src/app/seams/marketInputs.ts).

export * from './filters/index.ts';
export * from './signalGenerator/index.ts';
export * from './riskManager/index.ts';
export * from './policy/index.ts';
export { runGuarded, type Guarded } from './guard.ts';
export { LazyReason, LazyHold, type HasReason } from './lazyReason.ts';
export { regimeRuleWarnings } from './signalGenerator/feasibility.ts';
