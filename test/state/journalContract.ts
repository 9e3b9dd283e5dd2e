// The Journal contract suite (Hono's runTest pattern): every backend's test file calls
// runJournalContract with a factory, so memory, SQLite and PostgreSQL are held to one behaviour.

import { afterEach, describe, expect, it } from 'vitest';
import { IntentStatus, type Journal } from '../../src/state/index.ts';
import { AWKWARD_TEXT, errorCode, fillRecord, intentInput, MINUTE, MONDAY_10_ET_MS } from './journalFixtures.ts';
import { runRecordContract } from './journalContractRecords.ts';

/** How a backend's test file plugs into the contract. */
export interface JournalContractOptions {
  /** Opens an empty journal (a fresh file, schema or object each call). */
  readonly newJournal: () => Promise<Journal>;
  /** Random op sequences per property test (fewer for slow backends). */
  readonly propertyRuns?: number;
}

/** Registers the whole contract in the current describe block. */
export function runJournalContract(options: JournalContractOptions): void {
  const opened: Journal[] = [];
  const open = async (): Promise<Journal> => {
    const j = await options.newJournal();
    opened.push(j);
    return j;
  };
  afterEach(async () => {
    for (const j of opened.splice(0)) await j.close();
  });
  runIntentContract(open);
  runFillContract(open);
  runRecordContract(open, options.propertyRuns ?? 50);
}

function runIntentContract(open: () => Promise<Journal>): void {
  describe('intents', () => {
    it('stores a recorded intent with every field and status INTENDED', async () => {
      const j = await open();
      const input = intentInput(1, { reason: AWKWARD_TEXT, entryPrice: 0.1 + 0.2 });
      await j.recordIntent(input);
      expect(await j.intent('intent-1')).toEqual({
        ...input,
        status: IntentStatus.INTENDED,
        sentTsMs: null,
        brokerOrderId: null,
        rejectReason: null,
        filledQty: 0,
        updatedTsMs: input.createdTsMs,
      });
    });

    it('keeps null prices and a null regime as null', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1, { entryType: 'market', entryPrice: null, stopPrice: null, targetPrice: null, regime: null }));
      const got = await j.intent('intent-1');
      expect([got?.entryPrice, got?.stopPrice, got?.targetPrice, got?.regime]).toEqual([null, null, null, null]);
    });

    it('finds an intent by its customTag and returns null for unknown tags and ids', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1));
      expect((await j.intentByCustomTag('txbot-1'))?.intentId).toBe('intent-1');
      expect(await j.intentByCustomTag('txbot-404')).toBeNull();
      expect(await j.intent('intent-404')).toBeNull();
    });

    it('treats recording the same intent again as a no-op', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1));
      await j.markSent('intent-1', MONDAY_10_ET_MS + 5);
      await j.recordIntent(intentInput(1));
      const open1 = await j.openIntents();
      expect(open1.map((i) => [i.intentId, i.status])).toEqual([['intent-1', IntentStatus.SENT]]);
    });

    it('rejects a customTag or intentId that belongs to another intent with DUPLICATE_INTENT', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1));
      expect(await errorCode(j.recordIntent(intentInput(2, { customTag: 'txbot-1' })))).toBe('DUPLICATE_INTENT');
      expect(await errorCode(j.recordIntent(intentInput(1, { customTag: 'txbot-other' })))).toBe('DUPLICATE_INTENT');
      expect((await j.openIntents()).map((i) => i.intentId)).toEqual(['intent-1']);
    });

    it('rejects malformed intents with INVALID_RECORD and stores nothing', async () => {
      const j = await open();
      expect(await errorCode(j.recordIntent(intentInput(1, { qty: 0 })))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordIntent(intentInput(2, { qty: 1.5 })))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordIntent(intentInput(3, { customTag: '' })))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordIntent(intentInput(4, { stopPrice: Number.NaN })))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordIntent(intentInput(5, { side: 'long' as never })))).toBe('INVALID_RECORD');
      expect(await j.openIntents()).toEqual([]);
    });

    it('walks INTENDED -> SENT -> ACCEPTED -> PARTIALLY_FILLED -> FILLED and drops it from open intents', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1, { qty: 2 }));
      expect(await j.markSent('intent-1', MONDAY_10_ET_MS + 100)).toBe(IntentStatus.SENT);
      expect(await j.recordBrokerOrderId('intent-1', 'order-9', MONDAY_10_ET_MS + 200)).toBe(IntentStatus.ACCEPTED);
      await j.recordFill(fillRecord('f1', { orderId: 'order-9', intentId: 'intent-1', tsMs: MONDAY_10_ET_MS + 300 }));
      const partial = await j.intent('intent-1');
      expect([partial?.status, partial?.filledQty, partial?.updatedTsMs]).toEqual([IntentStatus.PARTIALLY_FILLED, 1, MONDAY_10_ET_MS + 300]);
      expect((await j.openIntents()).length).toBe(1);
      await j.recordFill(fillRecord('f2', { orderId: 'order-9', intentId: 'intent-1', tsMs: MONDAY_10_ET_MS + 400 }));
      const done = await j.intent('intent-1');
      expect([done?.status, done?.filledQty, done?.sentTsMs, done?.brokerOrderId]).toEqual([
        IntentStatus.FILLED,
        2,
        MONDAY_10_ET_MS + 100,
        'order-9',
      ]);
      expect(await j.openIntents()).toEqual([]);
    });

    it('keeps ACCEPTED when the broker acknowledgement overtakes markSent, but records the send time', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1));
      await j.recordBrokerOrderId('intent-1', 'order-1', MONDAY_10_ET_MS + 50);
      expect(await j.markSent('intent-1', MONDAY_10_ET_MS + 60)).toBe(IntentStatus.ACCEPTED);
      const rec = await j.intent('intent-1');
      expect([rec?.sentTsMs, rec?.updatedTsMs]).toEqual([MONDAY_10_ET_MS + 60, MONDAY_10_ET_MS + 50]);
    });

    it('stores the rejection reason and never leaves REJECTED', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1));
      await j.markSent('intent-1', MONDAY_10_ET_MS + 1);
      expect(await j.markRejected('intent-1', { reason: AWKWARD_TEXT }, MONDAY_10_ET_MS + 2)).toBe(IntentStatus.REJECTED);
      expect(await j.markCancelled('intent-1', MONDAY_10_ET_MS + 3)).toBe(IntentStatus.REJECTED);
      expect(await j.markRejected('intent-1', { reason: 'second' }, MONDAY_10_ET_MS + 4)).toBe(IntentStatus.REJECTED);
      expect(await j.markSent('intent-1', MONDAY_10_ET_MS + 5)).toBe(IntentStatus.REJECTED);
      const rec = await j.intent('intent-1');
      expect([rec?.status, rec?.rejectReason, rec?.updatedTsMs]).toEqual([IntentStatus.REJECTED, AWKWARD_TEXT, MONDAY_10_ET_MS + 2]);
      expect(await j.openIntents()).toEqual([]);
    });

    it('cancels a partially filled intent and keeps its filled quantity', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1, { qty: 3 }));
      await j.recordBrokerOrderId('intent-1', 'order-1', MONDAY_10_ET_MS + 1);
      await j.recordFill(fillRecord('f1', { orderId: 'order-1' }));
      expect(await j.markCancelled('intent-1', MONDAY_10_ET_MS + 9)).toBe(IntentStatus.CANCELLED);
      const rec = await j.intent('intent-1');
      expect([rec?.status, rec?.filledQty, rec?.rejectReason]).toEqual([IntentStatus.CANCELLED, 1, null]);
    });

    it('accepts the same broker order id twice and refuses a different one with BROKER_ORDER_ID_CONFLICT', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1));
      await j.recordBrokerOrderId('intent-1', 'order-1', MONDAY_10_ET_MS + 1);
      expect(await j.recordBrokerOrderId('intent-1', 'order-1', MONDAY_10_ET_MS + 2)).toBe(IntentStatus.ACCEPTED);
      expect(await errorCode(j.recordBrokerOrderId('intent-1', 'order-2', MONDAY_10_ET_MS + 3))).toBe('BROKER_ORDER_ID_CONFLICT');
      expect((await j.intent('intent-1'))?.brokerOrderId).toBe('order-1');
    });

    it('raises INTENT_NOT_FOUND for lifecycle calls on an unknown intent', async () => {
      const j = await open();
      expect(await errorCode(j.markSent('nope', 1))).toBe('INTENT_NOT_FOUND');
      expect(await errorCode(j.recordBrokerOrderId('nope', 'o', 1))).toBe('INTENT_NOT_FOUND');
      expect(await errorCode(j.markRejected('nope', { reason: 'r' }, 1))).toBe('INTENT_NOT_FOUND');
      expect(await errorCode(j.markCancelled('nope', 1))).toBe('INTENT_NOT_FOUND');
    });

    it('lists open intents oldest first, ties in the order they were recorded', async () => {
      const j = await open();
      await j.recordIntent(intentInput(3, { createdTsMs: MONDAY_10_ET_MS + 2 * MINUTE }));
      await j.recordIntent(intentInput(1, { createdTsMs: MONDAY_10_ET_MS }));
      await j.recordIntent(intentInput(9, { createdTsMs: MONDAY_10_ET_MS + MINUTE }));
      await j.recordIntent(intentInput(2, { createdTsMs: MONDAY_10_ET_MS + MINUTE }));
      await j.recordIntent(intentInput(5, { createdTsMs: MONDAY_10_ET_MS + MINUTE }));
      await j.markCancelled('intent-9', MONDAY_10_ET_MS + 3 * MINUTE);
      expect((await j.openIntents()).map((i) => i.intentId)).toEqual(['intent-1', 'intent-2', 'intent-5', 'intent-3']);
    });
  });
}

function runFillContract(open: () => Promise<Journal>): void {
  describe('fills and positions', () => {
    it('records a fill once: the same fillId again returns false and changes nothing', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1, { qty: 2 }));
      expect(await j.recordFill(fillRecord('f1', { intentId: 'intent-1' }))).toBe(true);
      expect(await j.recordFill(fillRecord('f1', { intentId: 'intent-1', qty: 5, price: 1 }))).toBe(false);
      const fills = await j.fillsSince(0);
      expect(fills).toEqual([fillRecord('f1', { intentId: 'intent-1' })]);
      expect((await j.intent('intent-1'))?.filledQty).toBe(1);
    });

    it('links a fill without intentId to its intent through the broker order id', async () => {
      const j = await open();
      await j.recordIntent(intentInput(1, { qty: 1 }));
      await j.recordBrokerOrderId('intent-1', 'order-77', MONDAY_10_ET_MS);
      await j.recordFill(fillRecord('f1', { orderId: 'order-77', intentId: null }));
      expect((await j.fillsSince(0))[0]?.intentId).toBe('intent-1');
      expect((await j.intent('intent-1'))?.status).toBe(IntentStatus.FILLED);
    });

    it('stores a fill of an order it does not know, unlinked', async () => {
      const j = await open();
      expect(await j.recordFill(fillRecord('f1', { orderId: 'manual-order' }))).toBe(true);
      expect((await j.fillsSince(0)).map((f) => [f.fillId, f.intentId])).toEqual([['f1', null]]);
    });

    it('returns fills at or after a time, by time, ties in recording order', async () => {
      const j = await open();
      await j.recordFill(fillRecord('late', { tsMs: MONDAY_10_ET_MS + 2 * MINUTE }));
      await j.recordFill(fillRecord('early', { tsMs: MONDAY_10_ET_MS - MINUTE }));
      await j.recordFill(fillRecord('b', { tsMs: MONDAY_10_ET_MS }));
      await j.recordFill(fillRecord('a', { tsMs: MONDAY_10_ET_MS }));
      expect((await j.fillsSince(MONDAY_10_ET_MS)).map((f) => f.fillId)).toEqual(['b', 'a', 'late']);
      expect(await j.fillsSince(MONDAY_10_ET_MS + 3 * MINUTE)).toEqual([]);
    });

    it('rejects malformed fills with INVALID_RECORD', async () => {
      const j = await open();
      expect(await errorCode(j.recordFill(fillRecord('f1', { qty: -1 })))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordFill(fillRecord('', {})))).toBe('INVALID_RECORD');
      expect(await errorCode(j.recordFill(fillRecord('f2', { tsMs: 1.5 })))).toBe('INVALID_RECORD');
      expect(await j.fillsSince(0)).toEqual([]);
    });

    it('returns the latest position snapshot per symbol, by symbol', async () => {
      const j = await open();
      await j.recordPosition({ symbol: 'MNQ', tsMs: 1, qty: 2, avgPrice: 21000.25 });
      await j.recordPosition({ symbol: 'MES', tsMs: 2, qty: -1, avgPrice: 6000.5 });
      await j.recordPosition({ symbol: 'MNQ', tsMs: 3, qty: 0, avgPrice: 0 });
      expect(await j.latestPositions()).toEqual([
        { symbol: 'MES', tsMs: 2, qty: -1, avgPrice: 6000.5 },
        { symbol: 'MNQ', tsMs: 3, qty: 0, avgPrice: 0 },
      ]);
    });
  });
}
