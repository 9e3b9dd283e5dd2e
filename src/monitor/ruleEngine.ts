// Runs the alert rules against the journal and the live events: event alerts at once, journal rules
// (daily loss, win rate, idle engine) on every bar, trade and timer tick. Emits each rule alert once.

import { fireAndForget, sessionInfo, TradingState } from '../domain/index.ts';
import type { Logger } from '../log/index.ts';
import type { Journal } from '../state/index.ts';
import { mllFloor } from '../strategy/index.ts';
import type { MonitorEvent, RiskFigures } from './bus.ts';
import {
  dailyLossAlerts,
  eventAlert,
  idleAlert,
  reconnectStormAlert,
  tradingDatesBack,
  winRateAlert,
  type DayMoney,
  type RuleSettings,
} from './rules.ts';
import type { Alert } from './types.ts';

/** What the rule engine needs. */
export interface RuleEngineOptions {
  readonly journal: Journal;
  readonly settings: RuleSettings;
  /** Receives every alert (normally AlertDispatcher.dispatch plus a bus 'alert' event). */
  readonly emit: (alert: Alert) => void;
  readonly logger: Logger;
  /** When monitoring started (idle time counts from here at the earliest). */
  readonly startedAtMs: number;
}

/**
 * Day money from the journal alone (realized P&L): balance before the day = the last end-of-day balance
 * of an earlier date (else the account size); floor = mllFloor(S, D, highest end-of-day balance).
 */
export async function dayMoneyFromJournal(
  journal: Journal,
  tradingDate: string,
  s: Pick<RuleSettings, 'accountSizeUsd' | 'maxLossLimitUsd'>,
): Promise<DayMoney> {
  const [summary, eods] = [await journal.dailySummary(tradingDate), await journal.endOfDayBalances()];
  const before = eods.filter((e) => e.tradingDate < tradingDate);
  const startBalance = before.length ? before[before.length - 1]!.balanceUsd : s.accountSizeUsd;
  const highest = Math.max(s.accountSizeUsd, ...before.map((e) => e.balanceUsd));
  return {
    tradingDate,
    dayPnlUsd: summary.pnlUsd,
    equityUsd: startBalance + summary.pnlUsd,
    mllFloorUsd: mllFloor(s.accountSizeUsd, s.maxLossLimitUsd, highest),
  };
}

/** Stateful rule runner; `onEvent` never throws or waits, `check` is awaitable for tests and timers. */
export class AlertRuleEngine {
  private readonly fired = new Set<string>();
  private reconnectTimesMs: number[] = [];
  private figures: { tradingDate: string; figures: RiskFigures } | null = null;
  private state: TradingState | null = null;
  private activeSinceMs: number;
  private lastTradeTsMs: number | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: RuleEngineOptions) {
    this.activeSinceMs = o.startedAtMs;
  }

  /** Feeds one bus event; journal rules it triggers run in the background, one at a time. */
  onEvent(e: MonitorEvent): void {
    const direct = eventAlert(e);
    if (direct) this.o.emit(direct);
    switch (e.type) {
      case 'connection':
        if (e.status === 'reconnecting') this.onReconnect(e.tsMs);
        break;
      case 'risk':
        this.figures = { tradingDate: sessionInfo(e.tsMs).tradingDate, figures: e.figures };
        this.setState(e.figures.state, e.tsMs);
        this.schedule(e.tsMs);
        break;
      case 'riskState':
        this.setState(e.to, e.tsMs);
        break;
      case 'trade':
        this.lastTradeTsMs = Math.max(this.lastTradeTsMs ?? 0, e.trade.exitTsMs);
        this.schedule(e.trade.exitTsMs);
        break;
      case 'bar':
        this.schedule(e.tsMs);
        break;
      default:
        break;
    }
  }

  /** Runs the journal rules at `nowMs`; returns the alerts emitted (each rule alert once per key). */
  async check(nowMs: number): Promise<Alert[]> {
    const tradingDate = sessionInfo(nowMs).tradingDate;
    const s = this.o.settings;
    const j = this.o.journal;
    const money =
      this.figures?.tradingDate === tradingDate
        ? {
            tradingDate,
            dayPnlUsd: this.figures.figures.dayPnlUsd,
            equityUsd: this.figures.figures.equityUsd,
            mllFloorUsd: this.figures.figures.mllFloorUsd,
          }
        : await dayMoneyFromJournal(j, tradingDate, s);
    const alerts = dailyLossAlerts(money, s, nowMs);

    const trades = [];
    for (const d of tradingDatesBack(tradingDate, s.winRateDays)) trades.push(...(await j.tradesForDay(d)));
    const low = winRateAlert(trades, s, tradingDate, nowMs);
    if (low) alerts.push(low);

    if (this.state === null) this.setState((await j.latestRiskState())?.state ?? TradingState.ACTIVE, this.o.startedAtMs);
    const lastJournalTrade = trades.length ? Math.max(...trades.map((t) => t.exitTsMs)) : null;
    const lastTrade = lastJournalTrade === null ? this.lastTradeTsMs : Math.max(lastJournalTrade, this.lastTradeTsMs ?? 0);
    const idle = idleAlert({ nowMs, state: this.state ?? TradingState.ACTIVE, lastTradeTsMs: lastTrade, activeSinceMs: this.activeSinceMs }, s);
    if (idle) alerts.push(idle);

    const emitted = alerts.filter((a) => !this.fired.has(a.dedupeKey ?? a.code));
    for (const a of emitted) {
      this.fired.add(a.dedupeKey ?? a.code);
      this.o.emit(a);
    }
    return emitted;
  }

  /** Resolves when the background checks queued so far are done (tests, shutdown). */
  async settle(): Promise<void> {
    await this.chain;
  }

  private schedule(nowMs: number): void {
    const run = this.chain.then(() => this.check(nowMs));
    this.chain = run.catch(() => undefined);
    fireAndForget(run, this.o.logger, 'alert rules');
  }

  private setState(state: TradingState, tsMs: number): void {
    if (state === TradingState.ACTIVE && this.state !== TradingState.ACTIVE) this.activeSinceMs = Math.max(this.o.startedAtMs, tsMs);
    this.state = state;
  }

  private onReconnect(tsMs: number): void {
    this.reconnectTimesMs.push(tsMs);
    this.reconnectTimesMs = this.reconnectTimesMs.filter((t) => t > tsMs - this.o.settings.reconnectStormWindowMs);
    const storm = reconnectStormAlert(this.reconnectTimesMs, tsMs, this.o.settings);
    if (storm) {
      this.reconnectTimesMs = [];
      this.o.emit(storm);
    }
  }
}
