// The files a paper/live session writes (the pid file, the SQLite journal) checked against its inputs
// (--model, --config) before it connects, and the model checked against the config.

import { loadConfig } from '../config/index.ts';
import { loadModelFile } from '../state/index.ts';
import { pidFilePath } from '../live/index.ts';
import { sqliteJournalPath } from '../state/index.ts';
import type { SessionCliOptions } from '../app/index.ts';
import { checkModelAgainstConfig } from './loadNotes.ts';
import { checkOutputPath, isSqliteOrEmptyFile, PID_OUTPUT_FILE, type OutputSpec } from './outputPath.ts';

const JOURNAL_OUTPUT_FILE: OutputSpec = { kind: 'file', what: 'a SQLite journal', replaceable: isSqliteOrEmptyFile };

/** Refuses a session whose pid file or journal is one of its inputs, or not a file of that kind; warns on model/config differences. */
export function checkSessionFiles(opts: SessionCliOptions): void {
  const loaded = loadConfig({ file: opts.config });
  const inputs = [
    { option: '--model', path: opts.model },
    { option: '--config', path: opts.config ?? loaded.sourcePath },
  ];
  checkOutputPath('--pid-file', pidFilePath(loaded.baseDir, opts.pidFile), PID_OUTPUT_FILE, inputs);
  if (loaded.config.journal.kind === 'sqlite')
    checkOutputPath('journal.sqlite_path', sqliteJournalPath(loaded.config.journal, loaded.baseDir), JOURNAL_OUTPUT_FILE, inputs);
  checkModelAgainstConfig(opts.model, loadModelFile(opts.model), loaded.config);
}
