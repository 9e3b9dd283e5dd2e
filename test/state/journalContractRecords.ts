// Second half of the Journal contract: trades and daily P&L, balances, risk state, decisions,
// events, metadata, call ordering, close, and a differential property test against MemoryJournal.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TradingState } from '../../src/domain/trading.ts';
import { lastTrainingTimeMs, MemoryJournal, META_KEYS, setLastTrainingTimeMs, type Journal } from '../../src/state/index.ts';
import {
  AWKWARD_TEXT,
  errorCode,
  decisionRecord,
  HALTED_CHANGE,
  intentInput,
  MINUTE,
  MONDAY_10_ET_MS,
  MONDAY_EVENING_MS,
  tradeRecord,
} from './journalFixtures.ts';

/** Registers the record-keeping half of the contract. */
export function runRecordContract(open: () => Promise<Journal>, propertyRuns: number): void {
  describe('trades and daily P&L', () => {
    it('records a trade once and files it under the CME trading date of its exit', async () => {
      const j = await open();
      expect(await j.recordTrade(tradeRecord('t1', MONDAY_10_ET_MS, 25.5, { exitReason: AWKWARD_TEXT }))).toBe(true);
      expect(await j.recordTrade(tradeRecord('t1', MONDAY_10_ET_MS, 999))).toBe(false);
      expect(await j.recordTrade(tradeRecord('t2', MONDAY_EVENING_MS, -10))).toBe(true);
      expect(await j.tradesForDay('2026-01-05')).toEqual([
        { ...tradeRecord('t1', MONDAY_10_ET_MS, 25.5, { exitReason: AWKWARD_TEXT }), tradingDate: '2026-01-05' },
      ]);
      expect((await j.tradesForDay('2026-01-06')).map((t) => [t.tradeId, t.tradingDate])).toEqual([['t2', '2026-01-06']]);
      expect(await j.tradesForDay('2026-01-07')).toEqual([]);
    });

    it("orders a day's trades by exit time", async () => {
      const j = await open();
      await j.recordTrade(tradeRecord('second', MONDAY_10_ET_MS + 30 * MINUTE, 1));
      await j.recordTrade(tradeRecord('first', MONDAY_10_ET_MS, 1));
      expect((await j.tradesForDay('2026-01-05')).map((t) => t.tradeId)).toEqual(['first', 'second']);
    });

    it('summarizes a day: net P&L, commission, wins, losses, win rate and end-of-day balance', async () => {
      const j = await open();
      await j.recordTrade(tradeRecord('w1', MONDAY_10_ET_MS, 100.5, { commissionUsd: 1.5 }));
      await j.recordTrade(tradeRecord('l1', MONDAY_10_ET_MS + MINUTE, -40.25, { commissionUsd: 1.5 }));
      await j.recordTrade(tradeRecord('even', MONDAY_10_ET_MS + 2 * MINUTE, 0, { commissionUsd: 1 }));
      await j.recordTrade(tradeRecord('w2', MONDAY_10_ET_MS + 3 * MINUTE, 10, { commissionUsd: 1 }));
      await j.recordEndOfDay('2026-01-05', 50_070.25, MONDAY_EVENING_MS);
      expect(await j.dailySummary('2026-01-05')).toEqual({
        tradingDate: '2026-01-05',
        tradeCount: 4,
        wins: 2,
        losses: 1,
        winRate: 0.5,
        pnlUsd: 70.25,
        commissionUsd: 5,
        endOfDayBalanceUsd: 50_070.25,
      });
    });

    it('summarizes a day without trades as zero with a null win rate', async () => {
      const j = await open();
      expect(await j.dailySummary('2026-01-05')).toEqual({
        tradingDate: '2026-01-05',
        tradeCount: 0,
        wins: 0,
        losses: 0,
        winRate: null,
        pnlUsd: 0,
        commissionUsd: 0,
        endOfDayBalanceUsd: null,
      });
    });

    it('rejects malformed trading dates and trades with INVALID_RECORD', async () => {
      const j = await open();
      expect(await errorCode(j.tradesForDay('2026-13-01'))).toBe('INVALID_RECORD');
      expect(await errorCode(j.dailySummary('yesterday'))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordTrade(tradeRecord('t', MONDAY_10_ET_MS, 1, { entryTsMs: MONDAY_10_ET_MS + 1 })))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordEndOfDay('2026-02-30', 1, 1))).toBe('INVALID_RECORD');
    });

    it('reports the latest trading date with a trade or an end-of-day balance', async () => {
      const j = await open();
      expect(await j.latestTradingDate()).toBeNull();
      await j.recordTrade(tradeRecord('t1', MONDAY_EVENING_MS, 1));
      expect(await j.latestTradingDate()).toBe('2026-01-06');
      await j.recordEndOfDay('2026-01-07', 50_000, MONDAY_EVENING_MS + 2 * 86_400_000);
      expect(await j.latestTradingDate()).toBe('2026-01-07');
    });
  });

  describe('balances and risk state', () => {
    it("replaces a day's end-of-day balance and tracks the highest one", async () => {
      const j = await open();
      expect(await j.highestEndOfDayBalance()).toBeNull();
      await j.recordEndOfDay('2026-01-06', 50_500, 2);
      await j.recordEndOfDay('2026-01-05', 50_200.5, 1);
      await j.recordEndOfDay('2026-01-06', 50_900.75, 3);
      await j.recordEndOfDay('2026-01-07', 50_100, 4);
      expect(await j.highestEndOfDayBalance()).toBe(50_900.75);
      expect(await j.endOfDayBalances()).toEqual([
        { tradingDate: '2026-01-05', balanceUsd: 50_200.5, tsMs: 1 },
        { tradingDate: '2026-01-06', balanceUsd: 50_900.75, tsMs: 3 },
        { tradingDate: '2026-01-07', balanceUsd: 50_100, tsMs: 4 },
      ]);
    });

    it('returns the last trading-state change', async () => {
      const j = await open();
      expect(await j.latestRiskState()).toBeNull();
      await j.recordRiskState({ state: TradingState.ACTIVE, reason: 'START', tsMs: MONDAY_10_ET_MS - 1 });
      await j.recordRiskState(HALTED_CHANGE);
      expect(await j.latestRiskState()).toEqual(HALTED_CHANGE);
    });
  });

  describe('decisions, events and metadata', () => {
    it('returns the last decisions oldest first, probabilities bit-exact', async () => {
      const j = await open();
      await j.recordDecision(decisionRecord(0, { decisionReason: AWKWARD_TEXT }));
      await j.recordDecisions([decisionRecord(1), decisionRecord(2), decisionRecord(3, { regime: 'CRASH', decisionCode: 'ENTER_SHORT' })]);
      await j.recordDecisions([]);
      expect(await j.recentDecisions(2)).toEqual([decisionRecord(2), decisionRecord(3, { regime: 'CRASH', decisionCode: 'ENTER_SHORT' })]);
      expect(await j.recentDecisions(10)).toHaveLength(4);
      expect((await j.recentDecisions(10))[0]).toEqual(decisionRecord(0, { decisionReason: AWKWARD_TEXT }));
    });

    it('stores none of a batch that holds an invalid decision', async () => {
      const j = await open();
      expect(await errorCode(j.recordDecisions([decisionRecord(1), decisionRecord(2, { probs: [Number.NaN] })]))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recentDecisions(0))).toBe('INVALID_RECORD');
      expect(await j.recentDecisions(5)).toEqual([]);
    });

    it('stores a large batch of decisions in order', async () => {
      const j = await open();
      const batch = Array.from({ length: 2500 }, (_, i) => decisionRecord(i));
      await j.recordDecisions(batch);
      const recent = await j.recentDecisions(3);
      expect(recent.map((d) => d.barTsMs)).toEqual([2497, 2498, 2499].map((i) => MONDAY_10_ET_MS + i * MINUTE));
    });

    it('returns the last events oldest first', async () => {
      const j = await open();
      await j.recordEvent({ tsMs: 1, level: 'info', component: 'engine', message: 'start' });
      await j.recordEvent({ tsMs: 2, level: 'error', component: 'broker.projectx', message: AWKWARD_TEXT });
      await j.recordEvent({ tsMs: 2, level: 'warn', component: 'engine', message: 'slow bar' });
      expect((await j.recentEvents(2)).map((e) => [e.level, e.message])).toEqual([
        ['error', AWKWARD_TEXT],
        ['warn', 'slow bar'],
      ]);
    });

    it('sets, overwrites and reads metadata, and the last training time helper round-trips', async () => {
      const j = await open();
      expect(await j.getMeta(META_KEYS.MODEL_ID)).toBeNull();
      await j.setMeta(META_KEYS.MODEL_ID, 'hmm-5-2026-01-01', 1);
      await j.setMeta(META_KEYS.MODEL_ID, 'hmm-5-2026-01-05 ✓', 2);
      expect(await j.getMeta(META_KEYS.MODEL_ID)).toBe('hmm-5-2026-01-05 ✓');
      expect(await lastTrainingTimeMs(j)).toBeNull();
      await setLastTrainingTimeMs(j, MONDAY_10_ET_MS, 3);
      expect(await lastTrainingTimeMs(j)).toBe(MONDAY_10_ET_MS);
    });
  });

  describe('ordering and lifetime', () => {
    it('stores calls made without awaiting in call order', async () => {
      const j = await open();
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) calls.push(j.recordEvent({ tsMs: 100, level: 'info', component: 'c', message: `m${i}` }));
      calls.push(j.recordIntent(intentInput(1)), j.markSent('intent-1', 5), j.markCancelled('intent-1', 6));
      await Promise.all(calls);
      expect((await j.recentEvents(30)).map((e) => e.message)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
      expect((await j.intent('intent-1'))?.status).toBe('CANCELLED');
    });

    it('raises JOURNAL_CLOSED after close, and close is idempotent', async () => {
      const j = await open();
      await j.close();
      await j.close();
      expect(await errorCode(j.recordIntent(intentInput(1)))).toBe('JOURNAL_CLOSED');
      expect(await errorCode(j.openIntents())).toBe('JOURNAL_CLOSED');
    });
  });

  describe('differential property', () => {
    it('ends in the same intents, fills and day summary as MemoryJournal for any sequence of calls', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
          const j = await open();
          const reference = new MemoryJournal();
          for (const op of ops) {
            const [a, b] = await Promise.all([outcome(() => applyOp(j, op)), outcome(() => applyOp(reference, op))]);
            expect(a).toEqual(b);
          }
          expect(await j.openIntents()).toEqual(await reference.openIntents());
          for (let n = 0; n < 3; n++) expect(await j.intent(`intent-${n}`)).toEqual(await reference.intent(`intent-${n}`));
          expect(await j.fillsSince(0)).toEqual(await reference.fillsSince(0));
          expect(await j.dailySummary('2026-01-05')).toEqual(await reference.dailySummary('2026-01-05'));
          await j.close();
        }),
        { numRuns: propertyRuns, seed: 20260105 },
      );
    });
  });
}

type Op =
  | { kind: 'intent' | 'sent' | 'cancel' | 'reject'; n: number; t: number }
  | { kind: 'broker'; n: number; order: number; t: number }
  | { kind: 'fill'; id: number; n: number; order: number; qty: number; t: number }
  | { kind: 'trade'; id: number; pnl: number; t: number };

const n3 = fc.integer({ min: 0, max: 2 });
const t = fc.integer({ min: 0, max: 120 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('intent' as const, 'sent' as const, 'cancel' as const, 'reject' as const), n: n3, t }),
  fc.record({ kind: fc.constant('broker' as const), n: n3, order: n3, t }),
  fc.record({ kind: fc.constant('fill' as const), id: fc.integer({ min: 0, max: 5 }), n: n3, order: n3, qty: fc.integer({ min: 1, max: 3 }), t }),
  fc.record({ kind: fc.constant('trade' as const), id: fc.integer({ min: 0, max: 5 }), pnl: fc.integer({ min: -500, max: 500 }), t }),
);

async function applyOp(j: Journal, op: Op): Promise<unknown> {
  const ts = MONDAY_10_ET_MS + op.t * MINUTE;
  switch (op.kind) {
    case 'intent':
      return j.recordIntent(intentInput(op.n, { qty: 2, createdTsMs: ts }));
    case 'sent':
      return j.markSent(`intent-${op.n}`, ts);
    case 'cancel':
      return j.markCancelled(`intent-${op.n}`, ts);
    case 'reject':
      return j.markRejected(`intent-${op.n}`, { reason: `REJECTED_${op.n}` }, ts);
    case 'broker':
      return j.recordBrokerOrderId(`intent-${op.n}`, `order-${op.n}-${op.order}`, ts);
    case 'fill':
      return j.recordFill({
        fillId: `fill-${op.id}`,
        orderId: `order-${op.n}-${op.order}`,
        intentId: null,
        symbol: 'MNQ',
        tsMs: ts,
        side: 'buy',
        qty: op.qty,
        price: 21000.25,
        commissionUsd: 0.37,
      });
    case 'trade':
      return j.recordTrade(tradeRecord(`trade-${op.id}`, ts, op.pnl / 4));
  }
}

/** The value or the JournalError code a call ended with (so two backends can be compared). */
async function outcome(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: (await fn()) ?? null };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}
