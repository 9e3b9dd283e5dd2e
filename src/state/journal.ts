// The Journal interface: the one durable record of what the engine intended, sent, filled and decided.
// Implementations: MemoryJournal (backtests), SqliteJournal (default live), PostgresJournal.

import type {
  DailySummary,
  DecisionRecord,
  EndOfDayRecord,
  EventRecord,
  FillRecord,
  IntentInput,
  IntentRecord,
  IntentStatus,
  PositionSnapshot,
  RiskStateRecord,
  StoredTradeRecord,
  TradeRecord,
} from './types.ts';

/** Which backend a journal is. */
export type JournalKind = 'memory' | 'sqlite' | 'postgres';

/**
 * Append-mostly store of the trading record. Every method is async so the SQLite (synchronous)
 * and PostgreSQL (network) backends share one shape; a write has been committed (durably, for
 * the SQLite and PostgreSQL backends) when its promise resolves. Calls made one after another
 * (each awaited) are stored and returned in that order; records with equal timestamps keep their
 * insertion order. Timestamps are always passed in (UTC epoch ms), never read from a clock, so a
 * backtest journals simulated time.
 *
 * | method group | used by | durability need |
 * |---|---|---|
 * | recordIntent, mark*, recordBrokerOrderId | order path | before the order is sent |
 * | recordFill, recordPosition, recordTrade, recordEndOfDay, recordRiskState | fills, risk | before the next decision |
 * | recordDecision(s) | every bar | cheap; batch via DecisionBuffer or recordDecisions |
 * | recordEvent, setMeta | errors, retrain | best effort |
 *
 * Errors: unknown intent ids, conflicting duplicates and invalid records raise `JournalError`
 * (codes INTENT_NOT_FOUND, DUPLICATE_INTENT, BROKER_ORDER_ID_CONFLICT, INVALID_RECORD).
 */
export interface Journal {
  readonly kind: JournalKind;

  /**
   * A shared journal (PostgreSQL): rows written from now on carry this machine id and fencing token
   * (null: none). Absent on a machine's own journal.
   */
  setWriter?(writer: { readonly machineId: string; readonly fencingToken: number } | null): Promise<void>;

  // ---- order intents and their lifecycle -------------------------------------------------------

  /**
   * Stores a new intent with status INTENDED; call and await this before sending the order.
   * Recording the same intentId with the same customTag again is a no-op (a retry after a crash);
   * a customTag or intentId already used by a different intent raises DUPLICATE_INTENT.
   */
  recordIntent(intent: IntentInput): Promise<void>;
  /** The order was handed to the broker at `tsMs`. Returns the status afterwards. */
  markSent(intentId: string, tsMs: number): Promise<IntentStatus>;
  /** The broker assigned `brokerOrderId`; a different id than one already stored raises BROKER_ORDER_ID_CONFLICT. */
  recordBrokerOrderId(intentId: string, brokerOrderId: string, tsMs: number): Promise<IntentStatus>;
  /** The broker rejected the order. No-op on an intent already FILLED, REJECTED or CANCELLED. */
  markRejected(intentId: string, rejection: { readonly reason: string }, tsMs: number): Promise<IntentStatus>;
  /** The order was cancelled (remaining quantity, if partially filled). No-op on terminal intents. */
  markCancelled(intentId: string, tsMs: number): Promise<IntentStatus>;
  /** One intent by id, or null. */
  intent(intentId: string): Promise<IntentRecord | null>;
  /** The intent with this broker customTag, or null. */
  intentByCustomTag(customTag: string): Promise<IntentRecord | null>;
  /** Intents not yet FILLED, REJECTED or CANCELLED, oldest first. */
  openIntents(): Promise<IntentRecord[]>;

  // ---- fills, positions, trades ------------------------------------------------------------------

  /**
   * Stores a fill; returns false (and changes nothing) when `fillId` is already stored. A new fill
   * adds to its intent's filledQty (intent found by intentId, else by broker order id) and moves
   * it to PARTIALLY_FILLED or FILLED.
   */
  recordFill(fill: FillRecord): Promise<boolean>;
  /** Fills with tsMs >= sinceTsMs, oldest first. */
  fillsSince(sinceTsMs: number): Promise<FillRecord[]>;
  /** Stores a position snapshot (history kept). */
  recordPosition(snapshot: PositionSnapshot): Promise<void>;
  /** The latest snapshot per symbol, by symbol. */
  latestPositions(): Promise<PositionSnapshot[]>;
  /** Stores a completed trade; returns false when `tradeId` is already stored. */
  recordTrade(trade: TradeRecord): Promise<boolean>;
  /** Trades whose exit falls in CME trading date `tradingDate` ("YYYY-MM-DD"), by exit time. */
  tradesForDay(tradingDate: string): Promise<StoredTradeRecord[]>;
  /** The latest trading date with a trade or an end-of-day balance, or null for an empty journal. */
  latestTradingDate(): Promise<string | null>;

  // ---- daily P&L, balances, risk state ------------------------------------------------------------

  /** Stores (or replaces) the end-of-day balance of a trading date. */
  recordEndOfDay(tradingDate: string, balanceUsd: number, tsMs: number): Promise<void>;
  /** All end-of-day balances, oldest trading date first. */
  endOfDayBalances(): Promise<EndOfDayRecord[]>;
  /** The highest end-of-day balance ever recorded (the trailing MLL's anchor), or null. */
  highestEndOfDayBalance(): Promise<number | null>;
  /** P&L, trade count and win rate of one trading date. */
  dailySummary(tradingDate: string): Promise<DailySummary>;
  /** Stores a change of the trading state. */
  recordRiskState(change: RiskStateRecord): Promise<void>;
  /** The last recorded trading-state change, or null. */
  latestRiskState(): Promise<RiskStateRecord | null>;

  // ---- per-bar decisions ------------------------------------------------------------------------------

  /** Stores one bar's decision. */
  recordDecision(decision: DecisionRecord): Promise<void>;
  /** Stores many decisions in one transaction (replays, catching up). */
  recordDecisions(decisions: readonly DecisionRecord[]): Promise<void>;
  /** The last `limit` decisions in the order they were recorded (oldest of them first). */
  recentDecisions(limit: number): Promise<DecisionRecord[]>;

  // ---- events and metadata ----------------------------------------------------------------------------

  /** Stores an error or notable event. */
  recordEvent(event: EventRecord): Promise<void>;
  /** The last `limit` events, oldest of them first. */
  recentEvents(limit: number): Promise<EventRecord[]>;
  /** Sets a metadata value (see META_KEYS). */
  setMeta(key: string, value: string, tsMs: number): Promise<void>;
  /** A metadata value, or null when unset. */
  getMeta(key: string): Promise<string | null>;

  /**
   * Housekeeping off the order path, called by the live loop after an order was sent and at a clean stop:
   * the SQLite journal checkpoints its write-ahead log here rather than inside the commit of a later write
   * (an intent). Durability is unchanged (every commit is already synced). Optional.
   */
  maintain?(): Promise<void>;

  /** Flushes and releases the store; later calls raise JOURNAL_CLOSED. Idempotent. */
  close(): Promise<void>;
}
