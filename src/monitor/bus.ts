// MonitorBus: the typed events the engine and the live runner publish for alerts, metrics and the dashboard.
// Publishing never throws and never waits: each listener runs in its own try/catch.

import type { RegimeLabel, OrderSide, TradingState } from '../domain/index.ts';
import type { Logger } from '../log/index.ts';
import type { DecisionRecord, FillRecord, TradeRecord } from '../state/index.ts';
import type { Alert } from './types.ts';

/** Account figures of the risk manager (a subset of RiskSnapshot), published after each bar and fill. */
export interface RiskFigures {
  readonly state: TradingState;
  readonly balanceUsd: number;
  readonly equityUsd: number;
  readonly dayPnlUsd: number;
  readonly mllFloorUsd: number;
  readonly tradesToday: number;
  /** The configured daily loss limit (null = none), so consumers need no config. */
  readonly dailyLossLimitUsd: number | null;
}

/** Every event the monitor understands, discriminated by `type`. Times are UTC epoch ms. */
export type MonitorEvent =
  | { readonly type: 'process'; readonly tsMs: number; readonly phase: 'start' | 'stop'; readonly mode: string; readonly detail: string }
  | {
      readonly type: 'bar';
      readonly tsMs: number;
      readonly symbol: string;
      readonly close: number;
      readonly regime: RegimeLabel;
      readonly confidence: number;
      readonly probs: readonly number[];
      /** Labels of `probs`, most bullish first. */
      readonly labels: readonly RegimeLabel[];
    }
  | { readonly type: 'decision'; readonly decision: DecisionRecord }
  | {
      readonly type: 'order';
      readonly tsMs: number;
      readonly intentId: string;
      readonly symbol: string;
      readonly side: OrderSide;
      readonly qty: number;
      readonly status: 'SENT' | 'ACCEPTED' | 'REJECTED' | 'CANCELLED';
      /** Send to broker acknowledgement, when known. */
      readonly latencyMs?: number;
      readonly detail?: string;
    }
  | { readonly type: 'fill'; readonly fill: FillRecord }
  | { readonly type: 'position'; readonly tsMs: number; readonly symbol: string; readonly qty: number; readonly avgPrice: number }
  | { readonly type: 'trade'; readonly trade: TradeRecord }
  | { readonly type: 'risk'; readonly tsMs: number; readonly figures: RiskFigures }
  | {
      readonly type: 'riskState';
      readonly tsMs: number;
      readonly from: TradingState;
      readonly to: TradingState;
      readonly code: string;
      readonly detail: string;
    }
  | {
      readonly type: 'connection';
      readonly tsMs: number;
      /** error: a failed call or dropped connection; reconnecting / reconnected: hub lifecycle. */
      readonly status: 'error' | 'reconnecting' | 'reconnected';
      /** e.g. projectx.http, hub.user, hub.market. */
      readonly component: string;
      readonly detail: string;
    }
  | {
      readonly type: 'drift';
      readonly tsMs: number;
      /** (baseline − rolling mean log-likelihood) / |baseline|; drift when above the threshold. */
      readonly ratio: number;
      readonly detected: boolean;
      readonly detail: string;
    }
  | { readonly type: 'retrainFailed'; readonly tsMs: number; readonly detail: string }
  | { readonly type: 'sessionEnd'; readonly tsMs: number; readonly tradingDate: string }
  | { readonly type: 'alert'; readonly alert: Alert };

export type MonitorEventType = MonitorEvent['type'];
export type MonitorListener = (event: MonitorEvent) => void;

/**
 * A synchronous fan-out of MonitorEvents. The engine calls `publish`; the monitor, metrics and the
 * dashboard subscribe. A throwing listener is logged and skipped.
 *
 * @example
 * const bus = new MonitorBus(logger);
 * bus.publish({ type: 'riskState', tsMs, from: TradingState.ACTIVE, to: TradingState.HALTED, code: 'DAILY_LOSS_LIMIT', detail });
 */
export class MonitorBus {
  private readonly listeners = new Set<MonitorListener>();
  constructor(private readonly logger?: Logger) {}

  /** Adds a listener for every event; returns a function removing it. */
  subscribe(fn: MonitorListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Delivers `event` to every listener, in subscription order; never throws. */
  publish(event: MonitorEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch (err) {
        this.logger?.error({ event: event.type, err: err instanceof Error ? err.message : String(err) }, 'monitor listener threw');
      }
    }
  }

  /** Number of listeners (tests). */
  get size(): number {
    return this.listeners.size;
  }
}
