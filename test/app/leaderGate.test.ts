// The order gate of a shared session: while the gate is closed no entry, cancel or flatten reaches the
// broker (entries are reported rejected), bar processing and reads pass through; once open, calls go through.

import { describe, expect, it } from 'vitest';
import type { BracketOrderRequest } from '../../src/domain/orders.ts';
import type { SimBroker } from '../../src/broker/sim/simBroker.ts';
import { gatedBroker, gateClientMutations, type GateRefusal } from '../../src/app/leaderGate.ts';
import { OrderSideCode, OrderType, ProjectXClient } from '../../src/broker/projectx/index.ts';
import { buildRunContext } from '../../src/app/runContext.ts';
import { createBroker } from '../../src/app/seams/broker.ts';
import { testConfig } from '../support/backtestFixtures.ts';

const order: BracketOrderRequest = {
  intentId: 'l20240531-MNQ-abc-1',
  customTag: 'txbot-l20240531-MNQ-abc-1',
  symbol: 'MNQ',
  side: 'long',
  qty: 1,
  entryType: 'market',
  stopTicks: 40,
  targetTicks: 80,
  decidedAtMs: 1_717_162_200_000,
};

describe('gatedBroker', () => {
  it('sends nothing while the gate is closed, and passes calls through once it opens', () => {
    const loaded = testConfig();
    const ctx = buildRunContext(loaded, 'paper');
    const inner = createBroker(loaded.config, ctx.instrument, { kind: 'sim' }) as SimBroker;
    let reason: string | null = 'lease age 1700ms reached ttl 2000ms − margin 400ms';
    const refused: GateRefusal[] = [];
    const broker = gatedBroker(
      inner,
      () => reason,
      (r) => refused.push(r),
    );

    const out = broker.submitBracket(order);
    expect(out).toEqual({
      brokerOrderId: null,
      events: [{ kind: 'entry_rejected', intentId: order.intentId, tsMs: order.decidedAtMs, reason: `NOT_LEADER: ${reason}` }],
    });
    expect(inner.hasPendingEntry).toBe(false);
    expect(broker.cancelEntry(order.intentId, order.decidedAtMs, 'x')).toEqual([]);
    expect(broker.flatten(20_000, order.decidedAtMs, 'flatten')).toEqual([]);
    expect(refused.map((r) => r.call)).toEqual(['submitBracket', 'cancelEntry', 'flatten']);

    reason = null;
    void broker.submitBracket(order);
    expect(inner.hasPendingEntry).toBe(true);
    expect(broker.hasPendingEntry).toBe(true);
    expect(broker.name).toBe(inner.name);
    expect(refused).toHaveLength(3);
  });

  it('gateClientMutations: a closed gate refuses every account-changing REST call before any request; reads pass', async () => {
    let requests = 0;
    const client = new ProjectXClient({
      apiUrl: 'http://127.0.0.1:9',
      credentials: () => ({ userName: 'u', apiKey: 'k' }),
      fetch: () => {
        requests++;
        return Promise.reject(new Error('no server'));
      },
      retryPolicy: { nextDelayMs: () => null },
    });
    let reason: string | null = 'this process is not the leader';
    gateClientMutations(client, () => reason);
    const place = client.placeOrder({ accountId: 1, contractId: 'C', type: OrderType.Market, side: OrderSideCode.Bid, size: 1, customTag: 't' });
    await expect(place).rejects.toMatchObject({
      code: 'PROJECTX_REJECTED',
      retryable: false,
      message: 'NOT_LEADER: placeOrder not sent: this process is not the leader',
    });
    await expect(client.cancelOrder(1, 2)).rejects.toMatchObject({ message: /^NOT_LEADER: cancelOrder/ });
    await expect(client.closePosition(1, 'C')).rejects.toMatchObject({ message: /^NOT_LEADER: closePosition/ });
    expect(requests).toBe(0);
    reason = null;
    const open = (await client.cancelOrder(1, 2).catch((e: unknown) => e)) as Error;
    expect(open.message).not.toMatch(/NOT_LEADER/); // went out (and failed: there is no server)
    expect(requests).toBeGreaterThan(0);
  });
});
