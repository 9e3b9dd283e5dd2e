// Wires one paper or live session end to end, for one instrument or several on the account: log in, check
// the account, resolve each contract, restore the account's risk from the journal, warm each instrument up
// from REST history, reconcile each contract, subscribe to the market hub and run the bars of each instant
// through the one LiveRunner (one engine session, one account risk manager, one journal) until stopped.

import type { Logger } from 'pino';
import {
  MINUTE_MS,
  pointValueUsd,
  BrokerError,
  ConfigError,
  sessionInfo,
  type Bar,
  type Clock,
  type Alert,
  type BracketOrderRequest,
  type Instrument,
} from '../domain/index.ts';
import { sessionSymbols, type LoadedConfig } from '../config/index.ts';
import type { RegimeModel } from '../regime/index.ts';
import {
  BarUnit,
  ContractResolver,
  HubState,
  connectRealtime,
  type ProjectXClient,
  type ResolvedContract,
  type RetryPolicy,
} from '../broker/index.ts';
import type { Journal } from '../state/index.ts';
import {
  BarAggregator,
  LiveBarFeed,
  ExchangeClock,
  JournalRecorder,
  LiveRunner,
  reconcileLive,
  historyForWarmUp,
  killedToday,
  restoreRisk,
  barEvents,
  orderEndEvent,
  orderSentEvent,
  publishingJournal,
  riskEvent,
  startSessionMonitor,
  watchHub,
  type EmptyBarPolicy,
  type LiveStatus,
  type SessionMonitor,
} from '../live/index.ts';
import type { BrokerPort, LaneOptions } from '../engine/index.ts';
import { buildRunContext } from './runContext.ts';
import { createBroker } from './seams/broker.ts';
import { sessionRegimeSource } from './seams/regimeSource.ts';
import { gatedBroker, type GateRefusal, type OrderGate } from './leaderGate.ts';
import type { SessionRegimeSource } from './seams/regimeSource.ts';

export interface LiveSessionOptions {
  readonly mode: 'paper' | 'live';
  readonly loaded: LoadedConfig;
  /** The regime model of a single-instrument session. */
  readonly model?: RegimeModel;
  /** Several instruments: a model per symbol (a single-instrument session may use it too). */
  readonly models?: ReadonlyMap<string, RegimeModel>;
  /** Instruments traded (default: sessionSymbols — backtest.instrument when it names one, else the enabled ones). */
  readonly symbols?: readonly string[];
  readonly client: ProjectXClient;
  readonly rtcUrl: string;
  readonly accountId: number;
  readonly journal: Journal;
  readonly logger: Logger;
  /** Wall clock (systemClock) or a test clock; the session's exchange clock runs on it. */
  readonly baseClock: Clock;
  /** Calendar days of REST history for the warm-up (default 5). */
  readonly warmUpDays?: number;
  /** Intervals without a trade: 'skip' (default: no bar, as a bar file has no row for them; never a made-up bar) or 'flat'. */
  readonly emptyBars?: EmptyBarPolicy;
  /** Exchange ms after a bar's end before its timer close (default 500). */
  readonly graceMs?: number;
  /** Longest wait (base-clock ms) for the first trade or quote that tells the exchange time (default 10 000). */
  readonly firstMarketEventWaitMs?: number;
  /** Called after each bar with the status line. */
  readonly onStatus?: (s: LiveStatus) => void;
  /** Forces the monitoring dashboard on at this port (0 = a free port); null/absent = as configured. */
  readonly dashboardPort?: number | null;
  /**
   * Asked right before every order, cancel and flatten (shared state: the leader lease); while it
   * returns a reason nothing reaches the broker. Absent = always open (one machine).
   */
  readonly orderGate?: OrderGate;
  /** Told of every call the gate refused. */
  readonly onGateRefused?: (r: GateRefusal) => void;
  /**
   * P&L and trades already closed today on the account before this session (another machine traded
   * earlier): the daily limits resume from there. Absent/null = none.
   */
  readonly closedToday?: (tradingDate: string) => Promise<{ readonly pnlUsd: number; readonly trades: number; readonly source: string } | null>;
  /** Called after every decision and execution, once the runner took it (shared state writes). */
  readonly onStateChanged?: () => void;
  /** Score with a swappable detector (a shared model store may replace the model between bars). */
  readonly swappableModel?: boolean;
  /** Reconnect delays of both hubs (default: 0 s, 1 s, 2 s … ≤ 30 s, never gives up). */
  readonly hubRetryPolicy?: RetryPolicy;
}

/** One instrument of a running session. */
export interface LiveLane {
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly contract: ResolvedContract;
  readonly broker: BrokerPort;
  readonly regime: SessionRegimeSource;
}

/** A running session. */
export interface LiveSession {
  readonly runner: LiveRunner;
  readonly feed: LiveBarFeed;
  /** Every instrument, in processing order; `broker`, `contract` and `regime` are the first one's. */
  readonly lanes: readonly LiveLane[];
  readonly broker: BrokerPort;
  readonly contract: ResolvedContract;
  readonly clock: ExchangeClock;
  /** Monitoring (alerts, metrics, dashboard) fed from this session; stopped by `stop`. */
  readonly monitor: SessionMonitor;
  /** The first instrument's regime source (model swaps from a shared store, retrain swaps to publish). */
  readonly regime: SessionRegimeSource;
  /** Stops the timer and hubs, applies `onStop`, flushes the journal, ends monitoring (sessionEnd, process stop). */
  stop(onStop: 'flatten' | 'leave_brackets', why?: string): Promise<void>;
}

/** Starts a session; resolves once it is subscribed and running. */
export async function startLiveSession(o: LiveSessionOptions): Promise<LiveSession> {
  const { loaded, client, logger } = o;
  const config = loaded.config;
  const clock = new ExchangeClock(o.baseClock);
  await client.login();
  const accounts = await client.searchAccounts(true);
  const account = accounts.find((a) => a.id === o.accountId);
  if (!account) {
    throw new BrokerError(
      'ACCOUNT_NOT_FOUND',
      `--account ${o.accountId}: no such active account for these credentials (found ${accounts.map((a) => a.id).join(', ') || 'none'})`,
      false,
      { hint: 'list them with `txbot accounts`' },
    );
  }
  // Input sources' alerts reach the monitoring bus once it runs (start-up alerts are logged meanwhile).
  let publishAlert: (a: Alert) => void = (a) => logger.warn({ alert: a.code, text: a.text }, a.title);
  const ctx = buildRunContext(loaded, o.mode, {
    symbols: o.symbols ?? sessionSymbols(config),
    logger: logger.child({ component: 'inputs' }),
    publishAlert: (a) => publishAlert(a),
    nowMs: () => clock.nowMs(),
  });
  const instruments = ctx.instruments;
  const symbols = instruments.map((i) => i.symbol);
  const models = new Map(symbols.map((s) => [s, modelOf(o, s, symbols)] as const));
  const resolver = new ContractResolver(client, config.projectx.live_data);
  const contracts: ResolvedContract[] = [];
  for (const inst of instruments) contracts.push(await resolver.resolve(inst.symbol));
  const symbolOf = new Map(contracts.map((c, i) => [c.contractId, symbols[i]!] as const));
  logger.info({ accountId: account.id, account: account.name, contractIds: contracts.map((c) => c.contractId) }, 'account and contracts resolved');

  // Subscribe first: the first trade (or quote) tells the exchange time, which a replayed feed needs
  // before asking for history; trades arriving meanwhile wait in a buffer.
  // Lookup windows of the account sync run on the exchange (venue) clock, never the local wall clock.
  const realtime = await connectRealtime({
    client,
    rtcUrl: o.rtcUrl,
    accountId: account.id,
    contractIds: contracts.map((c) => c.contractId),
    venueClock: clock,
    retryPolicy: o.hubRetryPolicy,
    logger,
  });
  // What a failed start-up must undo (newest first): the hubs, their handlers, regime sources, brokers.
  const undo: (() => unknown)[] = [() => realtime.stop()];
  const undoAll = async (): Promise<void> => {
    for (const f of undo.splice(0).reverse())
      await Promise.resolve()
        .then(f)
        .catch(() => undefined);
  };
  const buffered: { symbol: string; tsMs: number; price: number; volume: number }[] = [];
  let feed: LiveBarFeed | null = null;
  let marketSeen: () => void = () => undefined;
  const firstMarketEvent = new Promise<void>((resolve) => (marketSeen = resolve));
  const offTrade = realtime.marketHub.events.on('trade', (trades) => {
    for (const t of trades) {
      const symbol = symbolOf.get(t.contractId);
      if (symbol === undefined) continue;
      if (feed) feed.trade(t.tsMs, t.price, t.volume, symbol);
      else {
        clock.observe(t.tsMs);
        buffered.push({ symbol, tsMs: t.tsMs, price: t.price, volume: t.volume });
        marketSeen();
      }
    }
  });
  const offQuote = realtime.marketHub.events.on('quote', (q) => {
    if (!symbolOf.has(q.contractId)) return;
    if (feed) feed.quote(q.tsMs);
    else {
      clock.observe(q.tsMs);
      marketSeen();
    }
  });
  undo.push(offTrade, offQuote);
  let seen = false;
  void firstMarketEvent.then(() => (seen = true));
  // Short sleeps, so no long timer outlives the wait (it would hold a stopping process open).
  for (let waitedMs = 0; !seen && waitedMs < (o.firstMarketEventWaitMs ?? 10_000); waitedMs += 100) await o.baseClock.sleep(100);

  const histories: Bar[][] = [];
  let startMs: number;
  let restored: Awaited<ReturnType<typeof restoreRisk>>;
  let monitor: SessionMonitor;
  try {
    for (const c of contracts) {
      histories.push(
        await historyForWarmUp(client, c.contractId, config.projectx.live_data, config.data.bar_minutes, clock.nowMs(), o.warmUpDays ?? 5, logger),
      );
    }
    const lastHistoryMs = Math.max(...histories.map((h) => (h.length ? h.at(-1)!.tsMs : Number.NEGATIVE_INFINITY)));
    startMs = Number.isFinite(lastHistoryMs) ? lastHistoryMs + config.data.bar_minutes * MINUTE_MS : clock.nowMs();
    restored = await resumeDay(
      await restoreRisk(ctx, o.journal, startMs, o.mode === 'live' ? account.balanceUsd : null),
      ctx,
      await o.closedToday?.(sessionInfo(startMs).tradingDate),
    );
    monitor = await startSessionMonitor({ config, journal: o.journal, logger, nowMs: () => clock.nowMs(), dashboardPort: o.dashboardPort });
  } catch (e) {
    await undoAll();
    throw e;
  }
  logger.info({ balanceUsd: restored.balanceUsd, highestEodBalanceUsd: restored.highestEodBalanceUsd, source: restored.source }, 'risk restored');
  const { bus } = monitor;
  publishAlert = (alert) => bus.publish({ type: 'alert', alert });
  ctx.startInputs();
  const offHubs = [
    watchHub(realtime.userHub.connection, 'hub.user', bus, () => clock.nowMs()),
    watchHub(realtime.marketHub.connection, 'hub.market', bus, () => clock.nowMs()),
  ];
  try {
    bus.publish({
      type: 'process',
      tsMs: clock.nowMs(),
      phase: 'start',
      mode: o.mode,
      detail: `account ${account.id} ${contracts.map((c) => c.contractId).join(' ')}`,
    });
    const dailyLossLimitUsd = config.risk.daily_loss_limit;
    let publishRisk: () => void = () => undefined;
    const sentOrders = new Map<string, BracketOrderRequest>();
    const several = symbols.length > 1;
    const regimes: SessionRegimeSource[] = [];
    for (const sym of symbols) {
      const source = await sessionRegimeSource({
        loaded,
        model: models.get(sym)!,
        journal: o.journal,
        bus,
        logger: several ? logger.child({ symbol: sym }) : logger,
        swappable: o.swappableModel,
        symbol: several ? sym : undefined,
      });
      regimes.push(source);
      undo.push(() => source.stop());
    }
    const recorder = new JournalRecorder(
      publishingJournal(o.journal, bus, () => publishRisk()),
      symbols[0]!,
      {
        pointValues: new Map(instruments.map((i) => [i.symbol, pointValueUsd(i)] as const)),
      },
    );
    const offPlugins = ctx.onPluginFailure((e, tsMs) => {
      logger.warn({ plugin: e.plugin, fallback: e.fallback, err: e.message }, 'plug-in failed; fallback used');
      recorder
        .event(tsMs, 'warn', 'plugin', `${e.message}; fallback: ${e.fallback}`)
        .catch((err: unknown) => logger.error({ err: String(err) }, 'plug-in failure not journaled'));
      bus.publish({
        type: 'alert',
        alert: {
          code: 'PLUGIN_FAILED',
          severity: 'warn',
          title: `Plug-in ${e.plugin} failed`,
          text: `${e.message}; using ${e.fallback}`,
          tsMs,
          dedupeKey: `PLUGIN_FAILED:${e.plugin}`,
        },
      });
    });
    undo.push(offPlugins);
    const venues = instruments.map((instrument, i) =>
      o.mode === 'live'
        ? createBroker(config, instrument, {
            kind: 'projectx',
            client,
            sync: realtime.sync,
            accountId: account.id,
            contractId: contracts[i]!.contractId,
            tickSize: contracts[i]!.tickSize,
            logger: several ? logger.child({ symbol: instrument.symbol }) : logger,
            onAlert: (a) => {
              bus.publish({ type: 'alert', alert: { ...a, severity: 'critical', dedupeKey: `${a.code}:${a.title}` } });
              recorder.event(a.tsMs, 'error', 'venue', `${a.code}: ${a.title}: ${a.text}`).catch(() => undefined);
            },
          })
        : null,
    );
    // Resyncs are compared with txbot's view only once start-up reconciliation has adopted what is open.
    for (const v of venues) v?.setVenueChecks(false);
    const brokers: BrokerPort[] = instruments.map((instrument, i) => {
      const inner: BrokerPort = venues[i] ?? createBroker(config, instrument, { kind: 'sim' });
      return o.orderGate ? gatedBroker(inner, o.orderGate, o.onGateRefused) : inner;
    });
    for (const b of brokers) undo.push(() => b.close());
    const regimeOf = new Map(symbols.map((s, i) => [s, regimes[i]!] as const));
    // Intent ids from (trading date, instrument, bar close, n-th of the bar): two machines deciding one bar
    // send one customTag, which the broker accepts once.
    const lanes: LaneOptions[] = symbols.map((symbol, i) => ({
      ...ctx.engineOptions({ regime: regimes[i]!.source, risk: restored.risk, idPrefix: o.mode[0]!, symbol }),
      intentIds: 'bar',
      broker: brokers[i]!,
    }));
    const runner = new LiveRunner({
      account: { config, risk: restored.risk, lanes },
      journal: recorder,
      clock,
      logger,
      onDecision: (bar, d, symbol) => {
        const regime = regimeOf.get(symbol)!;
        for (const e of barEvents(symbol, regime.labels(), bar, d)) bus.publish(e);
        regime.afterBar(bar);
        publishRisk();
        o.onStatus?.(runner.status());
        o.onStateChanged?.();
      },
      onOrder: (order, barCloseMs, sentMs) => {
        sentOrders.set(order.intentId, order);
        bus.publish(orderSentEvent(order, barCloseMs, sentMs));
      },
      onExecution: (ev) => {
        const ended = orderEndEvent(ev, sentOrders.get(ev.intentId));
        if (ended) bus.publish(ended);
        if (ev.kind !== 'entry_filled') sentOrders.delete(ev.intentId);
        o.onStateChanged?.();
      },
      onRiskEvent: (e) => {
        if (e.kind === 'STATE_CHANGED') bus.publish({ type: 'riskState', tsMs: e.tsMs, from: e.from, to: e.to, code: e.code, detail: e.detail });
      },
    });
    publishRisk = () => bus.publish(riskEvent(clock.nowMs(), restored.risk.snapshot(), dailyLossLimitUsd));
    histories.forEach((history, i) => {
      for (const bar of history) runner.warmUp(bar, symbols[i]);
    });
    const killed = await killedToday(o.journal, startMs);
    if (killed) {
      await runner.restoreKill(killed);
      logger.warn({ reason: killed }, 'kill switch was used today: staying halted');
    }
    const closed = o.orderGate?.();
    if (closed) throw leadershipLostAtStart(closed);
    if (o.mode === 'live') {
      for (let i = 0; i < symbols.length; i++) {
        const venue = venues[i]!;
        const stops = lanes[i]!.config.stops;
        await reconcileLive({
          client,
          accountId: account.id,
          contractId: contracts[i]!.contractId,
          symbol: symbols[i]!,
          takesIntentOf: (sym) => sym === symbols[i] || (i === 0 && !symbols.includes(sym)),
          journal: o.journal,
          broker: venue,
          adopt: (ev) => runner.adopt(ev, symbols[i]),
          nowMs: clock.nowMs(),
          logger,
          tickSize: contracts[i]!.tickSize,
          protectiveStopTicks: (regime) =>
            stops[regime ?? 'NEUTRAL'] ?? stops.NEUTRAL ?? Math.min(...Object.values(stops).filter((x): x is number => typeof x === 'number')),
        });
      }
      for (const v of venues) v?.setVenueChecks(true);
      realtime.sync.startPeriodic(config.live.reconcile_interval_seconds * 1000);
    } else {
      await reconcilePaper(o.journal, recorder, startMs, logger);
    }

    const feedLanes = symbols.map((symbol, i) => {
      const aggregator = new BarAggregator({ barMs: config.data.bar_minutes * MINUTE_MS, emptyBars: o.emptyBars ?? 'skip' });
      const history = histories[i]!;
      if (history.length) aggregator.seed(history.at(-1)!);
      return { symbol, aggregator };
    });
    feed = new LiveBarFeed({
      lanes: feedLanes,
      clock,
      graceMs: o.graceMs,
      logger,
      onStep: (bars) => void runner.onStep(bars).catch(() => undefined),
      onTick: () => void runner.tick().catch(() => undefined),
    });
    for (const t of buffered.splice(0)) feed.trade(t.tsMs, t.price, t.volume, t.symbol);
    const liveFeed = feed;
    // A market-data outage makes no bars; once the market hub is back, the gap comes from history.
    const barMs = config.data.bar_minutes * MINUTE_MS;
    let refilling = false;
    offHubs.push(
      realtime.marketHub.connection.events.on('state', ({ to }) => {
        if (to === HubState.Reconnecting || to === HubState.Disconnected) liveFeed.pause();
      }),
      realtime.marketHub.connection.events.on('resubscribed', ({ reason }) => {
        // One refill at a time: a second reconnect during the history requests must not resume the feed twice.
        if (reason === 'start' || !liveFeed.isPaused || refilling) return;
        refilling = true;
        void (async () => {
          try {
            for (let attempt = 1; liveFeed.isPaused; attempt++) {
              try {
                const nowMs = clock.nowMs();
                const gaps = new Map<string, Bar[]>();
                for (let i = 0; i < symbols.length; i++) {
                  const lastEnd = runner.session.lane(symbols[i]!).lastBarEndMs;
                  gaps.set(
                    symbols[i]!,
                    await client.retrieveBars({
                      contractId: contracts[i]!.contractId,
                      live: config.projectx.live_data,
                      startMs: Number.isNaN(lastEnd) ? nowMs - 86_400_000 : Math.max(nowMs - 3 * 86_400_000, lastEnd - barMs),
                      endMs: Math.floor(nowMs / barMs) * barMs,
                      unit: BarUnit.Minute,
                      unitNumber: config.data.bar_minutes,
                      limit: 20_000,
                      includePartialBar: false,
                    }),
                  );
                }
                const unknown = liveFeed.resume(several ? gaps : gaps.get(symbols[0]!)!);
                const text = unknown
                  .map((u) => `${several ? `${u.symbol} ` : ''}${new Date(u.fromMs).toISOString()}..${new Date(u.toMs).toISOString()}`)
                  .join(', ');
                const filled = [...gaps.values()].reduce((n, g) => n + g.length, 0);
                logger.warn({ filled, unknown: text }, 'market data gap filled from history; bars unknown');
                await recorder.event(
                  nowMs,
                  'warn',
                  'bars',
                  `market data outage: bars from history filled the gap; unknown (no bar made up): ${text}`,
                );
              } catch (e) {
                logger.warn({ attempt, err: e instanceof Error ? e.message : String(e) }, 'history for the market data gap failed; retrying');
                await o.baseClock.sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
              }
            }
          } finally {
            refilling = false;
          }
        })();
      }),
    );
    for (const r of regimes) r.beginLive();
    feed.start();
    logger.info({ mode: o.mode, halted: runner.halted, symbols }, 'session running');
    const liveLanes: LiveLane[] = symbols.map((symbol, i) => ({
      symbol,
      instrument: instruments[i]!,
      contract: contracts[i]!,
      broker: brokers[i]!,
      regime: regimes[i]!,
    }));
    return {
      runner,
      feed: liveFeed,
      lanes: liveLanes,
      broker: brokers[0]!,
      contract: contracts[0]!,
      clock,
      monitor,
      regime: regimes[0]!,
      async stop(onStop, why = 'stop') {
        // Every step runs whatever the earlier ones did (a failed flatten must not leave hubs, timers or the
        // dashboard running), each bounded in time: shutdown never hangs. The first failure is rethrown.
        const failures: unknown[] = [];
        const step = async (what: string, fn: () => Promise<unknown>, maxMs = 30_000): Promise<void> => {
          try {
            await bounded(fn(), maxMs, what, o.baseClock);
          } catch (e) {
            failures.push(e);
            logger.error({ step: what, err: e instanceof Error ? e.message : String(e) }, 'stop step failed');
          }
        };
        offTrade();
        offQuote();
        await step('bar feed', () => liveFeed.stop());
        await step(`on_stop ${onStop}`, () => runner.stop(onStop), 120_000);
        // A venue flatten reports its fill through the user hub: give it up to 10 s to arrive and be journaled.
        await step('flatten fill', async () => {
          const open = () => brokers.some((b) => b.name === 'projectx' && b.position);
          for (let i = 0; i < 100 && onStop === 'flatten' && open(); i++) await o.baseClock.sleep(100);
        });
        await step('runner idle', () => runner.idle());
        for (const off of offHubs) off();
        for (const r of regimes) r.stop();
        offPlugins();
        await step('inputs', () => ctx.stopInputs());
        await step('hubs', () => realtime.stop());
        for (let i = 0; i < brokers.length; i++) await step(several ? `broker ${symbols[i]}` : 'broker', async () => brokers[i]!.close());
        const endMs = clock.nowMs();
        publishRisk();
        bus.publish({ type: 'sessionEnd', tsMs: endMs, tradingDate: sessionInfo(endMs).tradingDate });
        bus.publish({ type: 'process', tsMs: endMs, phase: 'stop', mode: o.mode, detail: why });
        await step('monitor', () => monitor.handle.stop());
        if (failures.length) throw failures[0];
      },
    };
  } catch (e) {
    // A failed start-up must not leave the dashboard, the rule timer, the input refreshers, the hubs, the
    // regime sources (retraining workers) or the brokers running.
    for (const off of offHubs) off();
    await ctx.stopInputs().catch(() => undefined);
    await monitor.handle.stop().catch(() => undefined);
    await undoAll();
    throw e;
  }
}

/** The restored risk manager, resumed at today's closed P&L and trade count when another session traded earlier today. */
function resumeDay(
  restored: Awaited<ReturnType<typeof restoreRisk>>,
  ctx: ReturnType<typeof buildRunContext>,
  today: { readonly pnlUsd: number; readonly trades: number; readonly source: string } | null | undefined,
): Awaited<ReturnType<typeof restoreRisk>> {
  if (!today || (today.pnlUsd === 0 && today.trades === 0)) return restored;
  const risk = ctx.createRisk({
    balanceUsd: restored.balanceUsd,
    highestEodBalanceUsd: restored.highestEodBalanceUsd,
    realizedTodayUsd: today.pnlUsd,
    tradesToday: today.trades,
  });
  return { ...restored, risk, source: `${restored.source}; today ${today.pnlUsd.toFixed(2)} USD over ${today.trades} trades from ${today.source}` };
}

/** The regime model of `symbol`: `models` (per symbol), else `model` for a single-instrument session. */
function modelOf(o: LiveSessionOptions, symbol: string, symbols: readonly string[]): RegimeModel {
  const m = o.models?.get(symbol) ?? (symbols.length === 1 ? o.model : undefined);
  if (m) return m;
  throw new ConfigError(`no regime model for ${symbol}`, [
    `--model: the session trades ${symbols.join(', ')}; give one model per instrument (--model ${symbol}=FILE) or instruments[].model in the config`,
  ]);
}

function leadershipLostAtStart(reason: string): BrokerError {
  return new BrokerError('NOT_LEADER', `leadership lost during start-up, before reconciliation: ${reason}`, false);
}

/**
 * Paper orders and positions live only in the process: after a restart every journaled open intent is
 * cancelled and a non-flat journaled position is closed in the journal, each difference logged.
 */
async function reconcilePaper(journal: Journal, recorder: JournalRecorder, tsMs: number, logger: Logger): Promise<void> {
  for (const intent of await journal.openIntents()) {
    logger.warn({ intentId: intent.intentId, status: intent.status }, 'reconcile: paper intent from an earlier run cancelled');
    await journal.markCancelled(intent.intentId, tsMs);
    await recorder.event(
      tsMs,
      'warn',
      'reconcile',
      `paper intent ${intent.intentId} (${intent.status}) cancelled: paper orders end with the process`,
    );
  }
  for (const p of await journal.latestPositions()) {
    if (p.qty === 0) continue;
    logger.warn({ symbol: p.symbol, qty: p.qty }, 'reconcile: paper position from an earlier run closed in the journal');
    await journal.recordPosition({ symbol: p.symbol, tsMs, qty: 0, avgPrice: 0 });
    await recorder.event(
      tsMs,
      'warn',
      'reconcile',
      `paper position ${p.symbol} ${p.qty} @ ${p.avgPrice} dropped: paper positions end with the process`,
    );
  }
}

/** Resolves or rejects as `p` does, or rejects after `maxMs` of `clock` time (the work is left running). */
async function bounded<T>(p: Promise<T>, maxMs: number, what: string, clock: Clock): Promise<T> {
  let done = false;
  const timeout = (async () => {
    // Short sleeps, so no long timer outlives the work (it would hold a stopping process open).
    for (let waited = 0; !done && waited < maxMs; waited += 100) await clock.sleep(100);
    if (!done) throw new Error(`${what} did not finish within ${Math.round(maxMs / 1000)} s; going on with the shutdown`);
  })();
  try {
    return await Promise.race([p, timeout as Promise<never>]);
  } finally {
    done = true;
  }
}
