// Today's closed P&L of an account from the broker's trade list: what a session taking over mid-day (after
// another machine traded) resumes its daily limits from.

import { DAY_MS, sessionInfo } from '../domain/index.ts';
import type { ProjectXClient } from '../broker/index.ts';

/** Net P&L (after fees) and closed trades of `tradingDate` on the account, from Trade/search; voided fills ignored. */
export async function brokerClosedToday(
  client: ProjectXClient,
  accountId: number,
  tradingDate: string,
): Promise<{ pnlUsd: number; trades: number; source: string }> {
  const day = Date.parse(`${tradingDate}T00:00:00Z`);
  // A trading date starts the evening before (18:00 ET); two days back covers it in every time zone.
  const fills = (await client.searchTrades(accountId, day - 2 * DAY_MS)).filter(
    (t) => !t.voided && sessionInfo(t.creationTsMs).tradingDate === tradingDate,
  );
  let pnlUsd = 0;
  let trades = 0;
  for (const t of fills) {
    pnlUsd += (t.profitAndLossUsd ?? 0) - t.feesUsd;
    if (t.profitAndLossUsd !== null) trades++;
  }
  return { pnlUsd: Math.round(pnlUsd * 100) / 100, trades, source: `the broker's ${fills.length} fills of ${tradingDate}` };
}
