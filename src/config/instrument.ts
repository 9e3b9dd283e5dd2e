// Builds the domain Instrument for a configured symbol, applying the backtest commission override.

import type { Instrument } from '../domain/instrument.ts';
import { ConfigError } from '../domain/errors.ts';
import type { Config } from './schema.ts';

/** The Instrument for `symbol` (default: backtest.instrument). */
export function instrumentOf(config: Config, symbol: string = config.backtest.instrument): Instrument {
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
