// The Journal over a SQL driver: one implementation of every method for SQLite and PostgreSQL,
// with all calls serialized on the driver's one connection so call order is storage order.

import { brokerIdConflict, duplicateIntent, intentNotFound, JournalError } from './journalError.ts';
import type { Journal, JournalKind } from './journal.ts';
import { nextIntentStatus, type IntentEvent } from './intentLifecycle.ts';
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
import { pendingMigrations, SCHEMA_VERSION_DDL, type Migration } from './migrations/migration.ts';
import type { SqlDriver, SqlExecutor } from './sqlDriver.ts';
import {
  decisionFromRow,
  decisionParams,
  endOfDayFromRow,
  eventFromRow,
  FILL_COLUMNS,
  fillFromRow,
  fillParams,
  INTENT_COLUMNS,
  intentFromRow,
  intentParams,
  insertSql,
  positionFromRow,
  riskStateFromRow,
  TRADE_COLUMNS,
  tradeFromRow,
  numberColumn,
  tradeParams,
} from './sqlRows.ts';
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

const DECISION_COLUMNS = ['bar_ts_ms', 'symbol', 'regime', 'confidence', 'probs', 'decision_code', 'decision_reason'] as const;
const OPEN_STATUSES = [IntentStatus.INTENDED, IntentStatus.SENT, IntentStatus.ACCEPTED, IntentStatus.PARTIALLY_FILLED];
const OPEN_STATUS_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
const INSERT_INTENT = insertSql('intents', INTENT_COLUMNS);
const INSERT_FILL = insertSql('fills', FILL_COLUMNS);
const INSERT_TRADE = `${insertSql('trades', TRADE_COLUMNS)} ON CONFLICT (trade_id) DO NOTHING`;
const INSERT_DECISION = insertSql('decisions', DECISION_COLUMNS.join(', '));

/**
 * Applies the pending migrations of `migrations` in one transaction (idempotent: a store already
 * at the latest version is left alone). Returns the schema version afterwards.
 */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[]): Promise<number> {
  return driver.transaction(async (tx) => {
    if (driver.migrationLockSql) await tx.all(driver.migrationLockSql);
    await tx.exec(SCHEMA_VERSION_DDL);
    const rows = await tx.all('SELECT MAX(version) AS v FROM schema_version');
    const current = rows[0]?.v === null || rows[0]?.v === undefined ? 0 : Number(rows[0].v);
    const pending = pendingMigrations(migrations, current, driver.where);
    for (const m of pending) {
      await tx.exec(m.sql);
      await tx.run(`INSERT INTO schema_version (version, name, applied_ts_ms) VALUES (?, ?, ${driver.nowMsSql})`, [m.version, m.name]);
    }
    return pending.length ? pending[pending.length - 1]!.version : current;
  });
}

/** Journal stored through a SqlDriver; subclasses only choose the driver and open it. */
export class SqlJournal implements Journal {
  readonly kind: JournalKind;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(protected readonly driver: SqlDriver) {
    this.kind = driver.dialect;
  }

  // ---- intents ------------------------------------------------------------------------------------

  recordIntent(intent: IntentInput): Promise<void> {
    return this.serial(async () => {
      validateIntent(intent);
      await this.driver.transaction(async (tx) => {
        const existing = await tx.all('SELECT intent_id, custom_tag FROM intents WHERE intent_id = ? OR custom_tag = ?', [
          intent.intentId,
          intent.customTag,
        ]);
        if (existing.length === 1 && existing[0]!.intent_id === intent.intentId && existing[0]!.custom_tag === intent.customTag) return;
        if (existing.length) throw duplicateIntent(intent);
        const rec: IntentRecord = {
          ...intent,
          status: IntentStatus.INTENDED,
          sentTsMs: null,
          brokerOrderId: null,
          rejectReason: null,
          filledQty: 0,
          updatedTsMs: intent.createdTsMs,
        };
        await tx.run(INSERT_INTENT, intentParams(rec));
      });
    });
  }

  markSent(intentId: string, tsMs: number): Promise<IntentStatus> {
    return this.updateIntent('markSent', intentId, tsMs, { kind: 'sent' }, async (tx, rec) => {
      if (rec.sentTsMs === null) await tx.run('UPDATE intents SET sent_ts_ms = ? WHERE intent_id = ?', [tsMs, intentId]);
    });
  }

  recordBrokerOrderId(intentId: string, brokerOrderId: string, tsMs: number): Promise<IntentStatus> {
    return this.updateIntent('recordBrokerOrderId', intentId, tsMs, { kind: 'accepted' }, async (tx, rec) => {
      if (rec.brokerOrderId !== null && rec.brokerOrderId !== brokerOrderId) throw brokerIdConflict(intentId, rec.brokerOrderId, brokerOrderId);
      if (rec.brokerOrderId === null) await tx.run('UPDATE intents SET broker_order_id = ? WHERE intent_id = ?', [brokerOrderId, intentId]);
    });
  }

  markRejected(intentId: string, rejection: { readonly reason: string }, tsMs: number): Promise<IntentStatus> {
    return this.updateIntent('markRejected', intentId, tsMs, { kind: 'rejected' }, async (tx, rec, next) => {
      if (next !== rec.status) await tx.run('UPDATE intents SET reject_reason = ? WHERE intent_id = ?', [rejection.reason, intentId]);
    });
  }

  markCancelled(intentId: string, tsMs: number): Promise<IntentStatus> {
    return this.updateIntent('markCancelled', intentId, tsMs, { kind: 'cancelled' }, async () => undefined);
  }

  intent(intentId: string): Promise<IntentRecord | null> {
    return this.serial(async () => {
      const rows = await this.driver.all('SELECT * FROM intents WHERE intent_id = ?', [intentId]);
      return rows.length ? intentFromRow(rows[0]!) : null;
    });
  }

  intentByCustomTag(customTag: string): Promise<IntentRecord | null> {
    return this.serial(async () => {
      const rows = await this.driver.all('SELECT * FROM intents WHERE custom_tag = ?', [customTag]);
      return rows.length ? intentFromRow(rows[0]!) : null;
    });
  }

  openIntents(): Promise<IntentRecord[]> {
    return this.serial(async () => {
      const rows = await this.driver.all(`SELECT * FROM intents WHERE status IN (${OPEN_STATUS_SQL}) ORDER BY created_ts_ms, seq`);
      return rows.map(intentFromRow);
    });
  }

  // ---- fills, positions, trades ----------------------------------------------------------------

  recordFill(fill: FillRecord): Promise<boolean> {
    return this.serial(async () => {
      validateFill(fill);
      return this.driver.transaction(async (tx) => {
        const dup = await tx.all('SELECT 1 AS x FROM fills WHERE fill_id = ?', [fill.fillId]);
        if (dup.length) return false;
        const rows =
          fill.intentId !== null
            ? await tx.all('SELECT * FROM intents WHERE intent_id = ?', [fill.intentId])
            : await tx.all('SELECT * FROM intents WHERE broker_order_id = ? ORDER BY seq LIMIT 1', [fill.orderId]);
        const rec = rows.length ? intentFromRow(rows[0]!) : null;
        await tx.run(INSERT_FILL, fillParams({ ...fill, intentId: rec ? rec.intentId : fill.intentId }));
        if (rec) {
          const filledQty = rec.filledQty + fill.qty;
          const next = nextIntentStatus(rec.status, { kind: 'filled', filledQty, qty: rec.qty });
          const updated = next !== rec.status ? fill.tsMs : rec.updatedTsMs;
          await tx.run('UPDATE intents SET filled_qty = ?, status = ?, updated_ts_ms = ? WHERE intent_id = ?', [
            filledQty,
            next,
            updated,
            rec.intentId,
          ]);
        }
        return true;
      });
    });
  }

  fillsSince(sinceTsMs: number): Promise<FillRecord[]> {
    return this.serial(async () => (await this.driver.all('SELECT * FROM fills WHERE ts_ms >= ? ORDER BY ts_ms, seq', [sinceTsMs])).map(fillFromRow));
  }

  recordPosition(snapshot: PositionSnapshot): Promise<void> {
    return this.serial(async () => {
      validatePosition(snapshot);
      await this.driver.run('INSERT INTO positions (symbol, ts_ms, qty, avg_price) VALUES (?, ?, ?, ?)', [
        snapshot.symbol,
        snapshot.tsMs,
        snapshot.qty,
        snapshot.avgPrice,
      ]);
    });
  }

  latestPositions(): Promise<PositionSnapshot[]> {
    return this.serial(async () => {
      const collate = this.driver.dialect === 'postgres' ? ' COLLATE "C"' : '';
      const rows = await this.driver.all(
        `SELECT p.* FROM positions p JOIN (SELECT symbol, MAX(seq) AS seq FROM positions GROUP BY symbol) l ON p.seq = l.seq ORDER BY p.symbol${collate}`,
      );
      return rows.map(positionFromRow);
    });
  }

  recordTrade(trade: TradeRecord): Promise<boolean> {
    return this.serial(async () => {
      validateTrade(trade);
      const stored: StoredTradeRecord = { ...trade, tradingDate: tradingDateOfTrade(trade) };
      const changed = await this.driver.run(INSERT_TRADE, tradeParams(stored));
      return changed > 0;
    });
  }

  tradesForDay(tradingDate: string): Promise<StoredTradeRecord[]> {
    return this.serial(async () => {
      validateTradingDate('tradesForDay', tradingDate);
      return (await this.driver.all('SELECT * FROM trades WHERE trading_date = ? ORDER BY exit_ts_ms, seq', [tradingDate])).map(tradeFromRow);
    });
  }

  latestTradingDate(): Promise<string | null> {
    return this.serial(async () => {
      const rows = await this.driver.all(
        'SELECT MAX(d) AS d FROM (SELECT MAX(trading_date) AS d FROM trades UNION ALL SELECT MAX(trading_date) AS d FROM end_of_day) x',
      );
      const d = rows[0]?.d;
      return d === null || d === undefined ? null : String(d);
    });
  }

  // ---- daily P&L, balances, risk state --------------------------------------------------------------

  recordEndOfDay(tradingDate: string, balanceUsd: number, tsMs: number): Promise<void> {
    return this.serial(async () => {
      validateTradingDate('recordEndOfDay', tradingDate);
      if (!Number.isFinite(balanceUsd))
        throw new JournalError('INVALID_RECORD', `journal.recordEndOfDay: balanceUsd must be a finite number (got ${balanceUsd})`);
      validateTsMs('recordEndOfDay', 'tsMs', tsMs);
      await this.driver.run(
        'INSERT INTO end_of_day (trading_date, balance_usd, ts_ms) VALUES (?, ?, ?) ON CONFLICT (trading_date) DO UPDATE SET balance_usd = excluded.balance_usd, ts_ms = excluded.ts_ms',
        [tradingDate, balanceUsd, tsMs],
      );
    });
  }

  endOfDayBalances(): Promise<EndOfDayRecord[]> {
    return this.serial(async () => (await this.driver.all('SELECT * FROM end_of_day ORDER BY trading_date')).map(endOfDayFromRow));
  }

  highestEndOfDayBalance(): Promise<number | null> {
    return this.serial(async () => {
      const v = (await this.driver.all('SELECT MAX(balance_usd) AS v FROM end_of_day'))[0]?.v;
      return v === null || v === undefined ? null : Number(v);
    });
  }

  dailySummary(tradingDate: string): Promise<DailySummary> {
    return this.serial(async () => {
      validateTradingDate('dailySummary', tradingDate);
      const trades = (await this.driver.all('SELECT * FROM trades WHERE trading_date = ? ORDER BY exit_ts_ms, seq', [tradingDate])).map(tradeFromRow);
      const eod = await this.driver.all('SELECT balance_usd FROM end_of_day WHERE trading_date = ?', [tradingDate]);
      return summarizeDay(tradingDate, trades, eod.length ? numberColumn('end_of_day', eod[0]!, 'balance_usd') : null);
    });
  }

  recordRiskState(change: RiskStateRecord): Promise<void> {
    return this.serial(async () => {
      validateTsMs('recordRiskState', 'tsMs', change.tsMs);
      await this.driver.run('INSERT INTO risk_states (ts_ms, state, reason) VALUES (?, ?, ?)', [change.tsMs, change.state, change.reason]);
    });
  }

  latestRiskState(): Promise<RiskStateRecord | null> {
    return this.serial(async () => {
      const rows = await this.driver.all('SELECT * FROM risk_states ORDER BY seq DESC LIMIT 1');
      return rows.length ? riskStateFromRow(rows[0]!) : null;
    });
  }

  // ---- decisions, events, metadata ----------------------------------------------------------------------

  recordDecision(decision: DecisionRecord): Promise<void> {
    return this.serial(async () => {
      validateDecision(decision);
      await this.driver.run(INSERT_DECISION, decisionParams(decision));
    });
  }

  recordDecisions(decisions: readonly DecisionRecord[]): Promise<void> {
    return this.serial(async () => {
      for (const d of decisions) validateDecision(d);
      if (decisions.length === 0) return;
      await this.driver.transaction((tx) => tx.insertRows('decisions', DECISION_COLUMNS, decisions.map(decisionParams)));
    });
  }

  recentDecisions(limit: number): Promise<DecisionRecord[]> {
    return this.serial(async () => {
      validateLimit('recentDecisions', limit);
      const rows = await this.driver.all('SELECT * FROM decisions ORDER BY seq DESC LIMIT ?', [limit]);
      return rows.reverse().map(decisionFromRow);
    });
  }

  recordEvent(event: EventRecord): Promise<void> {
    return this.serial(async () => {
      validateTsMs('recordEvent', 'tsMs', event.tsMs);
      await this.driver.run('INSERT INTO events (ts_ms, level, component, message) VALUES (?, ?, ?, ?)', [
        event.tsMs,
        event.level,
        event.component,
        event.message,
      ]);
    });
  }

  recentEvents(limit: number): Promise<EventRecord[]> {
    return this.serial(async () => {
      validateLimit('recentEvents', limit);
      const rows = await this.driver.all('SELECT * FROM events ORDER BY seq DESC LIMIT ?', [limit]);
      return rows.reverse().map(eventFromRow);
    });
  }

  setMeta(key: string, value: string, tsMs: number): Promise<void> {
    return this.serial(async () => {
      validateTsMs('setMeta', 'tsMs', tsMs);
      await this.driver.run(
        'INSERT INTO meta (key, value, updated_ts_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ts_ms = excluded.updated_ts_ms',
        [key, value, tsMs],
      );
    });
  }

  getMeta(key: string): Promise<string | null> {
    return this.serial(async () => {
      const rows = await this.driver.all('SELECT value FROM meta WHERE key = ?', [key]);
      return rows.length ? String(rows[0]!.value) : null;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.driver.close();
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  /** Runs `fn` after every earlier call finished, so calls reach the store in call order. */
  protected serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new JournalError('JOURNAL_CLOSED', `journal (${this.driver.where}): used after close()`));
    const p = this.tail.then(fn);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Read-modify-write of one intent in a transaction: `extra` writes event-specific columns first. */
  private updateIntent(
    where: string,
    intentId: string,
    tsMs: number,
    event: IntentEvent,
    extra: (tx: SqlExecutor, rec: IntentRecord, next: IntentStatus) => Promise<void>,
  ): Promise<IntentStatus> {
    return this.serial(async () => {
      validateTsMs(where, 'tsMs', tsMs);
      return this.driver.transaction(async (tx) => {
        const rows = await tx.all('SELECT * FROM intents WHERE intent_id = ?', [intentId]);
        if (!rows.length) throw intentNotFound(where, intentId);
        const rec = intentFromRow(rows[0]!);
        const next = nextIntentStatus(rec.status, event);
        await extra(tx, rec, next);
        if (next !== rec.status) await tx.run('UPDATE intents SET status = ?, updated_ts_ms = ? WHERE intent_id = ?', [next, tsMs, intentId]);
        return next;
      });
    });
  }
}
