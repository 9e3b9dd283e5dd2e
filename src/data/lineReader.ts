// Streams the lines of a text file, gunzipping transparently (by magic bytes), without loading it whole.

import { createReadStream, fstatSync, openSync, readSync, closeSync, type ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
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

/** The file's bytes (gunzipped when it is gzip), read in 1 MB pieces; an unopenable file is a DataError. */
function openBarStream(path: string, gunzip: { chunkSize?: number } = {}): { raw: ReadStream; stream: Readable } {
  let gz: boolean;
  try {
    gz = isGzipFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_FILE_UNREADABLE', `${path}: cannot open (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`, [], { cause: e });
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return { raw, stream: gz ? raw.pipe(createGunzip(gunzip)) : raw };
}

/** A failure while reading: a DataError as it is, anything else (gunzip, I/O) as DATA_FILE_UNREADABLE after `lineNo`. */
function readError(path: string, lineNo: number, e: unknown): DataError {
  if (e instanceof DataError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DataError('DATA_FILE_UNREADABLE', `${path}: cannot read after line ${lineNo} (${msg})`, [], { cause: e });
}

/**
 * Calls `onLine(text, lineNumber)` for each line (1-based, CR/LF stripped, BOM removed).
 * `onLine` may return false to stop early. Errors opening or decompressing become DataError.
 */
export async function forEachLine(path: string, onLine: (line: string, lineNo: number) => boolean | void): Promise<void> {
  const { raw, stream } = openBarStream(path);
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
    throw readError(path, lineNo, e);
  } finally {
    raw.destroy();
  }
}

/**
 * The bytes of each line: `onLine(buf, start, end, lineNo)` with `buf[start..end)` the line (1-based
 * number, CR/LF stripped, a UTF-8 BOM removed from line 1); the same lines as `forEachLine`, without a
 * string per line (the caller decodes what it needs: `buf.toString('utf8', start, end)`). The buffer is
 * only valid during the call. `onLine` may return false to stop early. Errors become DataError.
 */
export async function forEachLineBytes(
  path: string,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number) => boolean | void,
): Promise<void> {
  const { raw, stream } = openBarStream(path, { chunkSize: 1 << 18 });
  let carry: Buffer | null = null;
  let lineNo = 0;
  let stopped = false;
  /** One line [s, e) of `buf`: CR and (line 1) BOM stripped. */
  const emit = (buf: Buffer, s: number, e: number): boolean => {
    if (e > s && buf[e - 1] === 13) e--;
    lineNo++;
    if (lineNo === 1 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    return onLine(buf, s, e, lineNo) !== false;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      let nl = chunk.indexOf(10, 0);
      if (carry !== null) {
        if (nl === -1) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        // The line that straddles two chunks is assembled on its own.
        const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
        carry = null;
        if (!emit(line, 0, line.length)) {
          stopped = true;
          break;
        }
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      while (nl !== -1) {
        if (!emit(chunk, start, nl)) {
          stopped = true;
          break;
        }
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (stopped) break;
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
    }
    if (!stopped && carry !== null && carry.length > 0) emit(carry, 0, carry.length);
  } catch (e) {
    throw readError(path, lineNo, e);
  } finally {
    raw.destroy();
  }
}

/** Largest text-to-gzip size ratio believed from an ISIZE trailer (bar CSV files compress 5-6x). */
const MAX_GZIP_RATIO = 30;

/**
 * The size of the file's text in bytes, for size estimates: a gzip file's ISIZE trailer (the uncompressed
 * length modulo 2^32 of its last member; at most MAX_GZIP_RATIO x the file, so a damaged trailer cannot
 * reserve gigabytes), else the file size; null when the file cannot be read.
 */
export function textSizeHint(path: string): number | null {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (!isGzipFile(path) || size < 18) return size;
      const buf = Buffer.alloc(4);
      return readSync(fd, buf, 0, 4, size - 4) === 4 ? Math.min(buf.readUInt32LE(0), size * MAX_GZIP_RATIO) : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}
