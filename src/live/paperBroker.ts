// Paper trading broker: the backtest's SimBroker fed by live bars, so paper fills follow exactly the
// documented backtest fill rules (next-bar-open entries with slippage, stop first, gap fills) and no
// order ever reaches the venue.

import type { Bar } from '../domain/bar.ts';
import type { Instrument } from '../domain/instrument.ts';
import type { BracketOrderRequest, BrokerPosition, ExecutionEvent, ExitReason } from '../broker/broker.ts';
import { SimBroker, type LiquidationLevel } from '../broker/sim/simBroker.ts';
import type { LiveBroker, SubmitOutcome } from './liveBroker.ts';

/**
 * LiveBroker over SimBroker. An entry decided at a bar's close fills when the next bar closes, at that
 * bar's open (as in the backtest): paper reports a fill one bar after a venue would, at the same price.
 */
export class PaperBroker implements LiveBroker {
  readonly kind = 'paper' as const;
  private readonly sim: SimBroker;

  constructor(options: { instrument: Instrument; slippageTicks: number }) {
    this.sim = new SimBroker(options);
  }

  get position(): BrokerPosition | null {
    return this.sim.position;
  }

  get hasPendingEntry(): boolean {
    return this.sim.pendingEntry !== null;
  }

  async onBarClosed(bar: Bar): Promise<ExecutionEvent[]> {
    return this.sim.processBar(bar);
  }

  async submitBracket(order: BracketOrderRequest): Promise<SubmitOutcome> {
    const rejected = this.sim.submitBracket(order);
    return { brokerOrderId: rejected ? null : `paper-${order.intentId}`, events: rejected ? [rejected] : [] };
  }

  async cancelEntry(intentId: string, tsMs: number, reason: string): Promise<ExecutionEvent[]> {
    const ev = this.sim.cancelEntry(intentId, tsMs, reason);
    return ev ? [ev] : [];
  }

  async flatten(refPrice: number, tsMs: number, reason: ExitReason): Promise<ExecutionEvent[]> {
    return Number.isFinite(refPrice) ? this.sim.flatten(refPrice, tsMs, reason) : [];
  }

  setLiquidationLevel(level: LiquidationLevel | null): void {
    this.sim.setLiquidationLevel(level);
  }

  setEventSink(): void {
    // Paper executions happen only inside calls.
  }

  async close(): Promise<void> {}
}
