// The composition root: buildRunContext(loaded, mode) picks every seam's implementation from the config
// (`{ kind }` unions; src/app/seams/ has one file per seam) and returns the RunContext every command,
// worker and benchmark runs with. Nothing else in txbot chooses an implementation.

import { systemClock, ConfigError, type Alert, type PluginError } from '../domain/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import { instrumentConfig, instrumentOf, type LoadedConfig } from '../config/index.ts';
import type { PluginFailureCount, RunContext, RunMode } from '../engine/index.ts';
import { RiskManager, riskSettingsFromConfig, type RiskInitialState } from '../strategy/index.ts';
import { decisionPolicyFor } from './seams/decisionPolicy.ts';
import { marketInputsFor } from './seams/marketInputs.ts';
import { runRegimeSource } from './seams/regimeSource.ts';

export interface RunContextOptions {
  /** Instrument symbol of a single-instrument run (default: `backtest.instrument`). */
  readonly symbol?: string;
  /** Instruments of a several-instrument run (in this order); overrides `symbol`. */
  readonly symbols?: readonly string[];
  /** Logger of the vendor input sources (default: silent). */
  readonly logger?: Logger;
  /** Where the input sources' alerts go (default: logged only). */
  readonly publishAlert?: (a: Alert) => void;
  /** The run's clock for the input sources (paper/live; default the system clock). */
  readonly nowMs?: () => number;
}

/** Builds the run context of `mode` from a loaded config. Throws ConfigError for an unusable seam. */
export function buildRunContext(loaded: LoadedConfig, mode: RunMode, options: RunContextOptions = {}): RunContext {
  const config = loaded.config;
  const wanted = (options.symbols && options.symbols.length ? options.symbols : [options.symbol ?? config.backtest.instrument]).map(
    (s) => instrumentOf(config, s).symbol,
  );
  // Bars of one instant are processed in the configured instruments' order.
  const order = config.instruments.map((i) => i.symbol);
  const symbols = [...new Set(wanted)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const instruments = symbols.map((s) => instrumentOf(config, s));
  const instrument = instruments[0]!;
  const logger = options.logger ?? silentLogger();
  const handle = marketInputsFor(loaded, mode, symbols, {
    logger,
    publishAlert: options.publishAlert ?? ((a) => logger.warn({ alert: a.code }, a.title)),
    nowMs: options.nowMs ?? (() => systemClock.nowMs()),
  });
  const market = handle.inputs;
  const policySeam = decisionPolicyFor(config, loaded.baseDir);
  const policy = policySeam.create();
  const startingBalanceUsd = config.backtest.initial_balance ?? config.risk.account_size;
  const failures = new Map<string, PluginFailureCount>();
  const listeners = new Set<(e: PluginError, tsMs: number) => void>();
  const reportPluginFailure = (e: PluginError, tsMs: number): void => {
    const seen = failures.get(e.plugin);
    if (seen) seen.count++;
    else failures.set(e.plugin, { plugin: e.plugin, count: 1, firstMessage: e.message, fallback: e.fallback, firstTsMs: tsMs });
    for (const l of listeners) l(e, tsMs);
  };
  return {
    mode,
    config,
    baseDir: loaded.baseDir,
    instrument,
    instruments,
    market,
    policy,
    policyTraining: policySeam.training,
    startingBalanceUsd,
    createRisk: (initial?: RiskInitialState) =>
      new RiskManager(
        riskSettingsFromConfig(config),
        instruments,
        initial ?? { balanceUsd: startingBalanceUsd, highestEodBalanceUsd: startingBalanceUsd },
      ),
    regimeSource: (model, history, o) => runRegimeSource(config, model, history, o),
    engineOptions: ({ regime, risk, idPrefix, symbol }) => {
      const inst = symbol === undefined ? instrument : instruments.find((i) => i.symbol === symbol);
      if (!inst) throw new ConfigError(`instrument ${symbol} is not traded by this run (trades ${symbols.join(', ')})`);
      const own = instrumentConfig(config, inst.symbol);
      return {
        config: own,
        instrument: inst,
        regime,
        policy: policySeam.create(),
        risk,
        vixTable: market.vixTable,
        calendar: market.calendar,
        sentiment: handle.sentimentFor(inst.symbol),
        filterSettings: own === config ? market.filterSettings : handle.filterSettingsFor(own),
        idPrefix,
        onPluginError: reportPluginFailure,
      };
    },
    pluginFailures: failures,
    reportPluginFailure,
    onPluginFailure: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    startInputs: () => handle.start(),
    stopInputs: () => handle.stop(),
  };
}
