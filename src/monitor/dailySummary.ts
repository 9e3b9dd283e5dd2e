// End-of-session daily report: P&L, trades, win rate, regime distribution, limits used and drift ratio,
// built from the journal (live monitor and `txbot summary --day D` print the same thing).

import { sessionInfo, type RegimeLabel } from '../domain/index.ts';
import type { Journal } from '../state/index.ts';
import { mllFloor } from '../strategy/index.ts';
import type { Alert } from './types.ts';

/** Decisions scanned for the regime distribution (a full Globex day of 1-minute bars is ~1 380). */
export const SUMMARY_DECISION_SCAN = 5_000;

/** Limits the report measures against (USD). */
export interface SummaryLimits {
  readonly accountSizeUsd: number;
  readonly maxLossLimitUsd: number;
  readonly dailyLossLimitUsd: number | null;
  readonly maxTradesPerDay: number;
}

/** One trading day in numbers. Fractions in [0, 1+]; null when not applicable. */
export interface DailyReport {
  readonly tradingDate: string;
  readonly pnlUsd: number;
  readonly commissionUsd: number;
  readonly tradeCount: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  /** Bars per regime among the day's journaled decisions (empty when none are in the scan window). */
  readonly regimeBars: Partial<Record<RegimeLabel, number>>;
  /** Trades and P&L per entry regime ("none" for trades without one). */
  readonly tradesByRegime: Record<string, { readonly trades: number; readonly pnlUsd: number }>;
  /** max(0, −pnl) / daily loss limit. */
  readonly dailyLossUsed: number | null;
  /** trades / max trades per day. */
  readonly tradesUsed: number;
  readonly startBalanceUsd: number;
  readonly endBalanceUsd: number;
  readonly mllFloorUsd: number;
  /** max(0, −pnl) / (startBalance − floor): the share of the MLL room the day consumed. */
  readonly mllRoomUsed: number | null;
  /** Last drift ratio seen (live), or null. */
  readonly driftRatio: number | null;
  /** Trading state at the end of the report, or null when the journal has none. */
  readonly riskState: string | null;
}

/** Builds the report of `tradingDate` from the journal. */
export async function buildDailyReport(
  journal: Journal,
  tradingDate: string,
  limits: SummaryLimits,
  extra: { driftRatio?: number | null } = {},
): Promise<DailyReport> {
  const summary = await journal.dailySummary(tradingDate);
  const trades = await journal.tradesForDay(tradingDate);
  const decisions = (await journal.recentDecisions(SUMMARY_DECISION_SCAN)).filter((d) => sessionInfo(d.barTsMs).tradingDate === tradingDate);
  const regimeBars: Partial<Record<RegimeLabel, number>> = {};
  for (const d of decisions) regimeBars[d.regime] = (regimeBars[d.regime] ?? 0) + 1;
  const tradesByRegime: Record<string, { trades: number; pnlUsd: number }> = {};
  for (const t of trades) {
    const k = t.regime ?? 'none';
    const row = (tradesByRegime[k] ??= { trades: 0, pnlUsd: 0 });
    row.trades += 1;
    row.pnlUsd += t.pnlUsd;
  }
  const eods = await journal.endOfDayBalances();
  const before = eods.filter((e) => e.tradingDate < tradingDate);
  const startBalanceUsd = before.length ? before[before.length - 1]!.balanceUsd : limits.accountSizeUsd;
  const floor = mllFloor(limits.accountSizeUsd, limits.maxLossLimitUsd, Math.max(limits.accountSizeUsd, ...before.map((e) => e.balanceUsd)));
  const loss = Math.max(0, -summary.pnlUsd);
  const room = startBalanceUsd - floor;
  return {
    tradingDate,
    pnlUsd: summary.pnlUsd,
    commissionUsd: summary.commissionUsd,
    tradeCount: summary.tradeCount,
    wins: summary.wins,
    losses: summary.losses,
    winRate: summary.winRate,
    regimeBars,
    tradesByRegime,
    dailyLossUsed: limits.dailyLossLimitUsd === null ? null : loss / limits.dailyLossLimitUsd,
    tradesUsed: summary.tradeCount / limits.maxTradesPerDay,
    startBalanceUsd,
    endBalanceUsd: summary.endOfDayBalanceUsd ?? startBalanceUsd + summary.pnlUsd,
    mllFloorUsd: floor,
    mllRoomUsed: room > 0 ? loss / room : null,
    driftRatio: extra.driftRatio ?? null,
    riskState: (await journal.latestRiskState())?.state ?? null,
  };
}

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number): string => `${x > 0 ? '+' : ''}${x.toFixed(2)}`;

/** The plain-text report: one fact per line. */
export function formatDailyReport(r: DailyReport): string {
  const totalBars = Object.values(r.regimeBars).reduce((a, b) => a + (b ?? 0), 0);
  const regimes = totalBars
    ? Object.entries(r.regimeBars)
        .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
        .map(([k, v]) => `${k} ${pct((v ?? 0) / totalBars)}`)
        .join(', ')
    : 'no decisions journaled';
  const byRegime = Object.entries(r.tradesByRegime)
    .map(([k, v]) => `${k} ${v.trades} (${signed(v.pnlUsd)})`)
    .join(', ');
  return [
    `Daily summary ${r.tradingDate}`,
    `P&L ${signed(r.pnlUsd)} USD (commission ${r.commissionUsd.toFixed(2)} USD)`,
    `Trades ${r.tradeCount}  wins ${r.wins}  losses ${r.losses}  win rate ${pct(r.winRate)}`,
    `Regimes (bars): ${regimes}`,
    `Trades by regime: ${byRegime || '-'}`,
    `Daily loss limit used ${pct(r.dailyLossUsed)}  trades used ${pct(r.tradesUsed)}  MLL room used ${pct(r.mllRoomUsed)}`,
    `Balance ${r.startBalanceUsd.toFixed(2)} → ${r.endBalanceUsd.toFixed(2)} USD  MLL floor ${r.mllFloorUsd.toFixed(2)} USD`,
    `Drift ratio ${r.driftRatio === null ? '-' : r.driftRatio.toFixed(3)}  risk state ${r.riskState ?? '-'}`,
  ].join('\n');
}

/** The daily report as an info alert keyed by its date. */
export function dailySummaryAlert(r: DailyReport, tsMs: number): Alert {
  return {
    code: 'DAILY_SUMMARY',
    severity: 'info',
    title: `Daily summary ${r.tradingDate}: ${signed(r.pnlUsd)} USD, ${r.tradeCount} trades`,
    text: formatDailyReport(r),
    tsMs,
    dedupeKey: `DAILY_SUMMARY:${r.tradingDate}`,
  };
}
