// In-memory Journal for backtests and tests: plain arrays and maps, nothing persisted, cheap per call.

import { brokerIdConflict, duplicateIntent, intentNotFound, JournalError } from './journalError.ts';
import type { Journal } from './journal.ts';
import { isOpenIntent, nextIntentStatus, type IntentEvent } from './intentLifecycle.ts';
import {
  summarizeDay,
  tradingDateOfTrade,
  validateDecision,
  validateFill,
  validateIntent,
  validateLimit,
  validatePosition,
  validateTrade,
  validateTradingDate,
  validateTsMs,
} from './journalRecords.ts';
import {
  IntentStatus,
  type DailySummary,
  type DecisionRecord,
  type EndOfDayRecord,
  type EventRecord,
  type FillRecord,
  type IntentInput,
  type IntentRecord,
  type PositionSnapshot,
  type RiskStateRecord,
  type StoredTradeRecord,
  type TradeRecord,
} from './types.ts';

type MutableIntent = { -readonly [K in keyof IntentRecord]: IntentRecord[K] };

/** Journal kept in process memory; records are copied in and out so callers cannot alter them. */
export class MemoryJournal implements Journal {
  readonly kind = 'memory' as const;
  private readonly intents = new Map<string, MutableIntent>();
  private readonly intentIdByTag = new Map<string, string>();
  private readonly intentIdByBrokerOrder = new Map<string, string>();
  private readonly fills: FillRecord[] = [];
  private readonly fillIds = new Set<string>();
  private readonly positions = new Map<string, PositionSnapshot>();
  private readonly trades: StoredTradeRecord[] = [];
  private readonly tradeIds = new Set<string>();
  private readonly endOfDay = new Map<string, EndOfDayRecord>();
  private readonly riskStates: RiskStateRecord[] = [];
  private readonly decisions: DecisionRecord[] = [];
  private readonly events: EventRecord[] = [];
  private readonly meta = new Map<string, string>();
  private closed = false;

  async recordIntent(intent: IntentInput): Promise<void> {
    this.assertOpen();
    validateIntent(intent);
    const byId = this.intents.get(intent.intentId);
    const tagOwner = this.intentIdByTag.get(intent.customTag);
    if (byId && byId.customTag === intent.customTag) return;
    if (byId || tagOwner !== undefined) throw duplicateIntent(intent);
    this.intents.set(intent.intentId, {
      ...intent,
      status: IntentStatus.INTENDED,
      sentTsMs: null,
      brokerOrderId: null,
      rejectReason: null,
      filledQty: 0,
      updatedTsMs: intent.createdTsMs,
    });
    this.intentIdByTag.set(intent.customTag, intent.intentId);
  }

  async markSent(intentId: string, tsMs: number): Promise<IntentStatus> {
    const rec = this.mustGet('markSent', intentId, tsMs);
    if (rec.sentTsMs === null) rec.sentTsMs = tsMs;
    return this.apply(rec, { kind: 'sent' }, tsMs);
  }

  async recordBrokerOrderId(intentId: string, brokerOrderId: string, tsMs: number): Promise<IntentStatus> {
    const rec = this.mustGet('recordBrokerOrderId', intentId, tsMs);
    if (rec.brokerOrderId !== null && rec.brokerOrderId !== brokerOrderId) throw brokerIdConflict(intentId, rec.brokerOrderId, brokerOrderId);
    rec.brokerOrderId = brokerOrderId;
    this.intentIdByBrokerOrder.set(brokerOrderId, intentId);
    return this.apply(rec, { kind: 'accepted' }, tsMs);
  }

  async markRejected(intentId: string, rejection: { readonly reason: string }, tsMs: number): Promise<IntentStatus> {
    const rec = this.mustGet('markRejected', intentId, tsMs);
    const before = rec.status;
    const after = this.apply(rec, { kind: 'rejected' }, tsMs);
    if (after !== before) rec.rejectReason = rejection.reason;
    return after;
  }

  async markCancelled(intentId: string, tsMs: number): Promise<IntentStatus> {
    return this.apply(this.mustGet('markCancelled', intentId, tsMs), { kind: 'cancelled' }, tsMs);
  }

  async intent(intentId: string): Promise<IntentRecord | null> {
    this.assertOpen();
    const rec = this.intents.get(intentId);
    return rec ? { ...rec } : null;
  }

  async intentByCustomTag(customTag: string): Promise<IntentRecord | null> {
    this.assertOpen();
    const id = this.intentIdByTag.get(customTag);
    return id === undefined ? null : { ...this.intents.get(id)! };
  }

  async openIntents(): Promise<IntentRecord[]> {
    this.assertOpen();
    const out: IntentRecord[] = [];
    for (const rec of this.intents.values()) if (isOpenIntent(rec.status)) out.push({ ...rec });
    return out.sort((a, b) => a.createdTsMs - b.createdTsMs);
  }

  async recordFill(fill: FillRecord): Promise<boolean> {
    this.assertOpen();
    validateFill(fill);
    if (this.fillIds.has(fill.fillId)) return false;
    const intentId = fill.intentId ?? this.intentIdByBrokerOrder.get(fill.orderId) ?? null;
    const rec = intentId === null ? undefined : this.intents.get(intentId);
    this.fillIds.add(fill.fillId);
    this.fills.push({ ...fill, intentId: rec ? rec.intentId : fill.intentId });
    if (rec) {
      rec.filledQty += fill.qty;
      this.apply(rec, { kind: 'filled', filledQty: rec.filledQty, qty: rec.qty }, fill.tsMs);
    }
    return true;
  }

  async fillsSince(sinceTsMs: number): Promise<FillRecord[]> {
    this.assertOpen();
    // Stable sort keeps insertion order among equal timestamps.
    return this.fills
      .filter((f) => f.tsMs >= sinceTsMs)
      .sort((a, b) => a.tsMs - b.tsMs)
      .map((f) => ({ ...f }));
  }

  async recordPosition(snapshot: PositionSnapshot): Promise<void> {
    this.assertOpen();
    validatePosition(snapshot);
    this.positions.set(snapshot.symbol, { ...snapshot });
  }

  async latestPositions(): Promise<PositionSnapshot[]> {
    this.assertOpen();
    return [...this.positions.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)).map((p) => ({ ...p }));
  }

  async recordTrade(trade: TradeRecord): Promise<boolean> {
    this.assertOpen();
    validateTrade(trade);
    if (this.tradeIds.has(trade.tradeId)) return false;
    this.tradeIds.add(trade.tradeId);
    this.trades.push({ ...trade, tradingDate: tradingDateOfTrade(trade) });
    return true;
  }

  async tradesForDay(tradingDate: string): Promise<StoredTradeRecord[]> {
    this.assertOpen();
    validateTradingDate('tradesForDay', tradingDate);
    return this.trades
      .filter((t) => t.tradingDate === tradingDate)
      .sort((a, b) => a.exitTsMs - b.exitTsMs)
      .map((t) => ({ ...t }));
  }

  async latestTradingDate(): Promise<string | null> {
    this.assertOpen();
    let latest: string | null = null;
    for (const t of this.trades) if (latest === null || t.tradingDate > latest) latest = t.tradingDate;
    for (const d of this.endOfDay.keys()) if (latest === null || d > latest) latest = d;
    return latest;
  }

  async recordEndOfDay(tradingDate: string, balanceUsd: number, tsMs: number): Promise<void> {
    this.assertOpen();
    validateTradingDate('recordEndOfDay', tradingDate);
    if (!Number.isFinite(balanceUsd))
      throw new JournalError('INVALID_RECORD', `journal.recordEndOfDay: balanceUsd must be a finite number (got ${balanceUsd})`);
    validateTsMs('recordEndOfDay', 'tsMs', tsMs);
    this.endOfDay.set(tradingDate, { tradingDate, balanceUsd, tsMs });
  }

  async endOfDayBalances(): Promise<EndOfDayRecord[]> {
    this.assertOpen();
    return [...this.endOfDay.values()].sort((a, b) => (a.tradingDate < b.tradingDate ? -1 : 1)).map((r) => ({ ...r }));
  }

  async highestEndOfDayBalance(): Promise<number | null> {
    this.assertOpen();
    let best: number | null = null;
    for (const r of this.endOfDay.values()) if (best === null || r.balanceUsd > best) best = r.balanceUsd;
    return best;
  }

  async dailySummary(tradingDate: string): Promise<DailySummary> {
    const trades = await this.tradesForDay(tradingDate);
    return summarizeDay(tradingDate, trades, this.endOfDay.get(tradingDate)?.balanceUsd ?? null);
  }

  async recordRiskState(change: RiskStateRecord): Promise<void> {
    this.assertOpen();
    validateTsMs('recordRiskState', 'tsMs', change.tsMs);
    this.riskStates.push({ ...change });
  }

  async latestRiskState(): Promise<RiskStateRecord | null> {
    this.assertOpen();
    const last = this.riskStates[this.riskStates.length - 1];
    return last ? { ...last } : null;
  }

  async recordDecision(decision: DecisionRecord): Promise<void> {
    this.assertOpen();
    validateDecision(decision);
    this.decisions.push({ ...decision, probs: [...decision.probs] });
  }

  async recordDecisions(decisions: readonly DecisionRecord[]): Promise<void> {
    this.assertOpen();
    for (const d of decisions) validateDecision(d);
    for (const d of decisions) this.decisions.push({ ...d, probs: [...d.probs] });
  }

  async recentDecisions(limit: number): Promise<DecisionRecord[]> {
    this.assertOpen();
    validateLimit('recentDecisions', limit);
    return this.decisions.slice(-limit).map((d) => ({ ...d, probs: [...d.probs] }));
  }

  async recordEvent(event: EventRecord): Promise<void> {
    this.assertOpen();
    validateTsMs('recordEvent', 'tsMs', event.tsMs);
    this.events.push({ ...event });
  }

  async recentEvents(limit: number): Promise<EventRecord[]> {
    this.assertOpen();
    validateLimit('recentEvents', limit);
    return this.events.slice(-limit).map((e) => ({ ...e }));
  }

  async setMeta(key: string, value: string, tsMs: number): Promise<void> {
    this.assertOpen();
    validateTsMs('setMeta', 'tsMs', tsMs);
    this.meta.set(key, value);
  }

  async getMeta(key: string): Promise<string | null> {
    this.assertOpen();
    return this.meta.get(key) ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new JournalError('JOURNAL_CLOSED', 'journal (memory): used after close()');
  }

  private mustGet(where: string, intentId: string, tsMs: number): MutableIntent {
    this.assertOpen();
    validateTsMs(where, 'tsMs', tsMs);
    const rec = this.intents.get(intentId);
    if (!rec) throw intentNotFound(where, intentId);
    return rec;
  }

  private apply(rec: MutableIntent, event: IntentEvent, tsMs: number): IntentStatus {
    const next = nextIntentStatus(rec.status, event);
    if (next !== rec.status) {
      rec.status = next;
      rec.updatedTsMs = tsMs;
    }
    return rec.status;
  }
}
