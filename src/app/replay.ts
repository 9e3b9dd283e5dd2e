// `txbot replay`: the live code path over a historical file (or one file per instrument on one account) as
// fast as possible. The Gateway simulator runs in process on 127.0.0.1 (port 0) and replays the files as
// trades, all contracts merged in time order; the market hub carries them over a real SignalR socket to the
// live bar feed (one aggregator per instrument, the bars of one instant released together), the LiveRunner
// runs the engine and the journal records everything; the outputs are the backtest's (summary, trades,
// equity, decisions, report; several instruments: the portfolio backtest's).
//
// Execution (documented difference, configurable): by default ('sim-broker') orders execute on the
// backtest's SimBroker applied to the bars aggregated from the simulator's trade stream, so trades.csv
// equals `txbot backtest` trade for trade. The simulator's matching engine fills touch-by-touch with no
// slippage (targets fill when touched, the tick order inside a bar decides stop versus target), which
// cannot reproduce the backtest's rules (slippage, target only when traded through, stop first).

import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { barAt, MINUTE_MS, type Bar, type BarSeries } from '../domain/index.ts';
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
import type { BrokerPort, LaneOptions } from '../engine/index.ts';
import { portfolioModels, portfolioRecorders, writePortfolioRun, type PortfolioInput, type PortfolioJobResult } from '../backtest/index.ts';

export interface ReplayOptions {
  readonly loaded: LoadedConfig;
  /** One instrument (backtest.instrument): its bars and model … */
  readonly series?: BarSeries;
  readonly model?: RegimeModel;
  /** … or several on one account, keyed by symbol (a null model is trained in-sample, as the backtest does). */
  readonly inputs?: ReadonlyMap<string, PortfolioInput>;
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
  /** Several instruments: the portfolio outputs (summary with bySymbol). */
  readonly portfolio: PortfolioJobResult | null;
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

/** One instrument of the replay. */
interface ReplayLane {
  readonly symbol: string;
  readonly series: BarSeries;
  readonly bars: Bar[];
  readonly contractId: string;
  readonly model: RegimeModel;
}

/** Runs the replay and writes the outputs. */
export async function runReplay(o: ReplayOptions): Promise<ReplayResult> {
  const { loaded } = o;
  const config = loaded.config;
  const several = o.inputs !== undefined;
  const ctx = buildRunContext(loaded, 'replay', several ? { symbols: [...o.inputs!.keys()] } : {});
  const symbols = ctx.instruments.map((i) => i.symbol);
  const models = several ? portfolioModels(ctx, o.inputs!) : new Map([[symbols[0]!, o.model!] as const]);
  const simContracts = [...defaultSimContracts()];
  const lanes: ReplayLane[] = ctx.instruments.map((inst) => {
    const series = several ? o.inputs!.get(inst.symbol)!.series : o.series!;
    const known = simContracts.find((c) => c.activeContract && c.id.startsWith(`CON.F.US.${inst.symbol}.`));
    const contractId = known?.id ?? `CON.F.US.${inst.symbol}.H26`;
    if (!known)
      simContracts.push({
        id: contractId,
        name: inst.symbol,
        description: 'replay',
        tickSize: inst.tickSize,
        tickValueUsd: inst.tickValueUsd,
        activeContract: true,
        symbolId: `F.US.${inst.symbol}`,
        feePerSideUsd: inst.commissionPerSideUsd,
      });
    return {
      symbol: inst.symbol,
      series,
      bars: Array.from({ length: series.length }, (_, i) => barAt(series, i)),
      contractId,
      model: models.get(inst.symbol)!,
    };
  });
  const sim = new GatewaySimulator({
    bars: Object.fromEntries(lanes.map((l) => [l.contractId, l.bars])),
    users: { [USER]: KEY },
    enforceRateLimits: false,
    contracts: simContracts,
  });
  const address = await sim.start(0, '127.0.0.1');
  const out = outputDir(o.outDir);
  // A replay journals one run: an earlier run's journal in the same folder is replaced.
  for (const suffix of ['', '-wal', '-shm']) rmSync(out.path(`journal.db${suffix}`), { force: true });
  const journal = await SqliteJournal.open(out.path('journal.db'));
  const first = lanes[0]!;
  const portfolio = several ? portfolioRecorders(ctx, o.inputs!, models, o.outDir) : null;
  const decisions = portfolio ? portfolio.decisions : new DecisionLog(out.path('decisions.jsonl'), config.backtest.decisions);
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
    contractIds: lanes.map((l) => l.contractId),
    logger: o.logger,
  });
  const barMs = config.data.bar_minutes * MINUTE_MS;
  const regimeIndex = new RegimeIndexRecorder(first.series.length);
  let streamed = 0;
  const gateway = o.execution === 'gateway';
  const brokers: BrokerPort[] = ctx.instruments.map((inst, i) =>
    createBroker(
      config,
      inst,
      gateway
        ? {
            kind: 'projectx',
            client,
            sync: realtime.sync,
            accountId: sim.defaultAccountId,
            contractId: lanes[i]!.contractId,
            tickSize: inst.tickSize,
            logger: o.logger,
          }
        : { kind: 'sim' },
    ),
  );
  const regimes = lanes.map((l) => ctx.regimeSource(l.model, l.series));
  // Gateway execution: every venue trade must have reached the account sync (and the runner) before time moves on.
  const settled = async (): Promise<void> => {
    if (!gateway) return;
    await until(() => realtime.sync.state.trades.size >= sim.engine.trades.length);
  };
  try {
    const risk = ctx.createRisk();
    const laneOptions: LaneOptions[] = lanes.map((l, i) => ({
      ...ctx.engineOptions({ regime: regimes[i]!.source, risk, idPrefix: several ? `bt-${l.symbol}` : 'bt', symbol: l.symbol }),
      broker: brokers[i]!,
    }));
    const runner = new LiveRunner({
      account: { config, risk, lanes: laneOptions },
      journal: new JournalRecorder(journal, first.symbol, { decisionBatch: 500 }),
      clock: sim.clock,
      logger: o.logger,
      onDecision: (_bar, d, symbol) => {
        if (portfolio) return portfolio.onDecision(d, symbol);
        regimeIndex.record(d, regimes[0]!.model().labels);
        decisions.add(d);
      },
    });
    const clock = new ExchangeClock(sim.clock);
    // 'skip': the file has no rows for quiet intervals, so neither does the replay.
    const feedAggregators = lanes.map(() => new BarAggregator({ barMs, emptyBars: 'skip' }));
    const feed = new LiveBarFeed({
      lanes: lanes.map((l, i) => ({ symbol: l.symbol, aggregator: feedAggregators[i]! })),
      clock,
      graceMs: 0,
      logger: o.logger,
      onStep: (bars) => void runner.onStep(bars).catch(() => undefined),
    });
    const symbolOf = new Map(lanes.map((l) => [l.contractId, l.symbol] as const));
    realtime.marketHub.events.on('trade', (trades) => {
      for (const t of trades) {
        const symbol = symbolOf.get(t.contractId);
        if (symbol === undefined) continue;
        streamed++;
        feed.trade(t.tsMs, t.price, t.volume, symbol);
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
    // The instants of the merged stream; lane bars before each (how many decisions the runner owes by then).
    const instants = [...new Set(lanes.flatMap((l) => l.bars.map((b) => b.tsMs)))].sort((a, b) => a - b);
    const totalBars = lanes.reduce((n, l) => n + l.bars.length, 0);
    const barsBefore = (tsMs: number): number => lanes.reduce((n, l) => n + lowerBound(l.series.tsMs, tsMs), 0);
    const chunk = gateway ? 1 : Math.max(1, o.chunkBars ?? 64);
    for (let i = 0; i < instants.length; i += chunk) {
      const last = Math.min(instants.length - 1, i + chunk);
      const at = instants[last]!;
      // Advancing to instant `last` streams every trade before it plus the opens at it (time order over one
      // socket: once a trade at `at` arrived, every earlier one has); closing through `at` then releases
      // every bar before it, of every instrument.
      await advanceSafely(at);
      await until(() => feed.lastTradeTsMs >= at);
      clock.observe(at);
      feed.poll();
      const owed = barsBefore(at);
      await until(() => runner.record.barsProcessed >= owed);
      await runner.idle();
      await settled();
      await runner.idle();
      o.onProgress?.(owed, totalBars);
    }
    if (instants.length) {
      const endMs = instants.at(-1)! + barMs;
      await advanceSafely(endMs);
      // Every trade of the last bars has arrived when each instrument's bar in progress is its last bar, complete.
      await until(() =>
        lanes.every((l, i) => {
          const lastBar = l.bars.at(-1);
          const cur = feedAggregators[i]!.current;
          return !lastBar || lastBar.tsMs < instants.at(-1)! || (cur?.tsMs === lastBar.tsMs && cur.volume === lastBar.volume);
        }),
      );
      clock.observe(endMs);
      feed.poll();
    }
    await until(() => runner.record.barsProcessed >= totalBars);
    await runner.idle();
    if (gateway) {
      await runner.stop('flatten');
      await settled();
      await runner.idle();
    }
    await runner.finish();
    o.onProgress?.(totalBars, totalBars);
    if (portfolio) {
      const result = writePortfolioRun(
        ctx,
        o.inputs!,
        models,
        { account: runner.record.toResult(), bySymbol: new Map(runner.session.lanes.map((l) => [l.symbol, l.record])) },
        portfolio,
        {
          outDir: o.outDir,
          title: `txbot replay: ${symbols.join(' + ')} on one account`,
          subtitleNote: 'live code path (simulator, sockets, bar aggregation, journal)',
          extraFiles: [out.path('journal.db')],
        },
      );
      return { summary: result.summary, portfolio: result, files: result.files, tradesStreamed: streamed };
    }
    decisions.close();
    const series = first.series;
    const model = first.model;
    const run = runner.record.toResult();
    const summary = buildSummary({
      run,
      config,
      instrument: ctx.instrument,
      startingBalanceUsd: ctx.startingBalanceUsd,
      inSampleReason: inSampleReason(model, series.length ? series.tsMs[0]! : null, series.length ? series.tsMs[series.length - 1]! : null),
      hashes: { config: sha256(JSON.stringify(config)), data: hashBars(series), model: sha256(regimeModelToJson(model)) },
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
      labels: regimes[0]!.model().labels,
      config,
      instrument: ctx.instrument,
    });
    files.push(...writeRunFiles(o.outDir, { summary, trades: run.trades, equity: run.equity, reportHtml: renderReportHtml(report) }));
    return { summary, portfolio: null, files, tradesStreamed: streamed };
  } finally {
    await realtime.stop();
    await sim.stop();
    await journal.close();
  }
}

/** The index of the first element of ascending `xs` that is >= `x`. */
function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
