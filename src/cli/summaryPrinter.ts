// Prints the key figures of a backtest summary to stdout.

import { accountStateLine, type BacktestSummary } from '../report/index.ts';
import { out } from './output.ts';

const money = (x: number | null) => (x === null ? 'n/a' : `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`);

/** A few lines: period, trades, P&L, ratios, drawdown, breach, Combine odds. */
export function printSummary(s: BacktestSummary): void {
  out(`${s.inSample ? 'IN-SAMPLE ' : ''}backtest ${s.instrument} ${s.from} -> ${s.to}: ${s.bars} bars, ${s.days} trading days`);
  out(
    `trades ${s.trades}, net ${money(s.netPnl)} (gross ${money(s.grossPnl)}, commissions ${money(s.commissions)}), win rate ${s.winRate === null ? 'n/a' : `${(s.winRate * 100).toFixed(1)}%`}, profit factor ${s.profitFactor ?? 'n/a'}`,
  );
  out(`sharpe ${s.sharpe ?? 'n/a'}, sortino ${s.sortino ?? 'n/a'}, max drawdown ${money(s.maxDrawdown)}, expectancy ${money(s.expectancy)}`);
  out(`rule breach: ${s.breach ? `${s.breach.rule} at ${s.breach.time}` : 'none'}`);
  out(accountStateLine(s));
  if (s.combine)
    out(
      `Combine pass probability ${(s.combine.passProbability * 100).toFixed(1)}% (breach ${(s.combine.breachProbability * 100).toFixed(1)}%, stall ${(s.combine.stallProbability * 100).toFixed(1)}%, unresolved ${(s.combine.unresolvedProbability * 100).toFixed(1)}%; ${s.combine.simulations} simulations, seed ${s.combine.seed}, ${s.combine.sampleDays} tradable days sampled)`,
    );
}
