// Builds the domain Instrument for a configured symbol (backtest commission override applied), the config an
// instrument trades with (its overrides on the top-level settings) and its regular-session window.

import { ConfigError, EQUITY_RTH, minutesOfClock, type Instrument, type RthWindow } from '../domain/index.ts';
import type { Config } from './schema.ts';

/** The Instrument for `symbol` (default: backtest.instrument; `auto` without a data file = the one enabled instrument). */
export function instrumentOf(config: Config, symbol: string = config.backtest.instrument): Instrument {
  if (symbol === 'auto') {
    // no data file to read it from (paper, live): the one instrument enabled for sessions
    const enabled = config.instruments.filter((i) => i.enabled);
    if (enabled.length !== 1)
      throw new ConfigError('backtest.instrument is auto and there is no data file to read the instrument from', [
        `backtest.instrument: name the instrument (one of ${config.instruments.map((i) => i.symbol).join(', ')}); ${enabled.length} instruments are enabled (got auto)`,
      ]);
    return instrumentOf(config, enabled[0]!.symbol);
  }
  const spec = config.instruments.find((i) => i.symbol === symbol);
  if (!spec)
    throw new ConfigError(`instrument ${symbol} is not configured`, [
      `instruments: no entry for ${symbol} (have ${config.instruments.map((i) => i.symbol).join(', ')})`,
    ]);
  return {
    symbol: spec.symbol,
    tickSize: spec.tick_size,
    tickValueUsd: spec.tick_value,
    commissionPerSideUsd: config.backtest.commission_per_side ?? spec.commission_per_side,
    isMicro: spec.micro,
  };
}

/**
 * The symbols a paper or live session trades, in configured order: `backtest.instrument` when it names
 * one (a single-instrument override), else every instrument with `enabled: true`.
 */
export function sessionSymbols(config: Config): string[] {
  if (config.backtest.instrument !== 'auto') return [instrumentOf(config).symbol];
  const enabled = config.instruments.filter((i) => i.enabled).map((i) => i.symbol);
  if (enabled.length === 0)
    throw new ConfigError('no instrument is enabled for paper/live sessions', [
      `instruments: set enabled: true on the instruments to trade (configured: ${config.instruments.map((i) => i.symbol).join(', ')})`,
    ]);
  return enabled;
}

/** An instrument's regular session as ET minutes, from config `session` (times in session.timezone). */
export function rthWindowOf(session: Config['session']): RthWindow {
  const shift = session.timezone === 'America/Chicago' ? 60 : 0;
  const start = minutesOfClock(session.rth_start) + shift;
  const end = minutesOfClock(session.rth_end) + shift;
  if (start === EQUITY_RTH.startMinuteEt && end === EQUITY_RTH.endMinuteEt) return EQUITY_RTH;
  return { startMinuteEt: start, endMinuteEt: end };
}

/**
 * The config an instrument trades with: the top-level settings with its `overrides` applied (session
 * hours, VWAP anchor, entry window, regime tables). Without overrides it is `config` itself.
 */
export function instrumentConfig(config: Config, symbol: string): Config {
  const spec = config.instruments.find((i) => i.symbol === symbol);
  const ov = spec?.overrides;
  if (!ov || Object.keys(ov).length === 0) return config;
  return {
    ...config,
    session: { ...config.session, ...ov.session },
    vwap: { ...config.vwap, ...ov.vwap },
    filters: { ...config.filters, session_windows: { ...config.filters.session_windows, ...ov.session_windows } },
    stops: { ...config.stops, ...ov.stops },
    targets: { ...config.targets, ...ov.targets },
    regime_action: { ...config.regime_action, ...ov.regime_action },
    regime_size_multipliers: { ...config.regime_size_multipliers, ...ov.regime_size_multipliers },
  };
}
