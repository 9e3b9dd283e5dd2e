// Child process for the crash tests: journals one bracket entry intent and sends it through the ProjectX
// live broker, killing itself with SIGKILL at the step named by CRASH_AT (before_send, after_send:
// the venue processed the order but its response was never read, after_fill: the fill arrived but was
// never journaled).

import { ManualClock, ProjectXClient, connectRealtime } from '../../../src/broker/projectx/index.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { SqliteJournal } from '../../../src/state/index.ts';
import { JournalRecorder } from '../../../src/live/journalRecorder.ts';
import { ProjectXBroker } from '../../../src/broker/projectx/projectxBroker.ts';
import type { ExecutionEvent } from '../../../src/domain/orders.ts';

const env = process.env;
const crashAt = env.CRASH_AT ?? '';
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
const clock = new ManualClock(Number(env.NOW_MS), { autoAdvance: true });
const journal = await SqliteJournal.open(env.JOURNAL!);
const recorder = new JournalRecorder(journal, 'MNQ');
const fetchThenCrash: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (crashAt === 'after_send' && String(input).endsWith('/api/Order/place')) die();
  return res;
};
const client = new ProjectXClient({
  apiUrl: env.API!,
  clock,
  fetch: fetchThenCrash,
  credentials: () => ({ userName: 'sim-user', apiKey: 'sim-key' }),
});
const accountId = Number(env.ACCOUNT);
const realtime = await connectRealtime({ client, rtcUrl: env.API!, accountId, logger: silentLogger() });
const broker = new ProjectXBroker({
  client,
  sync: realtime.sync,
  accountId,
  contractId: env.CONTRACT!,
  symbol: 'MNQ',
  tickSize: 0.25,
  logger: silentLogger(),
});
// Never hang a test: a child that was not killed by its crash point exits with code 3.
setTimeout(() => process.exit(3), 20_000).unref();
const handle = (events: readonly ExecutionEvent[]): void => {
  for (const ev of events) {
    if (ev.kind === 'entry_filled' && crashAt === 'after_fill') die();
    void recorder.execution(ev, null);
  }
};
broker.setEventSink(handle);
const order = {
  intentId: 'k-1',
  customTag: 'txbot-k-1',
  symbol: 'MNQ',
  side: 'long' as const,
  qty: 1,
  entryType: 'market' as const,
  stopTicks: 8,
  targetTicks: 16,
  decidedAtMs: clock.nowMs(),
};
await recorder.intent(order, null, 'crash test', 21_000);
if (crashAt === 'before_send') die();
const res = await broker.submitBracket(order);
await recorder.sent(order.intentId, clock.nowMs(), res.brokerOrderId);
process.stdout.write(`SENT ${res.brokerOrderId}\n`);
// A fill the hub delivered before the place response comes back with it.
handle(res.events);
