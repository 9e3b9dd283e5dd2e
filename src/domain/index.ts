// The domain layer's surface: bars, instruments, orders, sessions, time, errors, the Clock and the small pure helpers every layer uses.
export type { Alert } from './alert.ts';
export { allocateBarSeries, barAt, barSeriesFromBars, lowerBoundTs, sliceBarSeries } from './bar.ts';
export type { Bar, BarSeries } from './bar.ts';
export { ManualClock, systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { childLoaderArgs, codeModuleUrl, repoRoot, workerEntry } from './codeLocation.ts';
export { COMBINE_PLAN_NAMES, combinePlanNamed, exceedsCombinePlan } from './combinePlans.ts';
export { CONTRACT_SPECS } from './contracts.ts';
export type { SessionProfile } from './contracts.ts';
export { isEarlyCloseDate, isEarlyCloseDay } from './earlyClose.ts';
export { Emitter, fireAndForget } from './emitter.ts';
export { BrokerError, ConfigError, DataError, ModelError, PluginError, TxbotError, UsageError } from './errors.ts';
export { ceilToTick, floorToTick, pointValueUsd, roundToTick } from './instrument.ts';
export type { Instrument } from './instrument.ts';
export type { BracketOrderRequest, BrokerPosition, EngineCommand, ExecutionEvent, ExitReason, LiquidationLevel, SubmitOutcome } from './orders.ts';
export { createRng } from './random.ts';
export type { Rng } from './random.ts';
export { ALL_REGIME_LABELS, REGIME_LABELS_5, REGIME_LABELS_7, regimeLabelsFor } from './regime.ts';
export type { RegimeInfo, RegimeLabel, RegimeSource } from './regime.ts';
export { EQUITY_RTH, EXCHANGE_ZONE, GLOBEX_OPEN_MINUTE_ET, RTH_OPEN_MINUTE_ET, inRth, sessionInfo } from './session.ts';
export type { RthWindow } from './session.ts';
export { cleanText, looksBinary, quoteSnippet } from './textSnippet.ts';
export {
  DAY_MS,
  HOUR_MS,
  MAX_OFFSET_MINUTES,
  MINUTE_MS,
  dateKeyOfDays,
  daysFromCivil,
  daysOfDateKey,
  formatIsoInZone,
  localToUtc,
  localToUtcCandidates,
  minutesOfClock,
  naiveLocalMs,
  parseZone,
  toLocalParts,
  weekdayOfDays,
  zoneOffsetMinutes,
} from './time.ts';
export type { ZoneName } from './time.ts';
export { TradingState } from './trading.ts';
export type { Denied, EntryType, NoSignal, OrderSide, Position, Side, Signal } from './trading.ts';
export { SessionVwap, bandPrice } from './vwap.ts';
export type { VwapPriceSource, VwapSnapshot } from './vwap.ts';
export type { AlertCode } from './alert.ts';
export type { AlertSeverity } from './alert.ts';
