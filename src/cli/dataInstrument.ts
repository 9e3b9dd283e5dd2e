// Which instrument prices a bar file: the explicit choice (--instrument/--symbol or backtest.instrument), else the file's own symbol; never a silent default.

import type { LoadedConfig } from '../config/index.ts';
import { MICRO_OF_MINI, symbolFromFileName, underlyingOf } from '../data/index.ts';
import { UsageError } from '../domain/index.ts';
import { note } from './output.ts';

/** The instrument chosen for a file and how (for the note printed to the user). */
export interface DataInstrument {
  readonly symbol: string;
  /** The root the file's name gives, or null. */
  readonly fileSymbol: string | null;
  readonly how: string;
}

/** An instrument named on the command line and the option that named it (for error messages). */
export interface ExplicitInstrument {
  readonly symbol: string;
  readonly option: string;
}

/** The help text of `--instrument <sym>` (and of its alias `--symbol`). */
export const INSTRUMENT_OPTION = [
  '--instrument <sym>',
  'instrument of the data file: MNQ, MES, M2K, MGC... (default: backtest.instrument, auto = from the data file name)',
] as const;
/** `--symbol <sym>`: the same option under the name train, retrain and drift used first. */
export const SYMBOL_OPTION = ['--symbol <sym>', 'another name for --instrument'] as const;

/**
 * The instrument named by `--instrument` or its alias `--symbol` (same meaning), or undefined; giving both
 * with different values is a usage error.
 */
export function instrumentOptionValue(opts: { readonly instrument?: string; readonly symbol?: string }): ExplicitInstrument | undefined {
  const { instrument, symbol } = opts;
  if (instrument !== undefined && symbol !== undefined && instrument !== symbol)
    throw new UsageError(`--instrument ${instrument} and --symbol ${symbol} contradict each other (--symbol is another name for --instrument)`);
  if (instrument !== undefined) return { symbol: instrument, option: '--instrument' };
  if (symbol !== undefined) return { symbol, option: '--symbol' };
  return undefined;
}

/**
 * The instrument for `dataFile`. `explicit` (an --instrument or --symbol option) wins over `backtest.instrument`; a value
 * other than `auto` is used when it trades the file's underlying (ES bars as ES or MES) or the file's
 * symbol is unknown, and refused when it contradicts the file (MNQ for an ES file). With `auto` the file's
 * symbol is used if configured, else its micro (ES → MES); an unknown file symbol must be named.
 */
export function chooseDataInstrument(
  loaded: LoadedConfig,
  dataFile: string,
  explicit?: ExplicitInstrument,
  option = 'backtest.instrument',
): DataInstrument {
  const configured = loaded.config.instruments.map((i) => i.symbol);
  const fileSymbol = symbolFromFileName(dataFile);
  const wanted = explicit?.symbol ?? loaded.config.backtest.instrument;
  const from = explicit?.option ?? option;
  if (wanted !== 'auto') {
    if (!configured.includes(wanted)) throw new UsageError(`${from} ${wanted}: not a configured instrument (instruments: ${configured.join(', ')})`);
    if (fileSymbol !== null && underlyingOf(wanted) !== underlyingOf(fileSymbol)) {
      const fits = configured.filter((s) => underlyingOf(s) === underlyingOf(fileSymbol));
      throw new UsageError(
        `${from} ${wanted} contradicts ${dataFile}: the file holds ${fileSymbol} bars; use ${fits.length ? fits.join(' or ') : `an instrument on ${underlyingOf(fileSymbol)}`} or auto`,
      );
    }
    return { symbol: wanted, fileSymbol, how: `${from} ${wanted}` };
  }
  if (fileSymbol === null)
    throw new UsageError(
      `cannot tell the instrument of ${dataFile} from its name; set ${option} (one of ${configured.join(', ')}) in the config or TXBOT__BACKTEST__INSTRUMENT`,
    );
  if (configured.includes(fileSymbol)) return { symbol: fileSymbol, fileSymbol, how: `from the file name (${fileSymbol})` };
  const micro = MICRO_OF_MINI[fileSymbol];
  if (micro && configured.includes(micro))
    return { symbol: micro, fileSymbol, how: `from the file name: ${fileSymbol} bars traded as the micro ${micro}` };
  throw new UsageError(
    `${dataFile} holds ${fileSymbol} bars, which no configured instrument trades (instruments: ${configured.join(', ')}); add it under instruments`,
  );
}

/** The config with backtest.instrument set to the file's instrument (printed as a note); see chooseDataInstrument. */
export function withDataInstrument(loaded: LoadedConfig, dataFile: string, explicit?: ExplicitInstrument): LoadedConfig {
  const d = chooseDataInstrument(loaded, dataFile, explicit);
  note(`instrument: ${d.symbol} (${d.how})`);
  return { ...loaded, config: { ...loaded.config, backtest: { ...loaded.config.backtest, instrument: d.symbol } } };
}
