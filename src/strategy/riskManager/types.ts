// Risk manager value types: settings, denial codes, state-change and flatten events, entry requests and reservations.

import type { Config } from '../../config/index.ts';
import type { Instrument, RegimeLabel, Denied, OrderSide, Side, TradingState, ZoneName } from '../../domain/index.ts';

/** Stable codes of risk decisions (denials, state changes, flatten requests). */
export type RiskCode =
  | 'MLL_BREACH'
  | 'DAILY_LOSS_LIMIT'
  | 'DAILY_PROFIT_TARGET'
  | 'FLAT_TIME'
  | 'HALTED'
  | 'REDUCING'
  | 'MAX_CONTRACTS'
  | 'MAX_TRADES_PER_DAY'
  | 'COOLDOWN'
  | 'RISK_BUDGET'
  | 'POSITION_OPEN'
  | 'SIZE_ZERO'
  | 'UNKNOWN_INSTRUMENT'
  | 'INVALID_ORDER'
  | 'CORRELATION_BUCKET'
  | 'NEW_TRADING_DAY'
  | 'KILL_SWITCH';

/** A denial with a typed code (assignable to the domain Denied). */
export interface RiskDenied extends Denied {
  readonly code: RiskCode;
}

/** Plain risk settings (build with riskSettingsFromConfig). Money in USD. */
export interface RiskSettings {
  /** S: starting balance. */
  readonly accountSizeUsd: number;
  /** D: Maximum Loss Limit allowance. */
  readonly maxLossLimitUsd: number;
  readonly dailyLossLimitUsd: number | null;
  readonly dailyProfitTargetUsd: number | null;
  /** Topstep cap in minis; micros count 1/10 (10:1 on TopstepX). */
  readonly maxContractsMinis: number;
  readonly maxTradesPerDay: number;
  readonly cooldownAfterLosses: number;
  readonly cooldownMinutes: number;
  readonly confidenceSizing: { readonly enabled: boolean; readonly threshold: number; readonly multiplier: number };
  readonly regimeSizeMultipliers: Readonly<Partial<Record<RegimeLabel, number>>>;
  /** "HH:MM" in flatTimeZone (Topstep 15:10 CT). */
  readonly flatTime: string;
  readonly flatTimeZone: ZoneName;
  /** "HH:MM" in flatTimeZone: the flat time on CME early-close days (session.early_close_time); null/absent = not modelled. */
  readonly earlyCloseTime?: string | null;
  /** Ticks a stop fills beyond its price (backtest.slippage_ticks): part of the worst-case stop loss sizing caps. */
  readonly stopSlippageTicks: number;
  /** risk.correlation_bucket: a shared budget of correlated instruments; null/absent = off. */
  readonly correlationBucket?: CorrelationBucket | null;
}

/** Instruments sharing a budget: stop risk (USD) and contract units (micro = 1, mini = 10); a null cap is off. */
export interface CorrelationBucket {
  readonly symbols: readonly string[];
  readonly maxStopRiskUsd: number | null;
  readonly maxUnits: number | null;
}

/** Maps config sections `risk`, `regime_size_multipliers` and `session` to RiskSettings. */
export function riskSettingsFromConfig(config: Pick<Config, 'risk' | 'regime_size_multipliers' | 'session' | 'backtest'>): RiskSettings {
  const r = config.risk;
  return {
    accountSizeUsd: r.account_size,
    maxLossLimitUsd: r.max_loss_limit,
    dailyLossLimitUsd: r.daily_loss_limit,
    dailyProfitTargetUsd: r.daily_profit_target,
    maxContractsMinis: r.max_contracts_minis,
    maxTradesPerDay: r.max_trades_per_day,
    cooldownAfterLosses: r.cooldown_after_losses,
    cooldownMinutes: r.cooldown_minutes,
    confidenceSizing: { ...r.confidence_sizing },
    regimeSizeMultipliers: { ...config.regime_size_multipliers },
    flatTime: config.session.flat_time,
    flatTimeZone: config.session.flat_timezone,
    earlyCloseTime: config.session.early_close_time,
    stopSlippageTicks: config.backtest.slippage_ticks,
    correlationBucket: r.correlation_bucket && {
      symbols: [...r.correlation_bucket.symbols],
      maxStopRiskUsd: r.correlation_bucket.max_stop_risk_usd,
      maxUnits:
        r.correlation_bucket.max_contracts_mini_equivalent === null ? null : Math.round(r.correlation_bucket.max_contracts_mini_equivalent * 10),
    },
  };
}

/** A trading-state transition, for the engine to log and journal. */
export interface StateChangedEvent {
  readonly kind: 'STATE_CHANGED';
  readonly tsMs: number;
  readonly from: TradingState;
  readonly to: TradingState;
  readonly code: RiskCode;
  readonly detail: string;
}

/** The engine must close every open position (and cancel working entries) now. */
export interface FlattenEvent {
  readonly kind: 'FLATTEN';
  readonly tsMs: number;
  readonly code: RiskCode;
  readonly detail: string;
  readonly symbols: readonly string[];
}

export type RiskEvent = StateChangedEvent | FlattenEvent;

/** A new entry to size and reserve (one per signal). */
export interface EntryRequest {
  /** Decision instant, UTC epoch ms. */
  readonly tsMs: number;
  readonly symbol: string;
  readonly side: Side;
  /** Stop distance in ticks (from the signal). */
  readonly stopTicks: number;
  readonly baseSize: number;
  readonly regime: RegimeLabel;
  readonly regimeConfidence: number;
  readonly vixMultiplier: number;
  readonly newsMultiplier: number;
}

/** Contracts and risk held for an entry until commit (filled) or release (rejected/cancelled). */
export interface Reservation {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  /** Final size (>= 1). */
  readonly qty: number;
  /** Money lost if the stop is hit: qty × ((stopTicks + slippage) × tickValue + 2 × commission per side). */
  readonly riskUsd: number;
  /** Size from the formula before caps, and what capped it (null = not capped). */
  readonly formulaSize: number;
  readonly cappedBy: 'MAX_CONTRACTS' | 'RISK_BUDGET' | 'CORRELATION_BUCKET' | null;
}

/** A fill as the risk manager needs it (the broker's Fill plus the symbol). */
export interface RiskFill {
  readonly tsMs: number;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly commissionUsd: number;
}

/** Instruments by symbol. */
export type InstrumentMap = ReadonlyMap<string, Instrument>;
