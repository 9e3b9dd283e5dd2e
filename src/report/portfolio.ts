// Several instruments on one account: each instrument's figures (from its trades and P&L curve), the
// correlation of their daily P&L, the portfolio equity file with a column per instrument, and the
// report section that shows them.

import { formatIsoInZone, sessionInfo } from '../domain/index.ts';
import type { DayRecord, EquityPoint, TradeRecord, LaneRecord } from '../engine/index.ts';
import { computeMetrics, type PerformanceMetrics } from './metrics.ts';
import { esc } from './reportHtml.ts';

/** One instrument's figures in a several-instrument run (its usual metrics on the account's days). */
export interface SymbolSummary extends PerformanceMetrics {
  readonly bars: number;
  readonly regimeDistribution: Record<string, number>;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** An instrument's days: its realized net P&L per account trading day (positions are flat at each day's end). */
export function symbolDays(accountDays: readonly DayRecord[], trades: readonly TradeRecord[], startingBalanceUsd: number): DayRecord[] {
  const byDate = new Map<string, { pnl: number; n: number }>();
  for (const t of trades) {
    const d = sessionInfo(t.exitTsMs - 1).tradingDate;
    const v = byDate.get(d) ?? { pnl: 0, n: 0 };
    v.pnl += t.netPnlUsd;
    v.n++;
    byDate.set(d, v);
  }
  let bal = startingBalanceUsd;
  return accountDays.map((d) => {
    const v = byDate.get(d.tradingDate) ?? { pnl: 0, n: 0 };
    bal += v.pnl;
    return { tradingDate: d.tradingDate, netPnlUsd: r2(v.pnl), worstIntradayUsd: r2(Math.min(0, v.pnl)), trades: v.n, endBalanceUsd: r2(bal) };
  });
}

/** Summaries per instrument, in lane order. */
export function symbolSummaries(
  accountDays: readonly DayRecord[],
  lanes: ReadonlyMap<string, LaneRecord>,
  startingBalanceUsd: number,
): Record<string, SymbolSummary> {
  const out: Record<string, SymbolSummary> = {};
  for (const [symbol, lane] of lanes) {
    const days = symbolDays(accountDays, lane.trades, startingBalanceUsd);
    const equity = lane.pnl.map((p) => ({ tsMs: p.tsMs, equityUsd: startingBalanceUsd + p.equityUsd }));
    const total = [...lane.regimeBars.values()].reduce((a, b) => a + b, 0) || 1;
    const regimeDistribution = Object.fromEntries([...lane.regimeBars.entries()].sort().map(([k, n]) => [k, r4(n / total)]));
    out[symbol] = { bars: lane.barsProcessed, ...computeMetrics(lane.trades, days, equity, startingBalanceUsd), regimeDistribution };
  }
  return out;
}

/** Pearson correlation of the instruments' daily net P&L (null when either is constant), per pair. */
export function dailyPnlCorrelation(
  accountDays: readonly DayRecord[],
  lanes: ReadonlyMap<string, LaneRecord>,
  startingBalanceUsd: number,
): Record<string, Record<string, number | null>> {
  const series = new Map([...lanes].map(([s, l]) => [s, symbolDays(accountDays, l.trades, startingBalanceUsd).map((d) => d.netPnlUsd)]));
  const out: Record<string, Record<string, number | null>> = {};
  for (const [a, xa] of series) {
    out[a] = {};
    for (const [b, xb] of series) out[a]![b] = pearson(xa, xb);
  }
  return out;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? r4(sxy / Math.sqrt(sxx * syy)) : null;
}

const num = (x: number) => String(Math.round(x * 1e6) / 1e6);

/** equity.csv of a several-instrument run: the account's equity and each instrument's net P&L at the same instants. */
export function portfolioEquityCsv(equity: readonly EquityPoint[], lanes: ReadonlyMap<string, LaneRecord>): string {
  const symbols = [...lanes.keys()];
  const rows = equity.map((p, i) =>
    [formatIsoInZone('America/New_York', p.tsMs), num(p.equityUsd), ...symbols.map((s) => num(lanes.get(s)!.pnl[i]?.equityUsd ?? 0))].join(','),
  );
  return `${['time', 'equity', ...symbols.map((s) => `pnl_${s}`)].join(',')}\n${rows.join('\n')}\n`;
}

/** The report section: a table of each instrument's figures and the daily P&L correlation matrix. */
export function portfolioSectionHtml(bySymbol: Record<string, SymbolSummary>, correlation: Record<string, Record<string, number | null>>): string {
  const symbols = Object.keys(bySymbol);
  const f = (x: number | null, d = 2) => (x === null ? 'n/a' : x.toFixed(d));
  const rows = symbols
    .map((s) => {
      const m = bySymbol[s]!;
      return `<tr><td>${esc(s)}</td><td>${m.trades}</td><td>${f(m.netPnl)}</td><td>${f(m.winRate === null ? null : m.winRate * 100, 1)}</td><td>${f(m.profitFactor)}</td><td>${f(m.sharpe)}</td><td>${f(m.maxDrawdown)}</td></tr>`;
    })
    .join('');
  const head = symbols.map((s) => `<th>${esc(s)}</th>`).join('');
  const corr = symbols.map((a) => `<tr><td>${esc(a)}</td>${symbols.map((b) => `<td>${f(correlation[a]?.[b] ?? null)}</td>`).join('')}</tr>`).join('');
  return (
    `<table><tr><th>instrument</th><th>trades</th><th>net P&amp;L</th><th>win %</th><th>profit factor</th><th>Sharpe</th><th>max drawdown</th></tr>${rows}</table>` +
    `<p>Each instrument's figures count its own trades on the account's trading days (drawdown and Sharpe from its own P&amp;L). ` +
    `The account's limits, drawdown and Combine odds above are the portfolio's.</p>` +
    `<p>Correlation of daily net P&amp;L:</p><table><tr><th></th>${head}</tr>${corr}</table>`
  );
}
