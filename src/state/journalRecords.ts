// Checks and derived values shared by every journal backend: input validation, trading dates of
// trades, the daily summary, and the per-bar trimming of "recent" queries.

import { sessionInfo, daysOfDateKey } from '../domain/index.ts';
import { JournalError } from './journalError.ts';
import type { DailySummary, DecisionRecord, FillRecord, IntentInput, PositionSnapshot, StoredTradeRecord, TradeRecord } from './types.ts';

function invalid(where: string, what: string, got: unknown): never {
  throw new JournalError('INVALID_RECORD', `journal.${where}: ${what} (got ${JSON.stringify(got) ?? String(got)})`);
}

function requireText(where: string, field: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0) invalid(where, `${field} must be a non-empty string`, v);
}

function requireFinite(where: string, field: string, v: unknown, nullable = false): void {
  if (nullable && v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(where, `${field} must be a finite number${nullable ? ' or null' : ''}`, v);
}

function requirePositiveInt(where: string, field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) invalid(where, `${field} must be a positive integer`, v);
}

function requireTsMs(where: string, field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) invalid(where, `${field} must be an integer UTC epoch ms`, v);
}

function requireOrderSide(where: string, v: unknown): void {
  if (v !== 'buy' && v !== 'sell') invalid(where, 'side must be "buy" or "sell"', v);
}

/** Throws INVALID_RECORD unless the intent's fields have the documented types and ranges. */
export function validateIntent(i: IntentInput): void {
  const w = 'recordIntent';
  requireText(w, 'intentId', i.intentId);
  requireText(w, 'customTag', i.customTag);
  requireText(w, 'symbol', i.symbol);
  requireOrderSide(w, i.side);
  requirePositiveInt(w, 'qty', i.qty);
  if (i.entryType !== 'market' && i.entryType !== 'limit') invalid(w, 'entryType must be "market" or "limit"', i.entryType);
  requireFinite(w, 'entryPrice', i.entryPrice, true);
  requireFinite(w, 'stopPrice', i.stopPrice, true);
  requireFinite(w, 'targetPrice', i.targetPrice, true);
  if (typeof i.reason !== 'string') invalid(w, 'reason must be a string', i.reason);
  requireTsMs(w, 'createdTsMs', i.createdTsMs);
}

/** Throws INVALID_RECORD for a malformed fill. */
export function validateFill(f: FillRecord): void {
  const w = 'recordFill';
  requireText(w, 'fillId', f.fillId);
  requireText(w, 'orderId', f.orderId);
  requireText(w, 'symbol', f.symbol);
  requireTsMs(w, 'tsMs', f.tsMs);
  requireOrderSide(w, f.side);
  requirePositiveInt(w, 'qty', f.qty);
  requireFinite(w, 'price', f.price);
  requireFinite(w, 'commissionUsd', f.commissionUsd);
}

/** Throws INVALID_RECORD for a malformed position snapshot. */
export function validatePosition(p: PositionSnapshot): void {
  const w = 'recordPosition';
  requireText(w, 'symbol', p.symbol);
  requireTsMs(w, 'tsMs', p.tsMs);
  if (!Number.isInteger(p.qty)) invalid(w, 'qty must be an integer', p.qty);
  requireFinite(w, 'avgPrice', p.avgPrice);
}

/** Throws INVALID_RECORD for a malformed trade. */
export function validateTrade(t: TradeRecord): void {
  const w = 'recordTrade';
  requireText(w, 'tradeId', t.tradeId);
  requireText(w, 'symbol', t.symbol);
  if (t.side !== 'long' && t.side !== 'short') invalid(w, 'side must be "long" or "short"', t.side);
  requirePositiveInt(w, 'qty', t.qty);
  requireTsMs(w, 'entryTsMs', t.entryTsMs);
  requireTsMs(w, 'exitTsMs', t.exitTsMs);
  if (t.exitTsMs < t.entryTsMs) invalid(w, `exitTsMs must not be before entryTsMs ${t.entryTsMs}`, t.exitTsMs);
  requireFinite(w, 'entryPrice', t.entryPrice);
  requireFinite(w, 'exitPrice', t.exitPrice);
  requireFinite(w, 'pnlUsd', t.pnlUsd);
  requireFinite(w, 'commissionUsd', t.commissionUsd);
}

/** Throws INVALID_RECORD for a malformed decision. */
export function validateDecision(d: DecisionRecord): void {
  const w = 'recordDecision';
  requireTsMs(w, 'barTsMs', d.barTsMs);
  requireText(w, 'symbol', d.symbol);
  requireText(w, 'decisionCode', d.decisionCode);
  requireFinite(w, 'confidence', d.confidence);
  if (!Array.isArray(d.probs) || !d.probs.every((p) => Number.isFinite(p))) invalid(w, 'probs must be an array of finite numbers', d.probs);
}

/** Throws INVALID_RECORD unless `key` is a real calendar date "YYYY-MM-DD". */
export function validateTradingDate(where: string, key: string): void {
  if (typeof key !== 'string' || Number.isNaN(daysOfDateKey(key))) invalid(where, 'tradingDate must be a date "YYYY-MM-DD"', key);
}

/** Throws INVALID_RECORD unless `n` is a positive integer row limit. */
export function validateLimit(where: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) invalid(where, 'limit must be a positive integer', n);
}

/** Throws INVALID_RECORD for a non-integer timestamp argument. */
export function validateTsMs(where: string, field: string, v: number): void {
  requireTsMs(where, field, v);
}

/** The CME trading date a trade counts towards: the Globex trade date of its exit (session.ts). */
export function tradingDateOfTrade(t: TradeRecord): string {
  return sessionInfo(t.exitTsMs).tradingDate;
}

/**
 * Daily summary from a day's trades: pnlUsd = sum of net pnlUsd, wins = trades with pnlUsd > 0,
 * losses = trades with pnlUsd < 0 (break-even counts as neither), winRate = wins / tradeCount.
 */
export function summarizeDay(tradingDate: string, trades: readonly StoredTradeRecord[], endOfDayBalanceUsd: number | null): DailySummary {
  let pnlUsd = 0;
  let commissionUsd = 0;
  let wins = 0;
  let losses = 0;
  for (const t of trades) {
    pnlUsd += t.pnlUsd;
    commissionUsd += t.commissionUsd;
    if (t.pnlUsd > 0) wins++;
    else if (t.pnlUsd < 0) losses++;
  }
  return {
    tradingDate,
    tradeCount: trades.length,
    wins,
    losses,
    winRate: trades.length ? wins / trades.length : null,
    pnlUsd,
    commissionUsd,
    endOfDayBalanceUsd,
  };
}
