// Crash safety: a process SIGKILLed at each step of an order's life (before send, after send before the
// response, after the fill before the journal write) is restarted, reconciles with the simulator over
// real sockets, and ends with no duplicate order and no position without its stop.

import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { OrderStatus, OrderType } from '../../src/broker/projectx/index.ts';
import { IntentStatus, SqliteJournal } from '../../src/state/index.ts';
import { ProjectXBroker } from '../../src/broker/projectx/projectxBroker.ts';
import { reconcileLive } from '../../src/live/reconcile.ts';
import { MNQ, startHarness, type Harness } from '../broker/projectx/support/harness.ts';
import { nextEvent, startSync } from '../broker/projectx/support/hubs.ts';
import { useTempDir } from '../support/tmp.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const tmp = useTempDir('txbot-crash-');
let h: Harness | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await h?.close();
  h = null;
});

function runChild(
  crashAt: string,
  journalPath: string,
  harness: Harness,
): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/live/support/crashChild.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        CRASH_AT: crashAt,
        JOURNAL: journalPath,
        API: harness.address.apiUrl,
        ACCOUNT: String(harness.accountId),
        CONTRACT: MNQ,
        NOW_MS: String(harness.clock.nowMs()),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (_code, signal) => done({ signal, stdout, stderr }));
  });
}

describe.each([
  { crashAt: 'before_send', expected: ['INTENT_NOT_AT_VENUE'], status: IntentStatus.REJECTED, atVenue: 0, responseRead: false },
  { crashAt: 'after_send', expected: ['INTENT_FILLED', 'POSITION_ADOPTED'], status: IntentStatus.FILLED, atVenue: 1, responseRead: false },
  // The place response and the hub's fill race: the response may or may not have been journaled.
  { crashAt: 'after_fill', expected: ['INTENT_FILLED', 'POSITION_ADOPTED'], status: IntentStatus.FILLED, atVenue: 1, responseRead: null },
])('SIGKILL $crashAt', ({ crashAt, expected, status, atVenue, responseRead }) => {
  it('restarts, reconciles, and ends with no duplicate order and no unprotected position', async () => {
    h = await startHarness();
    h.sim.tick(MNQ, 21_000);
    const journalPath = join(tmp.dir, `${crashAt}.db`);
    const child = await runChild(crashAt, journalPath, h);
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.signal).toBe('SIGKILL');
    if (responseRead !== null) expect(/SENT/.test(child.stdout)).toBe(responseRead);

    // The restarted process: same journal, fresh broker and account sync.
    const journal = await SqliteJournal.open(journalPath, { mustExist: true });
    cleanups.push(() => journal.close());
    const { sync } = startSync(h);
    cleanups.push(() => sync.stop());
    const first = nextEvent(sync.events, 'resynced');
    await sync.start();
    await first;
    const broker = new ProjectXBroker({
      client: h.client,
      sync,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      tickSize: 0.25,
      logger: silentLogger(),
    });
    const actions = await reconcileLive({
      client: h.client,
      accountId: h.accountId,
      contractId: MNQ,
      symbol: 'MNQ',
      journal,
      broker,
      adopt: async () => undefined,
      nowMs: h.clock.nowMs(),
      logger: silentLogger(),
    });

    expect(actions.map((a) => a.code)).toEqual(expected);
    expect((await journal.intent('k-1'))?.status).toBe(status);
    const orders = await h.client.searchOrders(h.accountId, h.clock.nowMs() - 3_600_000);
    expect(orders.filter((o) => o.customTag === 'txbot-k-1').length).toBe(atVenue);
    const positions = await h.client.searchOpenPositions(h.accountId);
    const stops = (await h.client.searchOpenOrders(h.accountId)).filter((o) => o.type === OrderType.Stop && o.status === OrderStatus.Open);
    if (positions.length > 0) expect(stops.length).toBeGreaterThan(0);
    expect(broker.position === null).toBe(positions.length === 0);
    await broker.close();
  }, 60_000);
});
