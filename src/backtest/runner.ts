// Backtest runner: feeds historical bars through the trading engine and the simulated broker on a
// simulated clock, collecting trades, daily results, the equity curve and per-bar decisions.

import type { BarSeries, Bar } from '../domain/bar.ts';
import type { Instrument } from '../domain/instrument.ts';
import { pointValueUsd } from '../domain/instrument.ts';
import { sessionInfo } from '../domain/session.ts';
import { dateKeyOfDays, MINUTE_MS } from '../domain/time.ts';
import type { EngineCommand, ExecutionEvent } from '../broker/broker.ts';
import { SimBroker } from '../broker/sim/simBroker.ts';
import { TradingEngine, type TradingEngineOptions } from '../engine/tradingEngine.ts';
import type { DecisionRecord } from '../engine/types.ts';
import type { RiskEvent } from '../strategy/riskManager/types.ts';
import type { BreachRecord, DayRecord, EquityPoint, TradeRecord } from './types.ts';

export interface RunBacktestOptions extends Omit<TradingEngineOptions, 'onRiskEvent'> {
  readonly series: BarSeries;
  readonly slippageTicks: number;
  readonly startingBalanceUsd: number;
  /** Receives each bar's decision (e.g. to write decisions.jsonl); omitted = not kept. */
  readonly onDecision?: (d: DecisionRecord) => void;
  /** Called every `progressEvery` bars with the number done. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

export interface BacktestRun {
  readonly trades: TradeRecord[];
  readonly days: DayRecord[];
  readonly equity: EquityPoint[];
  readonly breach: BreachRecord | null;
  /** Bars per regime label (bars with a regime). */
  readonly regimeBars: Map<string, number>;
  readonly barsProcessed: number;
  readonly riskEvents: RiskEvent[];
}

interface DayAcc {
  day: number;
  startEquity: number;
  worst: number;
  trades: number;
}

/** Runs a backtest over `series` (bars must be validated and sorted). Deterministic. */
export function runBacktest(o: RunBacktestOptions): BacktestRun {
  const riskEvents: RiskEvent[] = [];
  let breach: BreachRecord | null = null;
  const engine = new TradingEngine({
    ...o,
    onRiskEvent: (e) => {
      riskEvents.push(e);
      if (!breach && e.kind === 'STATE_CHANGED' && (e.code === 'MLL_BREACH' || e.code === 'DAILY_LOSS_LIMIT'))
        breach = { rule: e.code, tsMs: e.tsMs, detail: e.detail };
    },
  });
  const sim = new SimBroker({ instrument: o.instrument, slippageTicks: o.slippageTicks });
  const inst: Instrument = o.instrument;
  const pv = pointValueUsd(inst);
  const trades: TradeRecord[] = [];
  const days: DayRecord[] = [];
  const equity: EquityPoint[] = [];
  const regimeBars = new Map<string, number>();
  const s = o.series;
  const barMs = o.config.data.bar_minutes * MINUTE_MS;
  const every = o.progressEvery ?? 50_000;
  let acc: DayAcc | null = null;

  const apply = (events: readonly ExecutionEvent[]): void => {
    for (const ev of events) {
      const follow: EngineCommand[] = [];
      const t = engine.onExecution(ev, follow);
      if (t) {
        trades.push(t);
        if (acc) acc.trades++;
      }
      execute(follow, Number.NaN, Number.NaN);
    }
  };
  const execute = (commands: readonly EngineCommand[], closePrice: number, tsMs: number): void => {
    for (const c of commands) {
      if (c.kind === 'submit_bracket') {
        const rej = sim.submitBracket(c.order);
        if (rej) apply([rej]);
      } else if (c.kind === 'cancel_entry') {
        const ev = sim.cancelEntry(c.intentId, tsMs, c.reason);
        if (ev) apply([ev]);
      } else if (!Number.isNaN(closePrice)) {
        apply(sim.flatten(closePrice, tsMs, c.reason));
      }
    }
  };
  const closeDay = (): void => {
    if (!acc) return;
    const eq = o.risk.equityUsd;
    days.push({
      tradingDate: dateKeyOfDays(acc.day),
      netPnlUsd: round2(eq - acc.startEquity),
      worstIntradayUsd: round2(Math.min(0, acc.worst - acc.startEquity)),
      trades: acc.trades,
      endBalanceUsd: round2(eq),
    });
  };

  for (let i = 0; i < s.length; i++) {
    const bar: Bar = { tsMs: s.tsMs[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
    const forced = engine.beforeBar(bar, sim.position);
    if (forced) apply(sim.flatten(forced.price, forced.tsMs, forced.reason));
    const info = sessionInfo(bar.tsMs);
    if (!acc || acc.day !== info.tradingDay) {
      closeDay();
      const eq = o.risk.equityUsd;
      acc = { day: info.tradingDay, startEquity: eq, worst: eq, trades: 0 };
    }
    apply(sim.processBar(bar));
    const pos = sim.position;
    if (pos) {
      const adverse = pos.side === 'long' ? bar.low : bar.high;
      const eqAdverse = o.risk.balanceUsd + (adverse - pos.entryPrice) * (pos.side === 'long' ? 1 : -1) * pos.qty * pv;
      if (eqAdverse < acc.worst) acc.worst = eqAdverse;
    }
    const out = engine.onBarClose(bar, pos, sim.pendingEntry !== null);
    execute(out.commands, bar.close, bar.tsMs + barMs);
    sim.setLiquidationLevel(engine.liquidationLevel(sim.position));
    if (out.decision.code !== 'OUTSIDE_SESSION') {
      const eq = o.risk.equityUsd;
      equity.push({ tsMs: bar.tsMs + barMs, equityUsd: eq });
      if (eq < acc.worst) acc.worst = eq;
    }
    if (out.decision.regime) regimeBars.set(out.decision.regime, (regimeBars.get(out.decision.regime) ?? 0) + 1);
    o.onDecision?.(out.decision);
    if (o.onProgress && (i + 1) % every === 0) o.onProgress(i + 1);
  }
  if (s.length > 0) apply(sim.flatten(s.close[s.length - 1]!, s.tsMs[s.length - 1]! + barMs, 'end_of_data'));
  closeDay();
  o.onProgress?.(s.length);
  return { trades, days, equity, breach, regimeBars, barsProcessed: s.length, riskEvents };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
