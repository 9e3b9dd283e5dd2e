// What the dashboard shows, folded from MonitorBus events over an initial load from the journal.

import { sessionInfo, type RegimeLabel, type TradingState } from '../../domain/index.ts';
import type { Journal, DecisionRecord, TradeRecord } from '../../state/index.ts';
import type { MonitorEvent, RiskFigures } from '../bus.ts';
import type { Alert } from '../types.ts';

/** Items kept per list (trades, decisions, alerts) and points of the equity curve. */
export const DASHBOARD_LIST_LIMIT = 50;
export const DASHBOARD_EQUITY_POINTS = 1_000;

/** The JSON the page renders (GET /api/state and every SSE message). */
export interface DashboardSnapshot {
  readonly mode: string | null;
  readonly updatedTsMs: number | null;
  readonly regime: {
    readonly symbol: string;
    readonly regime: RegimeLabel;
    readonly confidence: number;
    readonly probs: readonly number[];
    readonly labels: readonly RegimeLabel[];
    readonly close: number;
    readonly tsMs: number;
  } | null;
  readonly positions: readonly { readonly symbol: string; readonly qty: number; readonly avgPrice: number }[];
  readonly risk: RiskFigures | null;
  readonly riskState: { readonly state: TradingState; readonly reason: string; readonly tsMs: number } | null;
  readonly driftRatio: number | null;
  /** Equity points, oldest first. */
  readonly equity: readonly { readonly tsMs: number; readonly equityUsd: number }[];
  /** Newest first. */
  readonly trades: readonly TradeRecord[];
  readonly decisions: readonly DecisionRecord[];
  readonly alerts: readonly Alert[];
}

const pushCapped = <T>(list: T[], item: T, cap: number, newestFirst: boolean): void => {
  if (newestFirst) list.unshift(item);
  else list.push(item);
  if (list.length > cap) {
    if (newestFirst) list.pop();
    else list.shift();
  }
};

/** Mutable dashboard state: `load` from the journal once, then `apply` each bus event. */
export class DashboardState {
  private mode: string | null = null;
  private updatedTsMs: number | null = null;
  private regime: DashboardSnapshot['regime'] = null;
  private readonly positions = new Map<string, { symbol: string; qty: number; avgPrice: number }>();
  private risk: RiskFigures | null = null;
  private riskState: DashboardSnapshot['riskState'] = null;
  private driftRatio: number | null = null;
  private readonly equity: { tsMs: number; equityUsd: number }[] = [];
  private readonly trades: TradeRecord[] = [];
  private readonly decisions: DecisionRecord[] = [];
  private readonly alerts: Alert[] = [];

  /** Loads the latest trading day's trades, recent decisions, positions and the risk state. */
  async load(journal: Journal): Promise<void> {
    const day = await journal.latestTradingDate();
    if (day !== null)
      for (const t of (await journal.tradesForDay(day)).slice(-DASHBOARD_LIST_LIMIT)) pushCapped(this.trades, t, DASHBOARD_LIST_LIMIT, true);
    for (const d of await journal.recentDecisions(DASHBOARD_LIST_LIMIT)) pushCapped(this.decisions, d, DASHBOARD_LIST_LIMIT, true);
    for (const p of await journal.latestPositions()) this.positions.set(p.symbol, { symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice });
    const rs = await journal.latestRiskState();
    if (rs) this.riskState = { state: rs.state, reason: rs.reason, tsMs: rs.tsMs };
    for (const e of (await journal.endOfDayBalances()).slice(-DASHBOARD_EQUITY_POINTS)) this.equity.push({ tsMs: e.tsMs, equityUsd: e.balanceUsd });
  }

  /** Folds one event in; returns whether anything shown changed. */
  apply(e: MonitorEvent): boolean {
    switch (e.type) {
      case 'process':
        this.mode = e.phase === 'start' ? e.mode : `${e.mode} (stopped)`;
        return this.touch(e.tsMs);
      case 'bar':
        this.regime = {
          symbol: e.symbol,
          regime: e.regime,
          confidence: e.confidence,
          probs: [...e.probs],
          labels: [...e.labels],
          close: e.close,
          tsMs: e.tsMs,
        };
        return this.touch(e.tsMs);
      case 'decision':
        pushCapped(this.decisions, e.decision, DASHBOARD_LIST_LIMIT, true);
        return this.touch(e.decision.barTsMs);
      case 'position':
        this.positions.set(e.symbol, { symbol: e.symbol, qty: e.qty, avgPrice: e.avgPrice });
        return this.touch(e.tsMs);
      case 'trade':
        pushCapped(this.trades, e.trade, DASHBOARD_LIST_LIMIT, true);
        return this.touch(e.trade.exitTsMs);
      case 'risk':
        this.risk = e.figures;
        if (this.riskState?.state !== e.figures.state)
          this.riskState = { state: e.figures.state, reason: this.riskState?.reason ?? '', tsMs: e.tsMs };
        pushCapped(this.equity, { tsMs: e.tsMs, equityUsd: e.figures.equityUsd }, DASHBOARD_EQUITY_POINTS, false);
        return this.touch(e.tsMs);
      case 'riskState':
        this.riskState = { state: e.to, reason: `${e.code}: ${e.detail}`, tsMs: e.tsMs };
        return this.touch(e.tsMs);
      case 'drift':
        this.driftRatio = e.ratio;
        return this.touch(e.tsMs);
      case 'sessionEnd':
        return this.touch(e.tsMs);
      case 'alert':
        pushCapped(this.alerts, e.alert, DASHBOARD_LIST_LIMIT, true);
        return this.touch(e.alert.tsMs);
      default:
        return false;
    }
  }

  /** A copy safe to serialize. */
  snapshot(): DashboardSnapshot {
    return {
      mode: this.mode,
      updatedTsMs: this.updatedTsMs,
      regime: this.regime,
      positions: [...this.positions.values()],
      risk: this.risk,
      riskState: this.riskState,
      driftRatio: this.driftRatio,
      equity: [...this.equity],
      trades: [...this.trades],
      decisions: [...this.decisions],
      alerts: [...this.alerts],
    };
  }

  /** Trading date of the last update, or null. */
  tradingDate(): string | null {
    return this.updatedTsMs === null ? null : sessionInfo(this.updatedTsMs).tradingDate;
  }

  private touch(tsMs: number): true {
    this.updatedTsMs = Math.max(this.updatedTsMs ?? tsMs, tsMs);
    return true;
  }
}
