// Streams the lines of a text file, gunzipping transparently (by magic bytes), without loading it whole.

import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { DataError } from '../domain/index.ts';

/** Whether the file starts with the gzip magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const n = readSync(fd, buf, 0, 2, 0);
    return n === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `onLine(text, lineNumber)` for each line (1-based, CR/LF stripped, BOM removed).
 * `onLine` may return false to stop early. Errors opening or decompressing become DataError.
 */
export async function forEachLine(path: string, onLine: (line: string, lineNo: number) => boolean | void): Promise<void> {
  let gz: boolean;
  try {
    gz = isGzipFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_FILE_UNREADABLE', `${path}: cannot open (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`, [], { cause: e });
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  let carry = '';
  let lineNo = 0;
  let stopped = false;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = carry + chunk;
      let start = 0;
      let nl = text.indexOf('\n', start);
      while (nl !== -1) {
        let line = text.slice(start, nl);
        if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        lineNo++;
        if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
        if (onLine(line, lineNo) === false) {
          stopped = true;
          break;
        }
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      if (stopped) break;
      carry = text.slice(start);
    }
    if (!stopped && carry.length > 0) {
      lineNo++;
      let line = carry.charCodeAt(carry.length - 1) === 13 ? carry.slice(0, -1) : carry;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      onLine(line, lineNo);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new DataError('DATA_FILE_UNREADABLE', `${path}: cannot read after line ${lineNo} (${msg})`, [], { cause: e });
  } finally {
    raw.destroy();
  }
}
