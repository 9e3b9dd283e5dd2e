// Hand-written journal records for the tests: builders with overridable fields and fixed UTC times.

import { expect } from 'vitest';
import { TradingState } from '../../src/domain/trading.ts';
import { JournalError } from '../../src/state/index.ts';
import type { DecisionRecord, FillRecord, IntentInput, TradeRecord } from '../../src/state/index.ts';

/** 2026-01-05 (a Monday) 15:00 UTC = 10:00 ET, inside RTH of trading date 2026-01-05. */
export const MONDAY_10_ET_MS = Date.UTC(2026, 0, 5, 15, 0, 0);
/** 2026-01-05 23:30 UTC = 18:30 ET: the evening session, which belongs to trading date 2026-01-06. */
export const MONDAY_EVENING_MS = Date.UTC(2026, 0, 5, 23, 30, 0);
export const MINUTE = 60_000;

/** Reasons that have broken journals before: quotes, SQL, placeholders, emoji, CJK, newlines. */
export const AWKWARD_TEXT = 'VWAP pullback ✓ 📈 回撤 — it\'s "fine"? $1 ?; DROP TABLE intents; --\nline two';

/** An intent with every field set; `overrides` replace fields. */
export function intentInput(n: number, overrides: Partial<IntentInput> = {}): IntentInput {
  return {
    intentId: `intent-${n}`,
    customTag: `txbot-${n}`,
    symbol: 'MNQ',
    side: 'buy',
    qty: 2,
    entryType: 'limit',
    entryPrice: 21000.25,
    stopPrice: 20980.5,
    targetPrice: 21040.75,
    regime: 'BULL',
    reason: 'PULLBACK_TO_VWAP: close 21001 vwap 21000.1',
    createdTsMs: MONDAY_10_ET_MS + n * MINUTE,
    ...overrides,
  };
}

/** A fill of `qty` contracts at 21000.25 for broker order `orderId`. */
export function fillRecord(fillId: string, overrides: Partial<FillRecord> = {}): FillRecord {
  return {
    fillId,
    orderId: 'order-1',
    intentId: null,
    symbol: 'MNQ',
    tsMs: MONDAY_10_ET_MS,
    side: 'buy',
    qty: 1,
    price: 21000.25,
    commissionUsd: 0.37,
    ...overrides,
  };
}

/** A 2-contract long trade exiting at `exitTsMs` with net P&L `pnlUsd`. */
export function tradeRecord(tradeId: string, exitTsMs: number, pnlUsd: number, overrides: Partial<TradeRecord> = {}): TradeRecord {
  return {
    tradeId,
    symbol: 'MNQ',
    side: 'long',
    qty: 2,
    entryTsMs: exitTsMs - 10 * MINUTE,
    exitTsMs,
    entryPrice: 21000.25,
    exitPrice: 21010.75,
    pnlUsd,
    commissionUsd: 1.48,
    regime: 'BULL',
    entryReason: 'PULLBACK_TO_VWAP',
    exitReason: 'TARGET',
    ...overrides,
  };
}

/** A decision of bar `n` minutes after Monday 10:00 ET. */
export function decisionRecord(n: number, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    barTsMs: MONDAY_10_ET_MS + n * MINUTE,
    symbol: 'MNQ',
    regime: 'NEUTRAL',
    confidence: 0.1 + 0.2,
    probs: [0.05, 0.1 + 0.2, 0.4, 0.15, 0.1],
    decisionCode: 'NO_SIGNAL_INSIDE_BANDS',
    decisionReason: `bar ${n}: close inside the bands`,
    ...overrides,
  };
}

export const HALTED_CHANGE = { state: TradingState.HALTED, reason: 'DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000', tsMs: MONDAY_10_ET_MS } as const;

/** Awaits `p` and returns the JournalError code it rejected with (fails the test if it resolved). */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(JournalError);
    return (e as JournalError).code;
  }
  throw new Error('expected the call to reject with a JournalError, but it resolved');
}
