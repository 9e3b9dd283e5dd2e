// AlertDispatcher: de-duplication window, per-channel rate limit, retries with backoff on a fake clock,
// and isolation: a failing or hanging channel neither throws into the caller nor delays other channels.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { AlertDeliveryError } from '../../src/monitor/channels/httpPost.ts';
import { AlertDispatcher, backoffMs, type DeliveryOutcome } from '../../src/monitor/dispatcher.ts';
import type { Alert, AlertChannel } from '../../src/monitor/types.ts';

const T0 = Date.UTC(2026, 0, 5, 15, 0);
const alert = (code: Alert['code'], dedupeKey?: string): Alert => ({ code, severity: 'warn', title: code, text: 'facts', tsMs: T0, dedupeKey });

/** A channel recording sends; `failures` makes the first n sends reject with `error`. */
function recordingChannel(
  name: string,
  failures = 0,
  error: unknown = new AlertDeliveryError(name, 'down', null),
): AlertChannel & { sent: Alert[]; attempts: number[] } {
  const sent: Alert[] = [];
  const attempts: number[] = [];
  let left = failures;
  return {
    name,
    sent,
    attempts,
    async send(a) {
      attempts.push(1);
      if (left > 0) {
        left--;
        throw error;
      }
      sent.push(a);
    },
  };
}

function setup(channels: AlertChannel[], extra: Partial<ConstructorParameters<typeof AlertDispatcher>[0]> = {}) {
  const clock = new ManualClock(T0, { autoAdvance: true });
  const outcomes: [string, DeliveryOutcome, string][] = [];
  const dispatcher = new AlertDispatcher({
    channels,
    clock,
    logger: silentLogger(),
    dedupeWindowMs: 30 * 60_000,
    onOutcome: (c, o, a) => outcomes.push([c, o, a.code]),
    ...extra,
  });
  return { clock, dispatcher, outcomes };
}

describe('AlertDispatcher', () => {
  it('delivers an alert to every channel', async () => {
    const a = recordingChannel('a');
    const b = recordingChannel('b');
    const { dispatcher, outcomes } = setup([a, b]);
    expect(dispatcher.dispatch(alert('DRIFT_DETECTED'))).toBe(true);
    await dispatcher.flush();
    expect(a.sent.map((x) => x.code)).toEqual(['DRIFT_DETECTED']);
    expect(b.sent.map((x) => x.code)).toEqual(['DRIFT_DETECTED']);
    expect(outcomes.filter((o) => o[1] === 'sent')).toHaveLength(2);
  });

  it('does not repeat the same alert within the window, repeats it after, and keeps distinct keys apart', async () => {
    const a = recordingChannel('a');
    const { dispatcher, clock, outcomes } = setup([a]);
    expect(dispatcher.dispatch(alert('NO_TRADES'))).toBe(true);
    clock.advanceBy(29 * 60_000);
    expect(dispatcher.dispatch(alert('NO_TRADES'))).toBe(false);
    expect(dispatcher.dispatch(alert('CONNECTION_ERROR', 'CONNECTION_ERROR:hub.user'))).toBe(true);
    expect(dispatcher.dispatch(alert('CONNECTION_ERROR', 'CONNECTION_ERROR:hub.market'))).toBe(true);
    clock.advanceBy(60_000);
    expect(dispatcher.dispatch(alert('NO_TRADES'))).toBe(true);
    await dispatcher.flush();
    expect(a.sent.map((x) => x.dedupeKey ?? x.code)).toEqual(['NO_TRADES', 'CONNECTION_ERROR:hub.user', 'CONNECTION_ERROR:hub.market', 'NO_TRADES']);
    expect(outcomes.filter((o) => o[1] === 'deduped')).toEqual([['*', 'deduped', 'NO_TRADES']]);
  });

  it('retries a retryable failure with exponential backoff on the clock, then delivers', async () => {
    const a = recordingChannel('a', 2);
    const { dispatcher, clock } = setup([a], { baseBackoffMs: 1_000, maxBackoffMs: 30_000 });
    dispatcher.dispatch(alert('RETRAIN_FAILED'));
    await dispatcher.flush();
    expect(a.attempts).toHaveLength(3);
    expect(a.sent).toHaveLength(1);
    // backoff 1 s then 2 s of fake time
    expect(clock.nowMs() - T0).toBe(3_000);
  });

  it('gives up after maxAttempts and does not retry a 4xx refusal', async () => {
    const down = recordingChannel('down', 99);
    const refused = recordingChannel('refused', 99, new AlertDeliveryError('refused', 'HTTP 400', 400));
    const { dispatcher, outcomes } = setup([down, refused], { maxAttempts: 3 });
    dispatcher.dispatch(alert('DRIFT_DETECTED'));
    await dispatcher.flush();
    expect(down.attempts).toHaveLength(3);
    expect(refused.attempts).toHaveLength(1);
    expect(
      outcomes
        .filter((o) => o[1] === 'failed')
        .map((o) => o[0])
        .sort(),
    ).toEqual(['down', 'refused']);
  });

  it('rate-limits each channel to maxPerMinute sends, delaying the rest to the next minute', async () => {
    const a = recordingChannel('a');
    const sentAt: number[] = [];
    const { dispatcher, clock } = setup(
      [
        {
          name: 'a',
          send: async (x) => {
            sentAt.push(clock.nowMs());
            await a.send(x);
          },
        },
      ],
      { maxPerMinute: 2, dedupeWindowMs: 0 },
    );
    for (let i = 0; i < 5; i++) dispatcher.dispatch(alert('CONNECTION_ERROR', `k${i}`));
    await dispatcher.flush();
    expect(a.sent).toHaveLength(5);
    expect(sentAt.map((t) => t - T0)).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it('never throws into the caller, and a hanging channel does not delay the others', async () => {
    const hanging: AlertChannel = { name: 'hang', send: () => new Promise(() => undefined) };
    const throwing: AlertChannel = {
      name: 'throw',
      send: () => {
        throw new Error('synchronous bug');
      },
    };
    const good = recordingChannel('good');
    const { dispatcher } = setup([hanging, throwing, good], { maxAttempts: 1 });
    expect(() => dispatcher.dispatch(alert('PROCESS_STARTED'))).not.toThrow();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(good.sent).toHaveLength(1);
  });

  it('drops the oldest alert when a channel queue is full', async () => {
    const hanging: AlertChannel = { name: 'hang', send: () => new Promise(() => undefined) };
    const { dispatcher, outcomes } = setup([hanging], { maxQueue: 2, dedupeWindowMs: 0 });
    for (let i = 0; i < 5; i++) dispatcher.dispatch(alert('CONNECTION_ERROR', `k${i}`));
    // the first is in flight, two wait, two were dropped
    expect(outcomes.filter((o) => o[1] === 'dropped')).toHaveLength(2);
  });
});

describe('backoffMs', () => {
  it('doubles from the base and caps at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 1_000, 10_000))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
});

describe('AlertDispatcher properties', () => {
  it('never queues the same key twice within the window, and queues every first sight of a key', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20 * 60_000 })), { maxLength: 60 }), (steps) => {
        const clock = new ManualClock(T0);
        const window = 5 * 60_000;
        const d = new AlertDispatcher({ channels: [], clock, logger: silentLogger(), dedupeWindowMs: window });
        const lastQueued = new Map<number, number>();
        for (const [key, gapMs] of steps) {
          clock.advanceBy(gapMs);
          const queued = d.dispatch(alert('NO_TRADES', `k${key}`));
          const last = lastQueued.get(key);
          const expected = last === undefined || clock.nowMs() - last >= window;
          if (queued !== expected) return false;
          if (queued) lastQueued.set(key, clock.nowMs());
        }
        return true;
      }),
    );
  });
});
