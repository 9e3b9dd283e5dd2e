// The files a paper/live session writes (the pid file, the SQLite journal) checked against its inputs
// (--model, --config) before it connects, the model file of each instrument chosen, and each model
// checked against the config.

import { resolve } from 'node:path';
import { instrumentConfig, loadConfig, sessionSymbols, type LoadedConfig } from '../config/index.ts';
import { UsageError } from '../domain/index.ts';
import { parseSymbolFiles } from './symbolFiles.ts';
import { loadModelFile } from '../state/index.ts';
import { pidFilePath } from '../live/index.ts';
import { sqliteJournalPath } from '../state/index.ts';
import type { SessionCliOptions } from '../app/index.ts';
import { checkModelAgainstConfig } from './loadNotes.ts';
import { checkOutputPath, isSqliteOrEmptyFile, PID_OUTPUT_FILE, type OutputSpec } from './outputPath.ts';

const JOURNAL_OUTPUT_FILE: OutputSpec = { kind: 'file', what: 'a SQLite journal', replaceable: isSqliteOrEmptyFile };

/**
 * The model file of each instrument the session trades: `--model FILE` (one instrument), `--model SYM=FILE`
 * (repeated), else `instruments[].model` (relative to the config's folder).
 */
export function sessionModelFiles(loaded: LoadedConfig, values: readonly string[] | string | undefined): Map<string, string> {
  const symbols = sessionSymbols(loaded.config);
  const given = parseSymbolFiles('--model', values);
  const files = new Map<string, string>();
  for (const g of given) {
    if (g.symbol === null) {
      if (symbols.length > 1)
        throw new UsageError(`--model ${g.file}: the session trades ${symbols.join(', ')}; give one model per instrument as --model SYM=FILE`);
      files.set(symbols[0]!, g.file);
    } else if (!symbols.includes(g.symbol)) {
      throw new UsageError(
        `--model ${g.symbol}=${g.file}: ${g.symbol} is not traded by this session (it trades ${symbols.join(', ')}: ${loaded.config.backtest.instrument === 'auto' ? 'instruments[].enabled' : `backtest.instrument ${loaded.config.backtest.instrument}`})`,
      );
    } else files.set(g.symbol, g.file);
  }
  for (const s of symbols) {
    if (files.has(s)) continue;
    const configured = loaded.config.instruments.find((i) => i.symbol === s)?.model ?? null;
    if (configured === null)
      throw new UsageError(
        `no regime model for ${s}: give --model ${symbols.length > 1 ? `${s}=FILE` : 'FILE'} or set instruments[].model for ${s} in the config`,
      );
    files.set(s, resolve(loaded.baseDir, configured));
  }
  return files;
}

/**
 * Refuses a session whose pid file or journal is one of its inputs, or not a file of that kind; warns on
 * model/config differences. Returns the model file of each instrument (sessionModelFiles).
 */
export function checkSessionFiles(opts: SessionCliOptions): Map<string, string> {
  const loaded = loadConfig({ file: opts.config });
  const files = sessionModelFiles(loaded, opts.model);
  const inputs = [
    ...[...files.values()].map((path) => ({ option: '--model', path })),
    { option: '--config', path: opts.config ?? loaded.sourcePath },
  ];
  checkOutputPath('--pid-file', pidFilePath(loaded.baseDir, opts.pidFile), PID_OUTPUT_FILE, inputs);
  if (loaded.config.journal.kind === 'sqlite')
    checkOutputPath('journal.sqlite_path', sqliteJournalPath(loaded.config.journal, loaded.baseDir), JOURNAL_OUTPUT_FILE, inputs);
  for (const [symbol, path] of files) checkModelAgainstConfig(path, loadModelFile(path), instrumentConfig(loaded.config, symbol), symbol);
  return files;
}
