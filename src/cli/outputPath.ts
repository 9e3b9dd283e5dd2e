// Checks every output path of a command before it does any work: never an input (same file, or an input
// inside an output folder), never below a file, writable, and an existing target only when it is an
// earlier output of the same kind. Failures are UsageError (exit 2) naming the option.
//
// The rule for existing targets:
// - an output FILE that exists is replaced only when it is an earlier txbot output of the same kind
//   (a txbot model for `train`, a txbot bar CSV for `data synth` and `history download`); a folder there is refused;
// - an output FOLDER that exists is reused only when it is empty or holds nothing but files txbot writes
//   into such folders (summary.json, trades.csv, ... and the fixed/ and retraining/ subfolders); a file there is refused.

import {
  closeSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../domain/index.ts';
import { REGIME_MODEL_FORMAT } from '../regime/index.ts';

/** An input option and the path it names (undefined/null when not given). */
export interface InputPath {
  readonly option: string;
  readonly path: string | null | undefined;
}

/** What an output option writes. */
export type OutputSpec =
  | {
      readonly kind: 'file';
      /** What an existing file must be to be replaced, e.g. "a txbot model". */
      readonly what: string;
      readonly replaceable: (path: string) => boolean;
    }
  | {
      readonly kind: 'folder';
      /** Names txbot writes in such a folder (an existing folder may hold only these), or null for any content. */
      readonly names: ReadonlySet<string> | null;
      /** Subfolders whose content follows the same names. */
      readonly subfolders?: ReadonlySet<string>;
      /** Inputs may lie inside the folder (a model store never rewrites a file it did not create). */
      readonly inputsMayBeInside?: boolean;
    };

/** Files the run commands (backtest, walkforward, optimize, replay, demo, backtest --retrain) write into --out. */
export const RUN_OUTPUT_NAMES: ReadonlySet<string> = new Set([
  'summary.json',
  'trades.csv',
  'equity.csv',
  'decisions.jsonl',
  'report.html',
  'model.json',
  'comparison.json',
  'retrains.json',
  'final-model.json',
  'label-quality.json',
  'trials.csv',
  'journal.db',
  'journal.db-wal',
  'journal.db-shm',
  'journal.db-journal',
]);

/** An output folder of a run command. */
export const RUN_OUTPUT_FOLDER: OutputSpec = { kind: 'folder', names: RUN_OUTPUT_NAMES, subfolders: new Set(['fixed', 'retraining']) };

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` is a model file written by `txbot train` (its JSON starts with the format marker). */
export function isTxbotModelFile(path: string): boolean {
  return new RegExp(`^\\s*\\{\\s*"format"\\s*:\\s*"${REGIME_MODEL_FORMAT}"`).test(head(path, 256));
}

/** Whether `path` is a bar CSV txbot wrote (its header, then UTC ISO timestamps ending in Z, or nothing). */
export function isTxbotBarCsv(path: string): boolean {
  const lines = head(path).split('\n');
  return (
    lines[0] === 'timestamp,open,high,low,close,volume' &&
    (lines.length < 2 || lines[1] === '' || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,/.test(lines[1]!))
  );
}

/** An output file replaced only when it is a txbot model. */
export const MODEL_OUTPUT_FILE: OutputSpec = { kind: 'file', what: 'a txbot model (from an earlier `txbot train`)', replaceable: isTxbotModelFile };

/** An output file replaced (or extended) only when it is a txbot bar CSV. */
export const BAR_CSV_OUTPUT_FILE: OutputSpec = { kind: 'file', what: 'a bar CSV written by txbot', replaceable: isTxbotBarCsv };

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

const sameFile = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

/** The nearest existing ancestor of `path` (itself when it exists). */
function existingAncestor(path: string): string {
  let p = path;
  while (statOrNull(p) === null) {
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
  return p;
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/** Creates and removes a probe file in `folder`; a UsageError when that fails. */
function probeWritable(option: string, given: string, folder: string): void {
  const probe = join(folder, `.txbot-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`${option} ${given}: cannot write in the folder ${folder} (${errnoOf(e)})`, {
      hint: 'choose a folder you can write to',
    });
  }
}

/** Entries of an existing output folder that txbot would not have written (at most 3, relative paths). */
function foreignEntries(folder: string, spec: Extract<OutputSpec, { kind: 'folder' }>): string[] {
  const found: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    for (const name of readdirSync(dir).sort()) {
      if (found.length >= 3) return;
      const p = join(dir, name);
      const isDir = statOrNull(p)?.isDirectory() ?? false;
      if (isDir && top && spec.subfolders?.has(name)) walk(p, false);
      else if (isDir || !spec.names!.has(name)) found.push(relative(folder, p) + (isDir ? sep : ''));
    }
  };
  walk(folder, true);
  return found;
}

function checkInputs(option: string, given: string, target: string, spec: OutputSpec, inputs: readonly InputPath[]): void {
  const targetStat = statOrNull(target);
  for (const input of inputs) {
    if (!input.path) continue;
    const inPath = resolve(input.path);
    const inStat = statOrNull(inPath);
    if (!inStat) continue;
    if (targetStat && sameFile(inStat, targetStat))
      throw new UsageError(`${option} ${given} is the same file as ${input.option} ${input.path}: the command would overwrite its own input`, {
        hint: `give ${option} a new path`,
      });
    if (spec.kind === 'folder' && targetStat && !spec.inputsMayBeInside) {
      const inside = relative(realpathSync(target), realpathSync(inPath));
      if (inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep))
        throw new UsageError(`${input.option} ${input.path} is inside the output folder ${option} ${given}, whose files the command replaces`, {
          hint: `copy the input elsewhere or give ${option} another folder`,
        });
    }
  }
}

/**
 * Checks one output path against the rules above and the command's inputs; returns it resolved.
 * @example checkOutputPath('--out', opts.out, MODEL_OUTPUT_FILE, [{ option: '--data', path: opts.data }]);
 */
export function checkOutputPath(option: string, given: string, spec: OutputSpec, inputs: readonly InputPath[]): string {
  if (given.trim() === '') throw new UsageError(`${option} must not be empty`);
  const target = resolve(given);
  const ancestor = existingAncestor(target);
  const ancestorStat = statOrNull(ancestor);
  if (ancestor !== target && ancestorStat && !ancestorStat.isDirectory())
    throw new UsageError(`${option} ${given}: ${ancestor} is a file, not a folder, so nothing can be created below it`);
  const st = ancestor === target ? ancestorStat : null;
  if (spec.kind === 'file') {
    if (st?.isDirectory()) throw new UsageError(`${option} ${given} is a folder (expected the path of a file to write)`);
    if (st && !st.isFile()) throw new UsageError(`${option} ${given} is not a regular file`);
    checkInputs(option, given, target, spec, inputs);
    if (st && !spec.replaceable(target))
      throw new UsageError(`${option} ${given} exists and is not ${spec.what}; refusing to replace it`, {
        hint: `delete it first if it is not needed, or give ${option} a new file name`,
      });
    probeWritable(option, given, st ? dirname(target) : ancestor);
  } else {
    if (st && !st.isDirectory()) throw new UsageError(`${option} ${given} is a file (expected a folder)`);
    checkInputs(option, given, target, spec, inputs);
    if (st && spec.names) {
      const foreign = foreignEntries(target, spec);
      if (foreign.length)
        throw new UsageError(
          `${option} ${given} is a folder with files txbot did not write (${foreign.join(', ')}${foreign.length >= 3 ? ', ...' : ''}); refusing to write into it`,
          { hint: `give ${option} a new or empty folder, or an earlier output folder of this command` },
        );
    }
    probeWritable(option, given, st ? target : ancestor);
  }
  return target;
}

/** Writes `text` to `path` through a temp file in the same folder and a rename (a crash leaves the old file). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.txbot-tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${path}: cannot write the file (${errnoOf(e)})`);
  }
}

/** The input options of a run command (--data, --model, --config), for checkOutputPath. */
export function runInputs(opts: { readonly data?: string; readonly model?: string; readonly config?: string }): InputPath[] {
  return [
    { option: '--data', path: opts.data },
    { option: '--model', path: opts.model },
    { option: '--config', path: opts.config },
  ];
}

/** Whether `path` is a SQLite database (its 16-byte magic header) or an empty file. */
export function isSqliteOrEmptyFile(path: string): boolean {
  const text = head(path, 16);
  return text.length === 0 || text === 'SQLite format 3\u0000';
}

/** A pid file: replaced only when it holds a process id. */
export const PID_OUTPUT_FILE: OutputSpec = { kind: 'file', what: 'a pid file', replaceable: (p) => /^\s*\d*\s*$/.test(head(p, 64)) };
