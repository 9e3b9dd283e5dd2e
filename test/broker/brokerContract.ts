// The BrokerPort contract every broker adapter must keep, as a suite each adapter's test runs with its own
// harness (the pattern of Hono's router `runTest`): entries fill with the bracket at tick distances from
// the fill, stop and target legs close the position with the right reason and price, flatten closes and
// cancels, cancelEntry cancels a working entry, and a flat broker stays quiet.

import { afterEach, describe, expect, it } from 'vitest';
import type { BracketOrderRequest, ExecutionEvent } from '../../src/domain/orders.ts';
import type { BrokerPort } from '../../src/engine/brokerPort.ts';

/** One broker under test plus a way to make the market trade. */
export interface BrokerHarness {
  readonly broker: BrokerPort;
  readonly tickSize: number;
  /** Price the market trades at before the first order (the harness starts the market there). */
  readonly startPrice: number;
  /**
   * The market trades at `price`; resolves with the executions the broker reported for it (returned by
   * the call or streamed to its sink), once `until` holds for them (or at once when no events are expected).
   */
  trade(price: number, until?: (events: readonly ExecutionEvent[]) => boolean): Promise<ExecutionEvent[]>;
  /** Executions streamed to the sink since the last call (calls' own results are added by the suite). */
  drain(): ExecutionEvent[];
  close(): Promise<void>;
}

const order = (intentId: string, over: Partial<BracketOrderRequest> = {}): BracketOrderRequest => ({
  intentId,
  customTag: `txbot-${intentId}`,
  symbol: 'MNQ',
  side: 'long',
  qty: 1,
  entryType: 'market',
  stopTicks: 8,
  targetTicks: 16,
  decidedAtMs: 0,
  ...over,
});

/** Runs the contract against brokers made by `make`. */
export function runBrokerContract(name: string, make: () => Promise<BrokerHarness>): void {
  describe(`BrokerPort contract: ${name}`, () => {
    let h: BrokerHarness | null = null;
    afterEach(async () => {
      await h?.close();
      h = null;
    });

    /** Submits `o` and lets the market trade at the start price until the entry has filled. */
    const enter = async (harness: BrokerHarness, o: BracketOrderRequest) => {
      const res = await harness.broker.submitBracket(o);
      expect(res.events.filter((e) => e.kind === 'entry_rejected')).toEqual([]);
      const events = [...res.events];
      if (!events.some((e) => e.kind === 'entry_filled'))
        events.push(...(await harness.trade(harness.startPrice, (evs) => [...events, ...evs].some((e) => e.kind === 'entry_filled'))));
      const fill = events.find((e) => e.kind === 'entry_filled');
      expect(fill).toBeDefined();
      return fill as Extract<ExecutionEvent, { kind: 'entry_filled' }>;
    };

    it('starts flat with nothing working, and a flatten then does nothing', async () => {
      h = await make();
      expect(h.broker.position).toBeNull();
      expect(h.broker.hasPendingEntry).toBe(false);
      const events = [...(await h.broker.flatten(h.startPrice, 0, 'flatten')), ...h.drain()];
      expect(events.filter((e) => e.kind === 'exit_filled')).toEqual([]);
    });

    it('fills a market entry at the market price and sets the bracket at tick distances from the fill', async () => {
      h = await make();
      const p = h.startPrice;
      const fill = await enter(h, order('m-1'));
      expect(fill).toMatchObject({ intentId: 'm-1', side: 'buy', qty: 1, price: p });
      expect(fill.stopPrice).toBeCloseTo(p - 8 * h.tickSize, 9);
      expect(fill.targetPrice).toBeCloseTo(p + 16 * h.tickSize, 9);
      expect(h.broker.position).toMatchObject({ intentId: 'm-1', side: 'long', qty: 1, entryPrice: p });
      expect(h.broker.hasPendingEntry).toBe(false);
    });

    it('closes a long at or below its stop with reason stop', async () => {
      h = await make();
      const fill = await enter(h, order('s-1'));
      const events = await h.trade(fill.stopPrice - 2 * h.tickSize, (evs) => evs.some((e) => e.kind === 'exit_filled'));
      const exit = events.find((e) => e.kind === 'exit_filled') as Extract<ExecutionEvent, { kind: 'exit_filled' }>;
      expect(exit).toMatchObject({ intentId: 's-1', reason: 'stop', side: 'sell', qty: 1 });
      expect(exit.price).toBeLessThanOrEqual(fill.stopPrice);
      expect(h.broker.position).toBeNull();
    });

    it('closes a short at or below its target with reason target', async () => {
      h = await make();
      const fill = await enter(h, order('t-1', { side: 'short' }));
      expect(fill.targetPrice).toBeLessThan(fill.price);
      const events = await h.trade(fill.targetPrice - 2 * h.tickSize, (evs) => evs.some((e) => e.kind === 'exit_filled'));
      const exit = events.find((e) => e.kind === 'exit_filled') as Extract<ExecutionEvent, { kind: 'exit_filled' }>;
      expect(exit).toMatchObject({ intentId: 't-1', reason: 'target', side: 'buy' });
      expect(exit.price).toBeLessThanOrEqual(fill.targetPrice);
      expect(h.broker.position).toBeNull();
    });

    it('flatten closes the open position with the reason given', async () => {
      h = await make();
      await enter(h, order('f-1'));
      const events = [...(await h.broker.flatten(h.startPrice, 1, 'kill_switch'))];
      events.push(...(await h.trade(h.startPrice, (evs) => [...events, ...evs].some((e) => e.kind === 'exit_filled'))));
      expect(events.find((e) => e.kind === 'exit_filled')).toMatchObject({ intentId: 'f-1', reason: 'kill_switch', side: 'sell' });
      expect(h.broker.position).toBeNull();
      expect(h.broker.hasPendingEntry).toBe(false);
    });

    it('cancels a working limit entry, which then never fills', async () => {
      h = await make();
      const limit = h.startPrice - 40 * h.tickSize;
      const res = await h.broker.submitBracket(order('c-1', { entryType: 'limit', limitPrice: limit }));
      expect(res.events).toEqual([]);
      expect(h.broker.hasPendingEntry).toBe(true);
      const cancelled = [...(await h.broker.cancelEntry('c-1', 1, 'test')), ...h.drain()];
      expect(cancelled).toEqual([expect.objectContaining({ kind: 'entry_cancelled', intentId: 'c-1' })]);
      expect(h.broker.hasPendingEntry).toBe(false);
      const later = await h.trade(limit - 4 * h.tickSize);
      expect(later.filter((e) => e.kind === 'entry_filled')).toEqual([]);
      expect(h.broker.position).toBeNull();
    });
  });
}
