// `txbot replay`: the live code path over a historical file as fast as possible. The Gateway simulator
// runs in process on 127.0.0.1 (port 0) and replays the file as trades; the market hub carries them over
// a real SignalR socket to the live bar aggregator, the LiveRunner runs the engine and the journal
// records everything; the outputs are the backtest's (summary, trades, equity, decisions, report).
//
// Execution (documented difference, configurable): by default ('sim-broker') orders execute on the
// backtest's SimBroker applied to the bars aggregated from the simulator's trade stream, so trades.csv
// equals `txbot backtest` trade for trade. The simulator's matching engine fills touch-by-touch with no
// slippage (targets fill when touched, the tick order inside a bar decides stop versus target), which
// cannot reproduce the backtest's rules (slippage, target only when traded through, stop first).

import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { barAt, MINUTE_MS, type BarSeries } from '../domain/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { hashBars, inSampleReason, regimeModelToJson, type RegimeModel } from '../regime/index.ts';
import {
  RegimeIndexRecorder,
  buildReportInput,
  buildSummary,
  sha256,
  renderReportHtml,
  DecisionLog,
  outputDir,
  writeRunFiles,
  type BacktestSummary,
} from '../report/index.ts';
import { buildRunContext } from './runContext.ts';
import { createBroker } from './seams/broker.ts';
import { GatewaySimulator, defaultSimContracts, HubState, ProjectXClient, connectRealtime } from '../broker/index.ts';
import { SqliteJournal } from '../state/index.ts';
import { BarAggregator, LiveBarFeed, ExchangeClock, JournalRecorder, LiveRunner } from '../live/index.ts';
import type { BrokerPort } from '../engine/index.ts';

export interface ReplayOptions {
  readonly loaded: LoadedConfig;
  readonly series: BarSeries;
  readonly model: RegimeModel;
  readonly outDir: string;
  readonly dataLabel: string;
  readonly logger: Logger;
  /** Bars the simulator is advanced by before waiting for the runner to catch up (default 64; 1 with 'gateway'). */
  readonly chunkBars?: number;
  /**
   * 'sim-broker' (default): the backtest's fill rules on the rebuilt bars (trades equal the backtest's).
   * 'gateway': orders go through the ProjectX broker adapter to the simulator's matching engine (touch
   * fills, no slippage: trades differ from the backtest as documented in README.md).
   */
  readonly execution?: 'sim-broker' | 'gateway';
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ReplayResult {
  readonly summary: BacktestSummary;
  readonly files: string[];
  /** Market trades that went over the socket. */
  readonly tradesStreamed: number;
}

const USER = 'replay';
/** Longest single move of the simulator clock: below the session's 30-minute token refresh margin. */
const MAX_STEP_MS = 20 * MINUTE_MS;
const KEY = 'replay-key';

/** Yields to the event loop until `pred` holds (socket traffic in flight), without timers. */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise<void>((r) => setImmediate(r));
}

/** Runs the replay and writes the outputs. */
export async function runReplay(o: ReplayOptions): Promise<ReplayResult> {
  const { loaded, series } = o;
  const config = loaded.config;
  const ctx = buildRunContext(loaded, 'replay');
  const market = { instrument: ctx.instrument };
  const contract = defaultSimContracts().find((c) => c.activeContract && c.id.startsWith(`CON.F.US.${market.instrument.symbol}.`));
  const contractId = contract?.id ?? `CON.F.US.${market.instrument.symbol}.H26`;
  const bars = Array.from({ length: series.length }, (_, i) => barAt(series, i));
  const contracts = contract
    ? undefined
    : [
        ...defaultSimContracts(),
        {
          id: contractId,
          name: market.instrument.symbol,
          description: 'replay',
          tickSize: market.instrument.tickSize,
          tickValueUsd: market.instrument.tickValueUsd,
          activeContract: true,
          symbolId: `F.US.${market.instrument.symbol}`,
          feePerSideUsd: market.instrument.commissionPerSideUsd,
        },
      ];
  const sim = new GatewaySimulator({ bars: { [contractId]: bars }, users: { [USER]: KEY }, enforceRateLimits: false, contracts });
  const address = await sim.start(0, '127.0.0.1');
  const out = outputDir(o.outDir);
  // A replay journals one run: an earlier run's journal in the same folder is replaced.
  for (const suffix of ['', '-wal', '-shm']) rmSync(out.path(`journal.db${suffix}`), { force: true });
  const journal = await SqliteJournal.open(out.path('journal.db'));
  const decisions = new DecisionLog(out.path('decisions.jsonl'), config.backtest.decisions);
  const client = new ProjectXClient({
    apiUrl: address.apiUrl,
    clock: sim.clock,
    credentials: () => ({ userName: USER, apiKey: KEY }),
    logger: o.logger,
  });
  const realtime = await connectRealtime({
    client,
    rtcUrl: address.rtcUrl,
    accountId: sim.defaultAccountId,
    contractIds: [contractId],
    logger: o.logger,
  });
  const barMs = config.data.bar_minutes * MINUTE_MS;
  const regimeIndex = new RegimeIndexRecorder(series.length);
  let streamed = 0;
  const gateway = o.execution === 'gateway';
  const broker: BrokerPort = createBroker(
    config,
    ctx.instrument,
    gateway
      ? {
          kind: 'projectx',
          client,
          sync: realtime.sync,
          accountId: sim.defaultAccountId,
          contractId,
          tickSize: ctx.instrument.tickSize,
          logger: o.logger,
        }
      : { kind: 'sim' },
  );
  const regime = ctx.regimeSource(o.model, series);
  // Gateway execution: every venue trade must have reached the account sync (and the runner) before time moves on.
  const settled = async (): Promise<void> => {
    if (!gateway) return;
    await until(() => realtime.sync.state.trades.size >= sim.engine.trades.length);
  };
  try {
    const runner = new LiveRunner({
      engine: ctx.engineOptions({ regime: regime.source, risk: ctx.createRisk(), idPrefix: 'bt' }),
      broker,
      journal: new JournalRecorder(journal, market.instrument.symbol, { decisionBatch: 500 }),
      clock: sim.clock,
      logger: o.logger,
      onDecision: (_bar, d) => {
        regimeIndex.record(d, regime.model().labels);
        decisions.add(d);
      },
    });
    const clock = new ExchangeClock(sim.clock);
    // 'skip': the file has no rows for quiet intervals, so neither does the replay.
    const aggregator = new BarAggregator({ barMs, emptyBars: 'skip' });
    const feed = new LiveBarFeed({ aggregator, clock, graceMs: 0, logger: o.logger, onBar: (bar) => void runner.onBar(bar).catch(() => undefined) });
    realtime.marketHub.events.on('trade', (trades) => {
      for (const t of trades) {
        if (t.contractId !== contractId) continue;
        streamed++;
        feed.trade(t.tsMs, t.price, t.volume);
      }
    });
    // Simulated time jumps; the 24 h token must be refreshed before it lapses (a refresh leaves the hubs
    // connected) and the hubs must be connected before trades are streamed (hubs never replay).
    const hubsUp = () => realtime.marketHub.connection.state === HubState.Connected && realtime.userHub.connection.state === HubState.Connected;
    const advanceSafely = async (targetMs: number): Promise<void> => {
      while (sim.clock.nowMs() < targetMs) {
        await client.session.getToken();
        await until(hubsUp);
        sim.advanceTo(Math.min(targetMs, sim.clock.nowMs() + MAX_STEP_MS));
      }
    };
    const chunk = gateway ? 1 : Math.max(1, o.chunkBars ?? 64);
    for (let i = 0; i < bars.length; i += chunk) {
      const last = Math.min(bars.length - 1, i + chunk);
      // Advancing to bar `last`'s start streams every trade before it plus its open, which closes bar last-1.
      await advanceSafely(bars[last]!.tsMs);
      await until(() => runner.record.barsProcessed >= last);
      await runner.idle();
      await settled();
      await runner.idle();
      o.onProgress?.(last, bars.length);
    }
    if (bars.length) {
      await advanceSafely(bars.at(-1)!.tsMs + barMs);
      const lastBar = bars.at(-1)!;
      await until(() => aggregator.current?.tsMs === lastBar.tsMs && aggregator.current.volume === lastBar.volume);
      clock.observe(bars.at(-1)!.tsMs + barMs);
      feed.poll();
    }
    await runner.idle();
    if (gateway) {
      await runner.stop('flatten');
      await settled();
      await runner.idle();
    }
    await runner.finish();
    o.onProgress?.(bars.length, bars.length);
    decisions.close();
    const run = runner.record.toResult();
    const summary = buildSummary({
      run,
      config,
      instrument: ctx.instrument,
      startingBalanceUsd: ctx.startingBalanceUsd,
      inSampleReason: inSampleReason(o.model, series.length ? series.tsMs[0]! : null, series.length ? series.tsMs[series.length - 1]! : null),
      hashes: { config: sha256(JSON.stringify(config)), data: hashBars(series), model: sha256(regimeModelToJson(o.model)) },
      firstMs: series.length ? series.tsMs[0]! : null,
      lastMs: series.length ? series.tsMs[series.length - 1]! : null,
    });
    const files = [...(decisions.writing ? [out.path('decisions.jsonl')] : []), out.path('journal.db')];
    const report = buildReportInput({
      title: `txbot replay: ${ctx.instrument.symbol}`,
      subtitle: `${o.dataLabel} | ${summary.from} to ${summary.to} | live code path (simulator, sockets, bar aggregation, journal)`,
      summary,
      run,
      series,
      regimeIndex: regimeIndex.index,
      labels: regime.model().labels,
      config,
      instrument: ctx.instrument,
    });
    files.push(...writeRunFiles(o.outDir, { summary, trades: run.trades, equity: run.equity, reportHtml: renderReportHtml(report) }));
    return { summary, files, tradesStreamed: streamed };
  } finally {
    await realtime.stop();
    await sim.stop();
    await journal.close();
  }
}
