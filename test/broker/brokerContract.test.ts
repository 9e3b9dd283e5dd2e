// The BrokerPort contract run against every adapter: the simulated broker (backtests, paper trading and
// replays all use SimBroker) and the ProjectX broker on the local Gateway simulator over real sockets.

import { silentLogger } from '../../src/log/logger.ts';
import type { ExecutionEvent } from '../../src/domain/orders.ts';
import { SimBroker } from '../../src/broker/sim/simBroker.ts';
import { ProjectXBroker } from '../../src/broker/projectx/projectxBroker.ts';
import { runBrokerContract } from './brokerContract.ts';
import { MNQ, startHarness } from './projectx/support/harness.ts';
import { nextEvent, startSync, until } from './projectx/support/hubs.ts';

const MNQ_SPEC = { symbol: 'MNQ', tickSize: 0.25, tickValueUsd: 0.5, commissionPerSideUsd: 0.37, isMicro: true };

runBrokerContract('SimBroker (backtest, paper, replay)', async () => {
  const broker = new SimBroker({ instrument: MNQ_SPEC, slippageTicks: 0 });
  let t = Date.UTC(2026, 0, 5, 14, 30);
  return {
    broker,
    tickSize: 0.25,
    startPrice: 21_000,
    trade: async (price) => {
      t += 300_000;
      return [...broker.onBar({ tsMs: t, open: price, high: price, low: price, close: price, volume: 1 })];
    },
    drain: () => [],
    close: async () => undefined,
  };
});

runBrokerContract('ProjectXBroker (live) on the Gateway simulator', async () => {
  const h = await startHarness();
  const { sync } = startSync(h);
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
  let streamed: ExecutionEvent[] = [];
  broker.setEventSink((evs) => streamed.push(...evs));
  h.sim.tick(MNQ, 21_000);
  const drain = () => {
    const out = streamed;
    streamed = [];
    return out;
  };
  return {
    broker,
    tickSize: 0.25,
    startPrice: 21_000,
    trade: async (price, done) => {
      h.sim.tick(MNQ, price);
      const got: ExecutionEvent[] = [];
      if (done) {
        await until(() => {
          got.push(...drain());
          return done(got);
        });
      } else {
        // Nothing expected: give the hub time to deliver anything it would.
        await new Promise((r) => setTimeout(r, 100));
        got.push(...drain());
      }
      return got;
    },
    drain,
    close: async () => {
      await broker.close();
      await sync.stop();
      await h.close();
    },
  };
});
