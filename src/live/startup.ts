// Start-up steps shared by paper and live sessions: restore the risk manager from the journal, honour a
// kill switch journaled earlier today, and warm the engine up from REST history.

import type { Logger } from 'pino';
import { sessionInfo, DAY_MS, MINUTE_MS, type Bar } from '../domain/index.ts';
import type { RunContext } from '../engine/index.ts';
import type { RiskManager } from '../strategy/index.ts';
import { BarUnit, type ProjectXClient } from '../broker/index.ts';
import type { Journal } from '../state/index.ts';
import { KILL_META_KEY } from './liveRunner.ts';

/** Balances the risk manager resumes from, and where they came from. */
export interface RestoredRisk {
  readonly risk: RiskManager;
  readonly balanceUsd: number;
  readonly highestEodBalanceUsd: number;
  readonly source: string;
}

/**
 * A risk manager resuming the account: the trailing MLL anchor is the journal's highest end-of-day
 * balance; the balance is the broker's when given (live), else the last journaled end-of-day balance plus
 * the trades journaled since (paper), else the configured starting balance.
 */
export async function restoreRisk(ctx: RunContext, journal: Journal, nowMs: number, brokerBalanceUsd: number | null): Promise<RestoredRisk> {
  const start = ctx.startingBalanceUsd;
  const eods = await journal.endOfDayBalances();
  const lastEod = eods.at(-1) ?? null;
  let balance = start;
  let source = 'starting balance';
  if (brokerBalanceUsd !== null) {
    balance = brokerBalanceUsd;
    source = 'broker account balance';
  } else if (lastEod) {
    const today = sessionInfo(nowMs).tradingDate;
    const sinceEod = today > lastEod.tradingDate ? (await journal.dailySummary(today)).pnlUsd : 0;
    balance = lastEod.balanceUsd + sinceEod;
    source = `journal end-of-day ${lastEod.tradingDate} plus today's trades`;
  }
  const highest = Math.max(start, (await journal.highestEndOfDayBalance()) ?? start);
  const risk = ctx.createRisk({ balanceUsd: balance, highestEodBalanceUsd: highest });
  return { risk, balanceUsd: balance, highestEodBalanceUsd: highest, source };
}

/** The kill-switch reason journaled for the current trading date, or null. */
export async function killedToday(journal: Journal, nowMs: number): Promise<string | null> {
  const v = await journal.getMeta(KILL_META_KEY);
  if (!v) return null;
  const [date, ...rest] = v.split(' ');
  return date === sessionInfo(nowMs).tradingDate ? rest.join(' ') || 'kill switch' : null;
}

/** Closed bars of the last `days` calendar days before `nowMs`, oldest first (one REST page). */
export async function historyForWarmUp(
  client: ProjectXClient,
  contractId: string,
  live: boolean,
  barMinutes: number,
  nowMs: number,
  days: number,
  logger: Logger,
): Promise<Bar[]> {
  const barMs = barMinutes * MINUTE_MS;
  const endMs = Math.floor(nowMs / barMs) * barMs;
  const bars = await client.retrieveBars({
    contractId,
    live,
    startMs: endMs - days * DAY_MS,
    endMs,
    unit: BarUnit.Minute,
    unitNumber: barMinutes,
    limit: 20_000,
    includePartialBar: false,
  });
  const closed = bars.filter((b) => b.tsMs + barMs <= nowMs);
  logger.info({ bars: closed.length, days }, 'warm-up history loaded');
  return closed;
}
