// Mapping between journal records and the snake_case rows of the SQL schema, shared by the SQLite
// and PostgreSQL backends (both store the same logical schema, migrations/*.ts).

import { quoteSnippet, type RegimeLabel, type TradingState } from '../domain/index.ts';
import type {
  DecisionRecord,
  EndOfDayRecord,
  EventLevel,
  EventRecord,
  FillRecord,
  IntentRecord,
  IntentStatus,
  PositionSnapshot,
  RiskStateRecord,
  StoredTradeRecord,
} from './types.ts';
import { JournalError } from './journalError.ts';

/** A row as a driver returns it (numbers already numbers, see postgresJournal's INT8 parser). */
export type Row = Record<string, unknown>;

/** A number read from a column: numbers, bigints and numeric text; anything else (text in a REAL column, NULL) is an error. */
function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function badColumn(table: string, column: string, r: Row, v: unknown): JournalError {
  const key = r.seq ?? r.trade_id ?? r.trading_date ?? r.key;
  const row = key === undefined ? '' : ` row ${typeof key === 'string' ? quoteSnippet(key, 40) : String(key)}`;
  const found = v === null || v === undefined ? 'NULL' : typeof v === 'string' ? `the text ${quoteSnippet(v, 40)}` : `${typeof v} ${String(v)}`;
  return new JournalError('INVALID_RECORD', `journal table ${table}${row}: column ${column} holds ${found} (expected a finite number)`, {
    hint: 'the journal was changed outside txbot; fix or delete that row',
  });
}

/** Strict numeric readers of one table's columns. */
function numbers(table: string): { num(r: Row, column: string): number; numOrNull(r: Row, column: string): number | null } {
  return {
    num(r, column) {
      const n = toNumber(r[column]);
      if (n === null) throw badColumn(table, column, r, r[column]);
      return n;
    },
    numOrNull(r, column) {
      const v = r[column];
      if (v === null || v === undefined) return null;
      const n = toNumber(v);
      if (n === null) throw badColumn(table, column, r, v);
      return n;
    },
  };
}

/** The number in `column` of a row of `table`, or a JournalError naming table, row and column. */
export function numberColumn(table: string, r: Row, column: string): number {
  return numbers(table).num(r, column);
}
const INTENTS = numbers('intents');
const FILLS = numbers('fills');
const POSITIONS = numbers('positions');
const TRADES = numbers('trades');
const END_OF_DAY = numbers('end_of_day');
const RISK_STATES = numbers('risk_states');
const DECISIONS = numbers('decisions');
const EVENTS = numbers('events');
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Row of `intents` to an IntentRecord. */
export function intentFromRow(r: Row): IntentRecord {
  return {
    intentId: str(r.intent_id),
    customTag: str(r.custom_tag),
    symbol: str(r.symbol),
    side: str(r.side) as IntentRecord['side'],
    qty: INTENTS.num(r, 'qty'),
    entryType: str(r.entry_type) as IntentRecord['entryType'],
    entryPrice: INTENTS.numOrNull(r, 'entry_price'),
    stopPrice: INTENTS.numOrNull(r, 'stop_price'),
    targetPrice: INTENTS.numOrNull(r, 'target_price'),
    regime: strOrNull(r.regime) as RegimeLabel | null,
    reason: str(r.reason),
    createdTsMs: INTENTS.num(r, 'created_ts_ms'),
    status: str(r.status) as IntentStatus,
    sentTsMs: INTENTS.numOrNull(r, 'sent_ts_ms'),
    brokerOrderId: strOrNull(r.broker_order_id),
    rejectReason: strOrNull(r.reject_reason),
    filledQty: INTENTS.num(r, 'filled_qty'),
    updatedTsMs: INTENTS.num(r, 'updated_ts_ms'),
  };
}

/** Row of `fills` to a FillRecord. */
export function fillFromRow(r: Row): FillRecord {
  return {
    fillId: str(r.fill_id),
    orderId: str(r.order_id),
    intentId: strOrNull(r.intent_id),
    symbol: str(r.symbol),
    tsMs: FILLS.num(r, 'ts_ms'),
    side: str(r.side) as FillRecord['side'],
    qty: FILLS.num(r, 'qty'),
    price: FILLS.num(r, 'price'),
    commissionUsd: FILLS.num(r, 'commission_usd'),
  };
}

/** Row of `positions` to a PositionSnapshot. */
export function positionFromRow(r: Row): PositionSnapshot {
  return { symbol: str(r.symbol), tsMs: POSITIONS.num(r, 'ts_ms'), qty: POSITIONS.num(r, 'qty'), avgPrice: POSITIONS.num(r, 'avg_price') };
}

/** Row of `trades` to a StoredTradeRecord. */
export function tradeFromRow(r: Row): StoredTradeRecord {
  return {
    tradeId: str(r.trade_id),
    tradingDate: str(r.trading_date),
    symbol: str(r.symbol),
    side: str(r.side) as StoredTradeRecord['side'],
    qty: TRADES.num(r, 'qty'),
    entryTsMs: TRADES.num(r, 'entry_ts_ms'),
    exitTsMs: TRADES.num(r, 'exit_ts_ms'),
    entryPrice: TRADES.num(r, 'entry_price'),
    exitPrice: TRADES.num(r, 'exit_price'),
    pnlUsd: TRADES.num(r, 'pnl_usd'),
    commissionUsd: TRADES.num(r, 'commission_usd'),
    regime: strOrNull(r.regime) as RegimeLabel | null,
    entryReason: str(r.entry_reason),
    exitReason: str(r.exit_reason),
  };
}

/** Row of `end_of_day` to an EndOfDayRecord. */
export function endOfDayFromRow(r: Row): EndOfDayRecord {
  return { tradingDate: str(r.trading_date), balanceUsd: END_OF_DAY.num(r, 'balance_usd'), tsMs: END_OF_DAY.num(r, 'ts_ms') };
}

/** Row of `risk_states` to a RiskStateRecord. */
export function riskStateFromRow(r: Row): RiskStateRecord {
  return { state: str(r.state) as TradingState, reason: str(r.reason), tsMs: RISK_STATES.num(r, 'ts_ms') };
}

function probsOf(r: Row): number[] {
  let v: unknown;
  try {
    v = JSON.parse(str(r.probs));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new JournalError(
      'INVALID_RECORD',
      `journal table decisions row ${String(r.seq)}: column probs holds ${quoteSnippet(str(r.probs), 40)} (expected a JSON array of numbers)`,
      {
        hint: 'the journal was changed outside txbot; fix or delete that row',
      },
    );
  }
  return v as number[];
}

/** Row of `decisions` to a DecisionRecord (probs stored as a JSON array). */
export function decisionFromRow(r: Row): DecisionRecord {
  return {
    barTsMs: DECISIONS.num(r, 'bar_ts_ms'),
    symbol: str(r.symbol),
    regime: str(r.regime) as RegimeLabel,
    confidence: DECISIONS.num(r, 'confidence'),
    probs: probsOf(r),
    decisionCode: str(r.decision_code),
    decisionReason: str(r.decision_reason),
  };
}

/** Row of `events` to an EventRecord. */
export function eventFromRow(r: Row): EventRecord {
  return { tsMs: EVENTS.num(r, 'ts_ms'), level: str(r.level) as EventLevel, component: str(r.component), message: str(r.message) };
}

/** Parameters of `INSERT INTO decisions (bar_ts_ms, symbol, regime, confidence, probs, decision_code, decision_reason)`. */
export function decisionParams(d: DecisionRecord): unknown[] {
  return [d.barTsMs, d.symbol, d.regime, d.confidence, JSON.stringify(d.probs), d.decisionCode, d.decisionReason];
}

/** Columns of `INSERT INTO trades`, in the order of `tradeParams`. */
export const TRADE_COLUMNS =
  'trade_id, trading_date, symbol, side, qty, entry_ts_ms, exit_ts_ms, entry_price, exit_price, pnl_usd, commission_usd, regime, entry_reason, exit_reason';

/** Parameters of a trades insert (TRADE_COLUMNS order). */
export function tradeParams(t: StoredTradeRecord): unknown[] {
  return [
    t.tradeId,
    t.tradingDate,
    t.symbol,
    t.side,
    t.qty,
    t.entryTsMs,
    t.exitTsMs,
    t.entryPrice,
    t.exitPrice,
    t.pnlUsd,
    t.commissionUsd,
    t.regime,
    t.entryReason,
    t.exitReason,
  ];
}

/** Columns of `INSERT INTO intents` for a new intent, in the order of `intentParams`. */
export const INTENT_COLUMNS =
  'intent_id, custom_tag, symbol, side, qty, entry_type, entry_price, stop_price, target_price, regime, reason, created_ts_ms, status, updated_ts_ms';

/** Parameters of an intents insert (INTENT_COLUMNS order) with status INTENDED. */
export function intentParams(i: IntentRecord): unknown[] {
  return [
    i.intentId,
    i.customTag,
    i.symbol,
    i.side,
    i.qty,
    i.entryType,
    i.entryPrice,
    i.stopPrice,
    i.targetPrice,
    i.regime,
    i.reason,
    i.createdTsMs,
    i.status,
    i.updatedTsMs,
  ];
}

/** Columns of `INSERT INTO fills`, in the order of `fillParams`. */
export const FILL_COLUMNS = 'fill_id, order_id, intent_id, symbol, ts_ms, side, qty, price, commission_usd';

/** Parameters of a fills insert (FILL_COLUMNS order). */
export function fillParams(f: FillRecord): unknown[] {
  return [f.fillId, f.orderId, f.intentId, f.symbol, f.tsMs, f.side, f.qty, f.price, f.commissionUsd];
}

/** `INSERT INTO table (columns) VALUES (?, ?, ...)` for a comma-separated column list. */
export function insertSql(table: string, columns: string): string {
  const n = columns.split(',').length;
  return `INSERT INTO ${table} (${columns}) VALUES (${Array.from({ length: n }, () => '?').join(', ')})`;
}
