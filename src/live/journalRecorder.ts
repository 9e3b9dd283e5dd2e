// Maps the live loop's happenings onto the durable Journal: intents before sending, broker order ids,
// fills, positions, trades, end-of-day balances, risk-state changes, per-bar decisions and errors.

import type { Bar, RegimeLabel, BracketOrderRequest, ExecutionEvent } from '../domain/index.ts';
import type { TradeRecord as BacktestTrade, DecisionRecord as EngineDecision } from '../engine/index.ts';
import type { RiskEvent } from '../strategy/index.ts';
import { DecisionBuffer, IntentStatus, type EventLevel, type Journal, type TradeRecord as JournalTrade } from '../state/index.ts';

/** Thin, typed writer over a Journal for one or several instruments. Every method resolves once the write committed. */
export class JournalRecorder {
  readonly decisions: DecisionBuffer;
  /** Broker order id per intent (known after send); fills are linked through it. */
  private readonly orderIds = new Map<string, string>();

  private readonly pointValues: ReadonlyMap<string, number>;

  constructor(
    readonly journal: Journal,
    /** The instrument of calls that name none (a single-instrument session). */
    private readonly symbol: string,
    /**
     * pointValueUsd (the default symbol's) or pointValues (per symbol): lets an exit of a position adopted
     * after a restart still journal its round trip.
     */
    options: { decisionBatch?: number; pointValueUsd?: number; pointValues?: ReadonlyMap<string, number> } = {},
  ) {
    this.decisions = new DecisionBuffer(journal, { maxBuffered: options.decisionBatch ?? 12 });
    const values = new Map(options.pointValues ?? []);
    if (options.pointValueUsd !== undefined) values.set(symbol, options.pointValueUsd);
    this.pointValues = values;
  }

  /** Journals an entry intent (status INTENDED); must resolve before the order is sent. */
  async intent(order: BracketOrderRequest, regime: RegimeLabel | null, reason: string, refPrice: number): Promise<void> {
    await this.journal.recordIntent({
      intentId: order.intentId,
      customTag: order.customTag,
      symbol: order.symbol,
      side: order.side === 'long' ? 'buy' : 'sell',
      qty: order.qty,
      entryType: order.entryType,
      entryPrice: order.limitPrice ?? (Number.isFinite(refPrice) ? refPrice : null),
      stopPrice: null,
      targetPrice: null,
      regime,
      reason,
      createdTsMs: order.decidedAtMs,
    });
  }

  /** The order was handed over; records the broker's order id when one came back. */
  async sent(intentId: string, tsMs: number, brokerOrderId: string | null): Promise<void> {
    await this.journal.markSent(intentId, tsMs);
    if (brokerOrderId !== null) {
      this.orderIds.set(intentId, brokerOrderId);
      await this.journal.recordBrokerOrderId(intentId, brokerOrderId, tsMs);
    }
  }

  /** Records one execution of `symbol` (default: the recorder's) and, when it closed a position, the trade. */
  async execution(ev: ExecutionEvent, trade: BacktestTrade | null, symbol: string = this.symbol): Promise<void> {
    const j = this.journal;
    const orderId = this.orderIds.get(ev.intentId) ?? `unknown-${ev.intentId}`;
    switch (ev.kind) {
      case 'entry_filled':
        await j.recordFill({
          fillId: `${orderId}-entry`,
          orderId,
          intentId: ev.intentId,
          symbol,
          tsMs: ev.tsMs,
          side: ev.side,
          qty: ev.qty,
          price: ev.price,
          commissionUsd: ev.commissionUsd,
        });
        await j.recordPosition({ symbol, tsMs: ev.tsMs, qty: ev.side === 'buy' ? ev.qty : -ev.qty, avgPrice: ev.price });
        // A broker reports an entry once it is complete: fewer contracts than asked means the venue
        // cancelled the rest (a partial fill), so the intent ends here.
        if ((await j.intent(ev.intentId))?.status === IntentStatus.PARTIALLY_FILLED) {
          await j.markCancelled(ev.intentId, ev.tsMs);
          await this.event(ev.tsMs, 'warn', 'live', `intent ${ev.intentId} partly filled (${ev.qty}); the rest was cancelled by the venue`);
        }
        return;
      case 'exit_filled':
        await j.recordFill({
          fillId: `${orderId}-exit`,
          orderId: `${orderId}-exit`,
          intentId: null,
          symbol,
          tsMs: ev.tsMs,
          side: ev.side,
          qty: ev.qty,
          price: ev.price,
          commissionUsd: ev.commissionUsd,
        });
        await j.recordPosition({ symbol, tsMs: ev.tsMs, qty: 0, avgPrice: 0 });
        this.orderIds.delete(ev.intentId);
        if (!trade) {
          const rebuilt = await this.tradeFromJournal(ev, symbol);
          if (rebuilt) await j.recordTrade(rebuilt);
        } else {
          await j.recordTrade({
            tradeId: trade.intentId,
            symbol: trade.symbol,
            side: trade.side,
            qty: trade.qty,
            entryTsMs: trade.entryTsMs,
            exitTsMs: trade.exitTsMs,
            entryPrice: trade.entryPrice,
            exitPrice: trade.exitPrice,
            pnlUsd: trade.netPnlUsd,
            commissionUsd: trade.commissionUsd,
            regime: trade.regime,
            entryReason: trade.entryReason,
            exitReason: trade.exitReason,
          });
        }
        return;
      case 'entry_cancelled':
        await j.markCancelled(ev.intentId, ev.tsMs);
        this.orderIds.delete(ev.intentId);
        return;
      case 'entry_rejected':
        await j.markRejected(ev.intentId, { reason: ev.reason }, ev.tsMs);
        this.orderIds.delete(ev.intentId);
        return;
    }
  }

  /**
   * The round trip of an exit whose entry the engine does not know (a position adopted at start-up),
   * rebuilt from the journaled intent and its entry fill; null when either is missing.
   */
  private async tradeFromJournal(ev: Extract<ExecutionEvent, { kind: 'exit_filled' }>, symbol: string): Promise<JournalTrade | null> {
    const pointValueUsd = this.pointValues.get(symbol);
    if (pointValueUsd === undefined) return null;
    const intent = await this.journal.intent(ev.intentId);
    if (!intent) return null;
    const entry = (await this.journal.fillsSince(intent.createdTsMs)).find((f) => f.intentId === ev.intentId && f.side !== ev.side);
    if (!entry) return null;
    const sign = entry.side === 'buy' ? 1 : -1;
    const gross = (ev.price - entry.price) * sign * ev.qty * pointValueUsd;
    const commission = entry.commissionUsd + ev.commissionUsd;
    return {
      tradeId: ev.intentId,
      symbol,
      side: entry.side === 'buy' ? 'long' : 'short',
      qty: ev.qty,
      entryTsMs: entry.tsMs,
      entryPrice: entry.price,
      exitTsMs: ev.tsMs,
      exitPrice: ev.price,
      pnlUsd: gross - commission,
      commissionUsd: commission,
      regime: intent.regime,
      entryReason: intent.reason,
      exitReason: ev.reason,
    };
  }

  /** Journals a trading-state change (flatten requests are journaled as events). */
  async risk(ev: RiskEvent): Promise<void> {
    if (ev.kind === 'STATE_CHANGED') await this.journal.recordRiskState({ state: ev.to, reason: `${ev.code}: ${ev.detail}`, tsMs: ev.tsMs });
    else await this.event(ev.tsMs, 'warn', 'risk', `FLATTEN ${ev.code}: ${ev.detail}`);
  }

  /** Buffers one bar's decision of `symbol` (default: the recorder's; bars with a regime only: the journal's decision rows need one). */
  async decision(bar: Bar, d: EngineDecision, symbol: string = this.symbol): Promise<void> {
    if (d.regime === null || d.confidence === null || d.probs === null) return;
    await this.decisions.add({
      barTsMs: bar.tsMs,
      symbol,
      regime: d.regime,
      confidence: d.confidence,
      probs: d.probs,
      decisionCode: d.code,
      decisionReason: d.reason,
    });
  }

  async endOfDay(tradingDate: string, balanceUsd: number, tsMs: number): Promise<void> {
    await this.journal.recordEndOfDay(tradingDate, balanceUsd, tsMs);
  }

  async event(tsMs: number, level: EventLevel, component: string, message: string): Promise<void> {
    await this.journal.recordEvent({ tsMs, level, component, message });
  }

  /** Flushes buffered decisions, then lets the journal do its housekeeping (off the order path). */
  async flush(): Promise<void> {
    await this.decisions.flush();
    await this.journal.maintain?.();
  }
}
