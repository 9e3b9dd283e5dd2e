// A contender for the multi-process tests and the takeover bench: runs a LeaderElector and a "trading"
// loop that writes fenced state only while mayAct(), printing one JSON event per line on stdout.
// Run: node --import tsx electorChild.ts '<json options>'; stdin commands: forceWrite, stop.

import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { LeaderElector, RedisRiskState } from '../../../../src/state/shared/index.ts';

interface ChildOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly name: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly marginMs: number;
  /** Period of the trading loop. */
  readonly actEveryMs: number;
}

const o = JSON.parse(process.argv[2]) as ChildOptions;
/** Wall-clock ms comparable across processes on one host (timeOrigin + monotonic offset). */
const wallMs = (): number => performance.timeOrigin + performance.now();
const print = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ ...event, name: o.name, pid: process.pid, atMs: wallMs() })}\n`);
};

const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
const elector = new LeaderElector({
  redis,
  keyPrefix: o.keyPrefix,
  machineId: o.name,
  ttlMs: o.ttlMs,
  renewEveryMs: o.renewEveryMs,
  pollMinMs: o.pollMinMs,
  pollMaxMs: o.pollMaxMs,
  marginMs: o.marginMs,
});
const risk = new RedisRiskState({ redis, keyPrefix: `${o.keyPrefix}:risk`, leaseTokenKey: elector.lease.keys.token });
let lastToken: number | null = null;
let lastMayAct = false;
let bar = 0;

elector.on('elected', ({ token }) => {
  lastToken = token;
  // The first moment this process may act (what the takeover bench measures).
  print({ ev: 'elected', token, mayAct: elector.mayAct() });
});
elector.on('lost', ({ token, reason }) => print({ ev: 'lost', token, reason }));
elector.on('renewFailed', ({ token, error }) => print({ ev: 'renewFailed', token, error: error.message }));

const tradingTick = async (): Promise<void> => {
  const may = elector.mayAct();
  if (may !== lastMayAct) print({ ev: 'mayAct', value: may, leaseAgeMs: elector.lease.leaseAgeMs() });
  lastMayAct = may;
  if (!may) return;
  const token = elector.token!;
  const result = await risk.setRegime(token, 'MNQ', { regime: 'NEUTRAL', confidence: 0.5, barTsMs: ++bar });
  print({ ev: 'act', token, ok: result.ok });
};
const loop = setInterval(() => {
  tradingTick().catch((e: unknown) => print({ ev: 'error', error: String(e) }));
}, o.actEveryMs);

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'forceWrite') {
    // A write regardless of mayAct(), with the last token this process held: fencing must refuse it when stale.
    const token = lastToken ?? 1;
    risk
      .setRegime(token, 'MNQ', { regime: 'CRASH', confidence: 1, barTsMs: -1 })
      .then((result) => print({ ev: 'forceWrite', token, mayAct: elector.mayAct(), result }))
      .catch((e: unknown) => print({ ev: 'error', error: String(e) }));
  } else if (command === 'stop') {
    clearInterval(loop);
    void elector.stop().then(() => {
      redis.disconnect();
      print({ ev: 'stopped' });
      process.exit(0);
    });
  }
});

elector.start();
print({ ev: 'ready' });
