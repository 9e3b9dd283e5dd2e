// Runs `txbot paper` / `txbot live` as a user starts them: config, model, credentials, journal, the
// session, the pid file, signals (SIGINT/SIGTERM stop, SIGUSR2 kill switch) and a periodic status line.

import { systemClock, UsageError, formatIsoInZone } from '../domain/index.ts';
import type { Logger } from 'pino';
import { instrumentOf, loadConfig, type LoadedConfig } from '../config/index.ts';
import { loadModelFile } from '../state/index.ts';
import { connectClient, gatewayEndpoints } from '../broker/index.ts';
import { openJournal } from '../state/index.ts';
import { createLogger } from '../log/index.ts';
import { KILL_SIGNAL, pidFilePath, removePidFile, writePidFile, type LiveStatus } from '../live/index.ts';
import { startLiveSession, type LiveSession, type LiveSessionOptions } from './liveSession.ts';
import { openSharedState } from './sharedState.ts';
import { SharedSessionRunner } from './leaderSession.ts';
import { brokerClosedToday } from './brokerDay.ts';
import { gateClientMutations } from './leaderGate.ts';

/** Options shared by the paper and live commands. */
export interface SessionCliOptions {
  account: string;
  /** --model values as given (FILE, or SYM=FILE repeated); the CLI resolves them into `modelFiles`. */
  model?: string | string[];
  /** The model file of each instrument the session trades (cli/sessionOutputs.ts sessionModelFiles). */
  modelFiles?: ReadonlyMap<string, string>;
  config?: string;
  gateway?: string;
  rtc?: string;
  warmUpDays?: string;
  stopAfterBars?: string;
  pidFile?: string;
  /** Forces the monitoring dashboard on at this port (0 = a free port). */
  dashboardPort?: string;
}

/** One status line. */
export function formatStatus(s: LiveStatus): string {
  const conf = s.confidence === null ? '' : ` (${s.confidence.toFixed(2)})`;
  const dll = s.dailyLossRoomUsd === null ? 'n/a' : s.dailyLossRoomUsd.toFixed(2);
  return `${formatIsoInZone('America/New_York', s.tsMs)} ${s.state}${s.halted ? ' HALTED(kill)' : ''} regime ${s.regime ?? '-'}${conf} | ${s.position} | day P&L ${s.dayPnlUsd.toFixed(2)} | balance ${s.balanceUsd.toFixed(2)} | MLL room ${s.mllRoomUsd.toFixed(2)} | daily-loss room ${dll} | trades ${s.trades} bars ${s.bars}`;
}

function positiveInt(flag: string, v: string | undefined, fallback: number | null): number | null {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number >= 1 (got "${v}")`);
  return n;
}

/** `--dashboard-port`: a port number 0..65535 (0 = a free port), or null when not given. */
export function dashboardPortOption(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--dashboard-port must be a port number 0..65535, 0 for a free port (got "${v}")`);
  return n;
}

/** Parses and checks the shared options before anything connects. */
export function checkSessionOptions(opts: SessionCliOptions): {
  accountId: number;
  loaded: LoadedConfig;
  warmUpDays: number;
  stopAfterBars: number | null;
  dashboardPort: number | null;
} {
  const accountId = positiveInt('--account', opts.account, null)!;
  const dashboardPort = dashboardPortOption(opts.dashboardPort);
  const loaded = loadConfig({ file: opts.config });
  return {
    accountId,
    loaded,
    warmUpDays: positiveInt('--warm-up-days', opts.warmUpDays, 5)!,
    stopAfterBars: positiveInt('--stop-after-bars', opts.stopAfterBars, null),
    dashboardPort,
  };
}

/** Runs a session until SIGINT/SIGTERM (or --stop-after-bars); the kill switch (SIGUSR2) flattens and halts. */
export async function runSessionCommand(
  mode: 'paper' | 'live',
  opts: SessionCliOptions,
  print: (line: string) => void,
  extra: { logger?: Logger } = {},
): Promise<void> {
  const { accountId, loaded, warmUpDays, stopAfterBars, dashboardPort } = checkSessionOptions(opts);
  const config = loaded.config;
  if (!opts.modelFiles || opts.modelFiles.size === 0) throw new UsageError(`--model: no regime model given (txbot ${mode} --model FILE)`);
  const models = new Map([...opts.modelFiles].map(([symbol, file]) => [symbol, loadModelFile(file)] as const));
  const symbols = [...models.keys()];
  const logger = (extra.logger ?? createLogger()).child({ component: `live-${mode}` });
  const endpoints = gatewayEndpoints(config, opts);
  const client = connectClient(endpoints, { logger });
  const journal = await openJournal(config.journal, { baseDir: loaded.baseDir });
  const pidPath = pidFilePath(loaded.baseDir, opts.pidFile);
  let lastStatusMs = Number.NEGATIVE_INFINITY;
  let finish: (why: string) => void = () => undefined;
  const finished = new Promise<string>((resolve) => (finish = resolve));
  const sessionOptions: LiveSessionOptions = {
    mode,
    loaded,
    models,
    symbols,
    client,
    rtcUrl: endpoints.rtcUrl,
    accountId,
    journal,
    logger,
    baseClock: systemClock,
    warmUpDays,
    dashboardPort,
    onStatus: (s) => {
      if (s.tsMs - lastStatusMs >= config.live.status_interval_seconds * 1000) {
        lastStatusMs = s.tsMs;
        print(formatStatus(s));
      }
      if (stopAfterBars !== null && s.bars >= stopAfterBars) finish(`--stop-after-bars ${stopAfterBars} reached`);
    },
  };
  if (config.state.kind === 'redis') {
    // One instrument here: config check refuses shared state with several (rules.ts sharedStateOneInstrument).
    // The leader starts with the model the shared store hands it (startSession's argument), never the --model file map.
    return runSharedSession(mode, { ...sessionOptions, models: undefined, model: models.get(symbols[0]!)! }, { pidPath, print, finished, finish });
  }
  const session = await startLiveSession(sessionOptions).catch(async (e: unknown) => {
    await journal.close();
    throw e;
  });
  writePidFile(pidPath, process.pid);
  const onKill = () =>
    void session.runner.kill(KILL_SIGNAL).then(
      () => print(`kill switch: flattened, cancelled, halted | ${formatStatus(session.runner.status())}`),
      () => undefined,
    );
  const onStop = (sig: string) => () => finish(sig);
  const sigint = onStop('SIGINT');
  const sigterm = onStop('SIGTERM');
  process.on(KILL_SIGNAL, onKill);
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  if (session.monitor.dashboardUrl !== null) print(`dashboard ${session.monitor.dashboardUrl}`);
  print(
    `${mode} session on account ${accountId}, ${session.lanes.map((l) => `${l.contract.contractId} (${l.contract.name})`).join(', ')}; journal ${config.journal.kind}; pid file ${pidPath}; Ctrl-C stops (on_stop=${config.live.on_stop}), \`txbot kill\` flattens and halts`,
  );
  try {
    const why = await finished;
    logger.info({ why }, 'stopping');
    await session.stop(config.live.on_stop, why);
    print(`stopped (${why}) | ${formatStatus(session.runner.status())}`);
  } finally {
    process.off(KILL_SIGNAL, onKill);
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    removePidFile(pidPath, process.pid);
    await journal.close();
  }
}

/**
 * state.kind redis: stands by until this process wins the leader lease, then runs the session (see
 * app/leaderSession.ts); SIGUSR2 writes a kill request to Redis (the leader, wherever it runs, obeys).
 */
async function runSharedSession(
  mode: 'paper' | 'live',
  base: LiveSessionOptions,
  cli: { pidPath: string; print: (line: string) => void; finished: Promise<string>; finish: (why: string) => void },
): Promise<void> {
  const { loaded, journal, logger } = base;
  const config = loaded.config;
  const { print } = cli;
  const shared = await openSharedState(config, logger).catch(async (e: unknown) => {
    await journal.close();
    throw e;
  });
  // The session's instrument (backtest.instrument, or the one enabled instrument when it is auto): shared keys use it.
  const symbol = instrumentOf(config).symbol;
  const runner = new SharedSessionRunner({
    shared,
    journal,
    symbol,
    fileModel: base.model!,
    onStop: config.live.on_stop,
    logger,
    print,
    startSession: async (model, hooks): Promise<LiveSession> => {
      const s = await startLiveSession({
        ...base,
        model,
        ...hooks,
        // live: the broker's trades are the truth about today's P&L; paper: the previous leader's shared figure.
        closedToday: mode === 'live' ? (date) => brokerClosedToday(base.client, base.accountId, date) : hooks.closedToday,
      });
      print(`${mode} session on account ${base.accountId}, ${s.contract.contractId} (${s.contract.name}) as leader; journal ${config.journal.kind}`);
      return s;
    },
  });
  // Also at the REST call itself: resends, reconciliation orders and flattens ask the lease too.
  gateClientMutations(base.client, runner.orderGateReason);
  writePidFile(cli.pidPath, process.pid);
  const onKill = () =>
    void shared.risk.requestKill(KILL_SIGNAL).then(
      (r) => print(`kill request ${r.id} written to the shared state`),
      (e: unknown) => print(`kill request failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  const sigint = () => cli.finish('SIGINT');
  const sigterm = () => cli.finish('SIGTERM');
  process.on(KILL_SIGNAL, onKill);
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    await runner.start();
    const why = await cli.finished;
    logger.info({ why }, 'stopping');
    const last = runner.current;
    await runner.stop(why);
    print(`stopped (${why})${last ? ` | ${formatStatus(last.runner.status())}` : ' as a standby'}`);
  } finally {
    process.off(KILL_SIGNAL, onKill);
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    removePidFile(cli.pidPath, process.pid);
    await shared.close();
    await journal.close();
  }
}
