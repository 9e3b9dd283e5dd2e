// Last-good-copy files: JSON written to a temp file and renamed (atomic on one filesystem), read back tolerantly.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let seq = 0;

/** Writes `text` to `file` via a sibling temp file and a rename, creating the folder when needed. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++seq}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

/** Writes `value` as JSON atomically. */
export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value)}\n`);
}

/**
 * Reads a JSON file written by writeJsonAtomic: the parsed value, or null when the file is absent.
 * Throws SyntaxError on a corrupt file (callers log it and ignore the copy).
 */
export function readJsonFile(file: string): unknown {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
