// Alert rules as pure functions of crafted state: daily loss against the daily limit and the MLL room,
// rolling win rate, idle engine in market hours, reconnect storms, and the event-to-alert mappings.

import type { Config } from '../config/index.ts';
import { RTH_OPEN_MINUTE_ET, sessionInfo, MINUTE_MS, dateKeyOfDays, daysOfDateKey, weekdayOfDays, TradingState } from '../domain/index.ts';
import type { MonitorEvent } from './bus.ts';
import type { Alert } from './types.ts';

/** Thresholds of the rules (see `monitoring` and `risk` in config). Money in USD, durations in ms. */
export interface RuleSettings {
  /** Alert when the day's loss exceeds this fraction of the daily limit or of the room to the MLL floor. */
  readonly dailyLossFraction: number;
  readonly dailyLossLimitUsd: number | null;
  readonly accountSizeUsd: number;
  readonly maxLossLimitUsd: number;
  readonly minWinRate: number;
  readonly winRateDays: number;
  readonly minWinRateTrades: number;
  readonly idleMs: number;
  readonly reconnectStormCount: number;
  readonly reconnectStormWindowMs: number;
}

/** Rule settings from the `monitoring` and `risk` config sections. */
export function ruleSettingsFromConfig(config: Pick<Config, 'monitoring' | 'risk'>): RuleSettings {
  const m = config.monitoring;
  return {
    dailyLossFraction: m.daily_loss_alert_fraction,
    dailyLossLimitUsd: config.risk.daily_loss_limit,
    accountSizeUsd: config.risk.account_size,
    maxLossLimitUsd: config.risk.max_loss_limit,
    minWinRate: m.min_win_rate,
    winRateDays: m.win_rate_days,
    minWinRateTrades: m.min_win_rate_trades,
    idleMs: m.idle_alert_minutes * MINUTE_MS,
    reconnectStormCount: m.reconnect_storm_count,
    reconnectStormWindowMs: m.reconnect_storm_minutes * MINUTE_MS,
  };
}

const usd = (x: number): string => x.toFixed(2);
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

/** The day's money at one instant: day P&L, equity and the MLL floor. */
export interface DayMoney {
  readonly tradingDate: string;
  readonly dayPnlUsd: number;
  readonly equityUsd: number;
  readonly mllFloorUsd: number;
}

/**
 * Daily-loss alerts. loss = −dayPnl. DAILY_LOSS_WARNING when loss > fraction × dailyLimit;
 * MLL_ROOM_WARNING when loss > fraction × room, room = (equity − dayPnl) − mllFloor (the distance to
 * the floor at the start of the day). Both keyed by trading date.
 */
export function dailyLossAlerts(m: DayMoney, s: Pick<RuleSettings, 'dailyLossFraction' | 'dailyLossLimitUsd'>, tsMs: number): Alert[] {
  const loss = -m.dayPnlUsd;
  if (loss <= 0) return [];
  const alerts: Alert[] = [];
  const limit = s.dailyLossLimitUsd;
  if (limit !== null && loss > s.dailyLossFraction * limit) {
    alerts.push({
      code: 'DAILY_LOSS_WARNING',
      severity: 'warn',
      title: `Day loss at ${pct(loss / limit)} of the daily limit`,
      text: `day P&L ${usd(m.dayPnlUsd)} USD, daily loss limit ${usd(limit)} USD, alert above ${pct(s.dailyLossFraction)} (${m.tradingDate})`,
      tsMs,
      dedupeKey: `DAILY_LOSS_WARNING:${m.tradingDate}`,
    });
  }
  const room = m.equityUsd - m.dayPnlUsd - m.mllFloorUsd;
  if (room > 0 && loss > s.dailyLossFraction * room) {
    alerts.push({
      code: 'MLL_ROOM_WARNING',
      severity: 'warn',
      title: `Day loss at ${pct(loss / room)} of the room to the MLL floor`,
      text: `day P&L ${usd(m.dayPnlUsd)} USD, equity ${usd(m.equityUsd)} USD, MLL floor ${usd(m.mllFloorUsd)} USD, room at day start ${usd(room)} USD (${m.tradingDate})`,
      tsMs,
      dedupeKey: `MLL_ROOM_WARNING:${m.tradingDate}`,
    });
  }
  return alerts;
}

/** The `n` weekday trading dates ending at `tradingDate` (inclusive), oldest first. Exchange holidays are not skipped. */
export function tradingDatesBack(tradingDate: string, n: number): string[] {
  const dates: string[] = [];
  for (let d = daysOfDateKey(tradingDate); dates.length < n; d--) {
    const wd = weekdayOfDays(d);
    if (wd !== 0 && wd !== 6) dates.push(dateKeyOfDays(d));
  }
  return dates.reverse();
}

/** LOW_WIN_RATE when at least minWinRateTrades trades gave wins / trades < minWinRate (a win has pnlUsd > 0). */
export function winRateAlert(
  trades: readonly { readonly pnlUsd: number }[],
  s: Pick<RuleSettings, 'minWinRate' | 'minWinRateTrades' | 'winRateDays'>,
  tradingDate: string,
  tsMs: number,
): Alert | null {
  if (trades.length < s.minWinRateTrades) return null;
  const wins = trades.filter((t) => t.pnlUsd > 0).length;
  const rate = wins / trades.length;
  if (rate >= s.minWinRate) return null;
  return {
    code: 'LOW_WIN_RATE',
    severity: 'warn',
    title: `Win rate ${pct(rate)} over the last ${s.winRateDays} trading days`,
    text: `${wins} wins in ${trades.length} trades, alert below ${pct(s.minWinRate)} (through ${tradingDate})`,
    tsMs,
    dedupeKey: `LOW_WIN_RATE:${tradingDate}`,
  };
}

/** Facts the idle rule needs. */
export interface IdleState {
  readonly nowMs: number;
  readonly state: TradingState;
  /** Exit (or entry) time of the latest trade, or null. */
  readonly lastTradeTsMs: number | null;
  /** Since when the engine has been running and ACTIVE. */
  readonly activeSinceMs: number;
}

/** Start of regular trading hours (09:30 ET) of the day containing `tsMs` (an RTH instant). */
export function rthOpenMs(tsMs: number): number {
  const s = sessionInfo(tsMs);
  return tsMs - (tsMs % MINUTE_MS) - (s.minuteOfDayEt - RTH_OPEN_MINUTE_ET) * MINUTE_MS;
}

/**
 * NO_TRADES when, during regular trading hours (09:30-16:00 ET) with the engine ACTIVE, nothing traded for
 * idleMs: now − max(lastTrade, activeSince, today's RTH open) >= idleMs.
 */
export function idleAlert(x: IdleState, s: Pick<RuleSettings, 'idleMs'>): Alert | null {
  if (x.state !== TradingState.ACTIVE) return null;
  const session = sessionInfo(x.nowMs);
  if (!session.isRth) return null;
  const since = Math.max(x.lastTradeTsMs ?? Number.NEGATIVE_INFINITY, x.activeSinceMs, rthOpenMs(x.nowMs));
  const idleMs = x.nowMs - since;
  if (idleMs < s.idleMs) return null;
  return {
    code: 'NO_TRADES',
    severity: 'warn',
    title: `No trade for ${Math.floor(idleMs / MINUTE_MS)} minutes while ACTIVE`,
    text: `market hours, trading state ACTIVE, alert after ${Math.round(s.idleMs / MINUTE_MS)} minutes without a trade (${session.tradingDate})`,
    tsMs: x.nowMs,
    dedupeKey: `NO_TRADES:${session.tradingDate}:${since}`,
  };
}

/**
 * RECONNECT_STORM when `reconnectTimesMs` holds at least reconnectStormCount times within the window
 * ending at nowMs.
 */
export function reconnectStormAlert(
  reconnectTimesMs: readonly number[],
  nowMs: number,
  s: Pick<RuleSettings, 'reconnectStormCount' | 'reconnectStormWindowMs'>,
): Alert | null {
  const recent = reconnectTimesMs.filter((t) => t > nowMs - s.reconnectStormWindowMs && t <= nowMs).length;
  if (recent < s.reconnectStormCount) return null;
  return {
    code: 'RECONNECT_STORM',
    severity: 'critical',
    title: `${recent} reconnects in ${Math.round(s.reconnectStormWindowMs / MINUTE_MS)} minutes`,
    text: `alert at ${s.reconnectStormCount} reconnects within ${Math.round(s.reconnectStormWindowMs / MINUTE_MS)} minutes; check the network and the ProjectX status`,
    tsMs: nowMs,
  };
}

/** Alerts that follow from one event alone: connection errors, drift, retrain failures, risk states, process start/stop. */
export function eventAlert(e: MonitorEvent): Alert | null {
  switch (e.type) {
    case 'connection':
      if (e.status !== 'error') return null;
      return {
        code: 'CONNECTION_ERROR',
        severity: 'warn',
        title: `Connection error in ${e.component}`,
        text: e.detail,
        tsMs: e.tsMs,
        dedupeKey: `CONNECTION_ERROR:${e.component}`,
      };
    case 'drift':
      if (!e.detected) return null;
      return { code: 'DRIFT_DETECTED', severity: 'warn', title: `Regime model drift (ratio ${e.ratio.toFixed(3)})`, text: e.detail, tsMs: e.tsMs };
    case 'retrainFailed':
      return { code: 'RETRAIN_FAILED', severity: 'warn', title: 'Retrain failed; the current model stays in use', text: e.detail, tsMs: e.tsMs };
    case 'riskState':
      if (e.to !== TradingState.REDUCING && e.to !== TradingState.HALTED) return null;
      return {
        code: 'RISK_STATE_CHANGED',
        severity: e.to === TradingState.HALTED ? 'critical' : 'warn',
        title: `Trading ${e.to} (was ${e.from})`,
        text: `${e.code}: ${e.detail}`,
        tsMs: e.tsMs,
        dedupeKey: `RISK_STATE_CHANGED:${e.to}:${e.code}:${sessionInfo(e.tsMs).tradingDate}`,
      };
    case 'process':
      return {
        code: e.phase === 'start' ? 'PROCESS_STARTED' : 'PROCESS_STOPPED',
        severity: e.phase === 'start' ? 'info' : 'warn',
        title: `txbot ${e.mode} ${e.phase === 'start' ? 'started' : 'stopped'}`,
        text: e.detail,
        tsMs: e.tsMs,
        dedupeKey: `PROCESS_${e.phase}:${e.tsMs}`,
      };
    default:
      return null;
  }
}
