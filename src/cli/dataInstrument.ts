// Which instrument prices a bar file: the explicit choice (--symbol or backtest.instrument), else the file's own symbol; never a silent default.

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

/**
 * The instrument for `dataFile`. `explicit` (a --symbol option) wins over `backtest.instrument`; a value
 * other than `auto` is used when it trades the file's underlying (ES bars as ES or MES) or the file's
 * symbol is unknown, and refused when it contradicts the file (MNQ for an ES file). With `auto` the file's
 * symbol is used if configured, else its micro (ES → MES); an unknown file symbol must be named.
 */
export function chooseDataInstrument(loaded: LoadedConfig, dataFile: string, explicit?: string, option = 'backtest.instrument'): DataInstrument {
  const configured = loaded.config.instruments.map((i) => i.symbol);
  const fileSymbol = symbolFromFileName(dataFile);
  const wanted = explicit ?? loaded.config.backtest.instrument;
  const from = explicit !== undefined ? '--symbol' : option;
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
export function withDataInstrument(loaded: LoadedConfig, dataFile: string, explicit?: string): LoadedConfig {
  const d = chooseDataInstrument(loaded, dataFile, explicit);
  note(`instrument: ${d.symbol} (${d.how})`);
  return { ...loaded, config: { ...loaded.config, backtest: { ...loaded.config.backtest, instrument: d.symbol } } };
}
