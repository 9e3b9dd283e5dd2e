// Tests of the journal recorder: intent → sent → fills → trade; the round trip of a position adopted
// after a restart rebuilt from the journal.

import { describe, expect, it } from 'vitest';
import { IntentStatus, MemoryJournal } from '../../src/state/index.ts';
import { JournalRecorder } from '../../src/live/journalRecorder.ts';
import type { BracketOrderRequest } from '../../src/domain/orders.ts';

const T = Date.UTC(2024, 0, 2, 15, 0);
const order: BracketOrderRequest = {
  intentId: 'x-1',
  customTag: 'txbot-x-1',
  symbol: 'MNQ',
  side: 'long',
  qty: 2,
  entryType: 'market',
  stopTicks: 8,
  targetTicks: 16,
  decidedAtMs: T,
};

describe('JournalRecorder', () => {
  it('records the intent before sending, the broker order id, the fills and the position', async () => {
    const journal = new MemoryJournal();
    const rec = new JournalRecorder(journal, 'MNQ');
    await rec.intent(order, 'BULL', 'why', 17_000);
    expect((await journal.intent('x-1'))?.status).toBe(IntentStatus.INTENDED);
    await rec.sent('x-1', T + 1, '77');
    expect((await journal.intent('x-1'))?.brokerOrderId).toBe('77');
    await rec.execution(
      {
        kind: 'entry_filled',
        intentId: 'x-1',
        tsMs: T + 300_000,
        side: 'buy',
        qty: 2,
        price: 17_001,
        commissionUsd: 0.74,
        stopPrice: 16_999,
        targetPrice: 17_005,
      },
      null,
    );
    expect((await journal.intent('x-1'))?.status).toBe(IntentStatus.FILLED);
    expect(await journal.latestPositions()).toMatchObject([{ symbol: 'MNQ', qty: 2, avgPrice: 17_001 }]);
  });

  it('journals the round trip of an adopted position (the engine has no trade for it) from the journal', async () => {
    const journal = new MemoryJournal();
    const before = new JournalRecorder(journal, 'MNQ');
    await before.intent(order, 'BULL', 'why', 17_000);
    await before.sent('x-1', T + 1, '77');
    await before.execution(
      {
        kind: 'entry_filled',
        intentId: 'x-1',
        tsMs: T + 300_000,
        side: 'buy',
        qty: 2,
        price: 17_001,
        commissionUsd: 0.74,
        stopPrice: 16_999,
        targetPrice: 17_005,
      },
      null,
    );
    // After a restart: a new recorder, and the exit of the adopted position arrives without an engine trade.
    const after = new JournalRecorder(journal, 'MNQ', { pointValueUsd: 2 });
    await after.execution(
      { kind: 'exit_filled', intentId: 'x-1', tsMs: T + 900_000, side: 'sell', qty: 2, price: 17_005, commissionUsd: 0.74, reason: 'target' },
      null,
    );
    const trades = await journal.tradesForDay('2024-01-02');
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      tradeId: 'x-1',
      side: 'long',
      qty: 2,
      entryPrice: 17_001,
      exitPrice: 17_005,
      regime: 'BULL',
      exitReason: 'target',
    });
    expect(trades[0]!.pnlUsd).toBeCloseTo(4 * 2 * 2 - 1.48, 9);
    expect(await journal.latestPositions()).toMatchObject([{ qty: 0 }]);
  });
});
